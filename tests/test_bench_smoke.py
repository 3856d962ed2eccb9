"""Smoke run of the benchmark (CI): generate a 10k-post corpus, run ``bench/run.py --quick`` on it.

Only sanity is asserted (every stage measured, positive rates, the rerun found nothing to do);
there is no timing threshold, the figures of a shared CI machine mean little.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
STAGES = ("ingest", "quotes", "sentiment", "stance", "metrics", "report", "storage")


def _generate(out: Path, posts: int, seed: int) -> None:
    subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "--posts", str(posts), "--seed", str(seed), "--out", str(out), "-q"],
        check=True,
        timeout=120,
    )


def test_generator_is_seeded(tmp_path: Path) -> None:
    """Same seed, same bytes; another seed, other bytes."""
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        _generate(tmp_path / name, 600, seed)
    files = sorted(p.name for p in (tmp_path / "a" / "txt").iterdir())
    assert len(files) == 6
    for name in files:
        assert (tmp_path / "a" / "txt" / name).read_bytes() == (tmp_path / "b" / "txt" / name).read_bytes()
    assert any(
        (tmp_path / "a" / "txt" / n).read_bytes() != (tmp_path / "c" / "txt" / n).read_bytes() for n in files
    )
    meta = json.loads((tmp_path / "a" / "corpus.json").read_text(encoding="utf-8"))
    assert meta["posts"] == 600 and meta["threads"] == 6
    assert 0.2 < meta["quoting_posts"] / (600 - 6) < 0.4  # about 30% of replies open with a quote
    first = (tmp_path / "a" / "txt" / files[0]).read_text(encoding="utf-8")
    assert first.startswith("What's new\n") and "\n\u00a0\n" in first and "\nJoined\n" in first


@pytest.mark.slow
def test_benchmark_smoke_10k(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    _generate(corpus, 10_000, 7)
    results = tmp_path / "results"
    proc = subprocess.run(
        [
            sys.executable, str(BENCH / "run.py"), "--posts", "10000", "--seed", "7", "--quick",
            "--corpus", str(corpus), "--results-dir", str(results), "--work", str(tmp_path / "work"),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-6000:]
    [path] = list(results.glob("*-10000.json"))
    doc = json.loads(path.read_text(encoding="utf-8"))

    assert doc["posts"] == 10_000 and doc["threads"] == 100
    assert doc["stages_total"]["posts"] == 10_000
    assert doc["stages_total"]["quotes_found"] > 1000  # about 30% of the replies quote
    for stage in STAGES:
        assert doc["stages"][stage]["posts_per_s"] > 0, stage
        assert doc["stages"][stage]["cpu_posts_per_s"] > 0, stage
    assert doc["end_to_end"]["posts_per_s"] > 0 and doc["end_to_end"]["ok"]
    assert doc["baseline"]["posts_per_s"] > 0 and doc["baseline"]["sample_posts"] == 500
    assert doc["baseline"]["extrapolated"] is True
    # Timed before and after the pipeline runs; the figure used is their geometric mean.
    before, after = (t["posts_per_s"] for t in doc["baseline"]["timings"])
    assert doc["baseline"]["posts_per_s"] == pytest.approx((before * after) ** 0.5)
    assert doc["baseline"]["drift"] == pytest.approx(after / before)
    assert doc["ratios"]["end_to_end_vs_baseline_before"] > 0 and "baseline timed before / after" in proc.stdout
    for ratio in ("end_to_end_vs_baseline", "sentiment_stance_vs_baseline"):
        assert doc["ratios"][ratio] > 0
    assert doc["rerun"]["nothing_to_do"] and doc["rerun"]["run_pipeline_seconds"] > 0
    for key in ("baseline", "stages_total", "end_to_end", "rerun"):
        assert doc[key]["peak_rss_bytes"] > 50 * 2**20
    assert not doc.get("warnings"), doc.get("warnings")
    assert "posts/s" in proc.stdout and "ratio end-to-end / baseline" in proc.stdout
    # The reports folder is measured: 100 pages, the index and the shared chart library at least.
    folder = doc["end_to_end"]["reports_folder"]
    assert folder["files"] >= 102 and folder["bytes"] > 100 * 10_000
    assert doc["targets"]["reports_per_1000_threads"]["value_mb"] == pytest.approx(folder["bytes"] / 1e5)
    assert "reports folder:" in proc.stdout


@pytest.mark.slow
def test_step_and_rate_tools_run_on_a_small_corpus(tmp_path: Path) -> None:
    """bench/cue_steps.py and bench/classify_rate.py run and report every step and both rates."""

    _generate(tmp_path / "corpus", 400, 5)
    steps = subprocess.run(
        [sys.executable, str(BENCH / "cue_steps.py"), "--corpus", str(tmp_path / "corpus"), "--posts", "300",
         "--repeats", "1"], check=True, timeout=300, capture_output=True, text=True,
    ).stdout
    for step in ("side scan", "tokens", "negation", "pattern sets", "sentences", "VADER", "cue rules", "total"):
        assert re.search(rf"^  {step} +\d+\.\d$", steps, re.MULTILINE), steps
    rates = subprocess.run(
        [sys.executable, str(BENCH / "classify_rate.py"), "--corpus", str(tmp_path / "corpus"), "--repeats", "1"],
        check=True, timeout=600, capture_output=True, text=True,
        env={**os.environ, "DO_NOT_TRACK": "1"},
    ).stdout
    found = re.search(r"as generated ([\d,]+), no repeated sentence ([\d,]+)", rates)
    assert found and all(int(n.replace(",", "")) > 0 for n in found.groups()), rates
