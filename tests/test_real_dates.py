"""Real forumscraper samples: at least 95 % of posts get a created_at from their raw ``date``.

The files are read from ../shared/real-data at run time (other people's words are never copied
into the repository); the test skips when they are absent. Only the JSON's ``date`` values are
used, parsed with :func:`discourse.ingest.dates.parse_datetime`, independent of the reader.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from discourse.ingest.dates import parse_datetime

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "forumscraper"


def _post_dates(data: object) -> list[object]:
    """The ``date`` of every post and comment (Hacker News and Stack Exchange nest comments)."""
    found: list[object] = []

    def walk(items: object) -> None:
        if not isinstance(items, list):
            return
        for item in items:
            if isinstance(item, dict):
                found.append(item.get("date"))
                walk(item.get("comments"))

    if isinstance(data, dict):
        walk(data.get("posts"))
        if not found:
            walk(data.get("comments"))
    return found


def _thread_files() -> list[Path]:
    if not REAL.is_dir():
        pytest.skip(f"real forumscraper samples not found at {REAL}")
    files = []
    for path in sorted(p for p in REAL.rglob("*") if p.is_file()):
        if _post_dates(json.loads(path.read_text(encoding="utf-8"))):
            files.append(path)
    if not files:
        pytest.skip(f"no thread files under {REAL}")
    return files


def test_real_posts_get_a_created_at() -> None:
    total = parsed = 0
    unread: dict[str, int] = {}
    for path in _thread_files():
        values = _post_dates(json.loads(path.read_text(encoding="utf-8")))
        ok = sum(parse_datetime(value) is not None for value in values)
        total += len(values)
        parsed += ok
        if ok < len(values):
            unread[str(path.relative_to(REAL))] = len(values) - ok
    assert total > 0
    assert parsed / total >= 0.95, f"{parsed} of {total} dates read; unread per file: {unread}"


def test_each_real_file_reads_its_dates() -> None:
    for path in _thread_files():
        values = _post_dates(json.loads(path.read_text(encoding="utf-8")))
        ok = sum(parse_datetime(value) is not None for value in values)
        assert ok / len(values) >= 0.95, f"{path.relative_to(REAL)}: {ok} of {len(values)}"
