"""Shared fixtures: the seed documents and a tiny authored thread every test can read at a glance."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("DO_NOT_TRACK", "1")
# One machine cache of built artefacts (chart library, cue-pattern database) for this test session and the processes it starts,
# apart from the user's own (discourse.machine_cache.cache_dir).
_CACHE = tempfile.mkdtemp(prefix="discourse-test-cache-")
os.environ["DISCOURSE_CACHE_DIR"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, True)

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
SEED_THREAD = RAW / "pakpassion-why-not-ussr.txt"
SEED_ARTICLE = RAW / "ussr-pakistan-relations-1965.txt"
NBSP = "\u00a0"

# Authored example (project's own words): a three-post XenForo plain-text copy in which the
# third post quotes the first one without any marker, the way the seed thread does.
TINY_THREAD = "\n".join(
    [
        "What's new",
        "",
        "Was the SEATO pact worth it?",
        "",
        "Rahim",
        "",
        "Senior Member",
        "Joined",
        "Mar 3, 2015",
        "Messages",
        "1,204",
        "Joining SEATO bought Pakistan aid and arms when it had almost nothing.",
        "",
        "Washington was the only capital with money to spare in 1954.",
        NBSP,
        "Non-alignment would have kept us out of other people's wars.",
        NBSP,
        "Joining SEATO bought Pakistan aid and arms when it had almost nothing.",
        "",
        "Aid, yes, but every rupee came with strings attached.",
        NBSP,
        "Back",
        "Top",
    ]
)


@pytest.fixture
def tiny_thread_file(tmp_path: Path) -> Path:
    """The tiny authored thread written to a raw folder of its own."""
    raw = tmp_path / "raw"
    raw.mkdir()
    path = raw / "seato-tiny.txt"
    path.write_text(TINY_THREAD, encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def seed_tables(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Both seed documents ingested once per session: {"threads", "posts", "quotes", "dir"}."""
    import polars as pl

    from ingest_util import ingest_paths

    processed = tmp_path_factory.mktemp("seed-processed")
    summary = ingest_paths([RAW], processed)
    assert not summary.failed_files, [r.error for r in summary.failed_files]
    return {name: pl.read_parquet(processed / f"{name}.parquet") for name in ("threads", "posts", "quotes")} | {
        "dir": processed
    }
