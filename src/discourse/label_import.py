"""Import a labelled CSV: check every row, then write one new CSV into the labels folder.

One bad row rejects the whole file and :class:`LabelImportError` lists every bad row with its
line number, so nothing half-imported can reach training. A row naming an unknown thread gets
the nearest ingested thread id as a hint.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from discourse import schema
from discourse.atomic import write_text_atomic
from discourse.label_folder import REQUIRED_COLUMNS
from discourse.label_match import nearest_thread_id
from discourse.schema import ANNOTATOR, NOTE, SENTIMENT, STANCE


class LabelImportError(ValueError):
    """A label CSV has bad rows; ``problems`` holds (line number, message) pairs."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.path = Path(path)
        self.problems = problems
        listed = "\n".join(f"  line {line}: {message}" for line, message in problems)
        super().__init__(f"{self.path}: {len(problems)} bad row(s), nothing imported:\n{listed}")


def _read_rows(csv_path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = []
        for row in reader:
            clean = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
            rows.append((reader.line_num, clean))
    return header, rows


def _thread_hint(thread_id: str, threads: list[str], cache: dict[str, str]) -> str:
    """Nothing when ``thread_id`` is ingested (only the post is unknown), else the nearest id."""
    if thread_id not in cache:
        if thread_id in threads:
            cache[thread_id] = ""
        else:
            near = nearest_thread_id(thread_id, threads)
            cache[thread_id] = f" (no thread {thread_id}; nearest: {near})" if near else f" (no thread {thread_id})"
    return cache[thread_id]


def validate_labels(csv_path: Path, posts: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Return (labels frame per ``schema.LABELS``, problems); problems are (line, message)."""
    header, rows = _read_rows(csv_path)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return schema.empty(schema.LABELS), [(1, f"missing required column(s) {missing}")]
    known = set(posts.select(schema.THREAD_ID, schema.POST_ID).iter_rows())
    threads = sorted(posts[schema.THREAD_ID].unique().to_list())
    hints: dict[str, str] = {}
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    good = []
    for line, row in rows:
        errors = []
        key = (row.get(schema.THREAD_ID, ""), row.get(schema.POST_ID, ""))
        if not key[0] or not key[1]:
            errors.append("thread_id and post_id are required")
        elif key not in known:
            errors.append(f"unknown post {key[0]}/{key[1]}{_thread_hint(key[0], threads, hints)}")
        elif key in seen:
            errors.append(f"post {key[0]}/{key[1]} is labelled again (first on line {seen[key]})")
        stance, sentiment = row.get(STANCE, ""), row.get(SENTIMENT, "")
        if stance not in schema.STANCES:
            errors.append(f"stance {stance!r} is not one of {', '.join(schema.STANCES)}")
        if sentiment and sentiment not in schema.SENTIMENT_LABELS:
            errors.append(f"sentiment {sentiment!r} is not one of {', '.join(schema.SENTIMENT_LABELS)} or empty")
        if errors:
            problems.append((line, "; ".join(errors)))
            continue
        seen[key] = line
        good.append({
            schema.THREAD_ID: key[0], schema.POST_ID: key[1], STANCE: stance,
            SENTIMENT: sentiment or None, ANNOTATOR: row.get(ANNOTATOR) or None,
            NOTE: row.get(NOTE) or None,
        })
    if not rows:
        problems.append((1, "the file has no label rows"))
    frame = pl.DataFrame(good, schema=schema.LABELS) if good else schema.empty(schema.LABELS)
    return frame, problems


def import_labels(csv_path: Path, labels_dir: Path, posts: pl.DataFrame) -> Path:
    """Validate ``csv_path`` against ``posts`` and write it as a new CSV in ``labels_dir``.

    Raises :class:`LabelImportError` listing every bad row (with line numbers) and writes
    nothing if any row is bad. On success writes ``labels_dir/user-<UTC time>-<stem>.csv``
    (never overwriting an existing file) atomically and returns its path.
    """
    frame, problems = validate_labels(Path(csv_path), posts)
    if problems:
        raise LabelImportError(Path(csv_path), problems)
    labels_dir = Path(labels_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    stem = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in Path(csv_path).stem)[:40]
    target = labels_dir / f"user-{stamp}-{stem}.csv"
    counter = 1
    while target.exists():
        counter += 1
        target = labels_dir / f"user-{stamp}-{stem}-{counter}.csv"
    buffer = io.StringIO()
    schema.conform(frame, schema.LABELS).write_csv(buffer)
    return write_text_atomic(target, buffer.getvalue())
