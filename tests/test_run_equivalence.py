"""A whole 10k-post run gives the tables it gave before the code was restructured or sped up.

The benchmark's generator writes the same 10,000 posts (100 threads) for the same seed; the
shipped stance model is trained on the shipped authored set. Every table of the run is
reduced to a digest of its rows (timestamps left out, floats to six decimals) and compared with
``tests/data/run_10k_digests.json``, recorded from the library before the one-transaction
store, the charts/shifts split and the batched cue extraction (commit d80f0f9) — so a change
that alters any stored value, or the order of rows, fails here. When a change of output is
intended, record the digests again (``python tests/test_run_equivalence.py PROCESSED_DIR``)
and say why in the commit.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import polars.selectors as cs
import pytest

ROOT = Path(__file__).resolve().parents[1]
DIGESTS = Path(__file__).parent / "data" / "run_10k_digests.json"
TABLES = (
    "threads", "posts", "quotes", "classified", "shifts", "change_points", "transitions",
    "author_tracks", "thread_summary", "manifest", "ingest_report",
)
#: When a run happened, not what it found.
TIME_COLUMNS = ("ingested_at", "checked_at", "processed_at")
#: Decimals a float keeps in a digest. Training runs on OpenBLAS, whose kernels are chosen for
#: the CPU (Haswell, Sandybridge, SkylakeX...): the same code and data give stance
#: probabilities that differ in the 11th decimal from one machine to another, labels and cues
#: unchanged. A change of the software moves them far more than this.
FLOAT_DECIMALS = 6


def table_digests(processed_dir: Path) -> dict[str, dict[str, object]]:
    """Each table's row count and sha256 of its rows as JSON lines, in stored order."""
    out: dict[str, dict[str, object]] = {}
    for table in TABLES:
        frame = pl.read_parquet(Path(processed_dir) / f"{table}.parquet")
        frame = frame.drop([c for c in TIME_COLUMNS if c in frame.columns])
        frame = frame.with_columns(cs.float().round(FLOAT_DECIMALS))
        out[table] = {"rows": frame.height, "sha256": hashlib.sha256(frame.write_ndjson().encode()).hexdigest()}
    return out


@pytest.mark.slow
def test_a_10k_post_run_gives_the_recorded_tables(tmp_path: Path) -> None:
    from discourse.config import Settings
    from discourse.pipeline import run_pipeline

    corpus = tmp_path / "corpus"
    subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate.py"), "--posts", "10000", "--seed", "1", "--out", str(corpus), "-q"],
        check=True, timeout=300,
    )
    settings = Settings.default(tmp_path / "root", raw_dir=corpus / "txt")
    summary = run_pipeline(settings)
    assert summary.ok and len(summary.processed_threads) == 100
    recorded = json.loads(DIGESTS.read_text(encoding="utf-8"))
    digests = table_digests(settings.processed_dir)
    assert {t: d["rows"] for t, d in digests.items()} == {t: d["rows"] for t, d in recorded.items()}
    changed = [table for table in TABLES if digests[table] != recorded[table]]
    assert not changed, f"tables differ from the recorded run: {changed}"


if __name__ == "__main__":  # record the digests of a processed folder
    print(json.dumps(table_digests(Path(sys.argv[1])), indent=2))
