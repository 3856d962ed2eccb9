"""Export posts for labelling and import labelled CSVs safely.

:func:`export_for_labelling` picks the posts the model is least sure about; a person fills in
the stance/sentiment/annotator/note columns; :func:`import_labels` checks every row and only
then writes one new CSV into the labels folder, atomically. One bad row rejects the whole file
and the error lists every bad row with its line number, so nothing half-imported can reach
training.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from discourse import schema
from discourse.atomic import write_text_atomic

EXCERPT_CHARS = 400
EXPORT_COLUMNS = (
    schema.THREAD_ID, schema.POST_ID, "excerpt", "predicted_stance", "confidence",
    "stance", "sentiment", "annotator", "note",
)
REQUIRED_COLUMNS = (schema.THREAD_ID, schema.POST_ID, "stance")


#: Sub-folder of the labels folder holding second annotations of gold units: compared with the
#: gold by the evaluation, never trained on.
AGREEMENT_DIR = "agreement"


def label_files(labels_dir: Path) -> list[Path]:
    """The gold and user label CSVs: ``*.csv`` directly in ``labels_dir``, sorted."""
    labels_dir = Path(labels_dir)
    return sorted(labels_dir.glob("*.csv")) if labels_dir.is_dir() else []


def second_annotation_files(labels_dir: Path) -> list[Path]:
    """The second annotations: ``*.csv`` in ``labels_dir/agreement``, sorted."""
    return label_files(Path(labels_dir) / AGREEMENT_DIR)


class LabelFileError(ValueError):
    """A label CSV in the labels folder cannot be read; the message names the file and why."""


class LabelImportError(ValueError):
    """A label CSV has bad rows; ``problems`` holds (line number, message) pairs."""

    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        self.path = Path(path)
        self.problems = problems
        listed = "\n".join(f"  line {line}: {message}" for line, message in problems)
        super().__init__(f"{self.path}: {len(problems)} bad row(s), nothing imported:\n{listed}")


def export_for_labelling(posts: pl.DataFrame, classified: pl.DataFrame, n: int = 50) -> pl.DataFrame:
    """Return the ``n`` least-confident model-classified posts, with empty label columns.

    Columns: thread_id, post_id, excerpt (own text, whitespace collapsed, cut at 400
    characters), predicted_stance, confidence, and empty stance, sentiment, annotator, note.
    Inherited stances are skipped: they were not the model's call.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    picked = (
        classified.filter(pl.col("stance_source") != "inherited")
        .select(*keys, pl.col("stance").alias("predicted_stance"), "confidence")
        .join(posts.select(*keys, "own_text"), on=keys, how="inner")
        .sort("confidence", *keys)
        .head(n)
    )
    empty = pl.lit("", dtype=pl.String)
    return picked.select(
        *keys,
        pl.col("own_text").fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()
        .str.slice(0, EXCERPT_CHARS).alias("excerpt"),
        "predicted_stance",
        pl.col("confidence").round(3),
        empty.alias("stance"), empty.alias("sentiment"), empty.alias("annotator"), empty.alias("note"),
    )


def write_for_labelling(frame: pl.DataFrame, path: Path) -> Path:
    """Write an export frame to CSV atomically; return the path."""
    buffer = io.StringIO()
    frame.write_csv(buffer)
    return write_text_atomic(Path(path), buffer.getvalue())


def _read_rows(csv_path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    with open(csv_path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [h.strip() for h in (reader.fieldnames or [])]
        rows = []
        for row in reader:
            clean = {(k or "").strip(): (v or "").strip() if isinstance(v, str) else "" for k, v in row.items()}
            rows.append((reader.line_num, clean))
    return header, rows


def validate_labels(csv_path: Path, posts: pl.DataFrame) -> tuple[pl.DataFrame, list[tuple[int, str]]]:
    """Return (labels frame per ``schema.LABELS``, problems); problems are (line, message)."""
    header, rows = _read_rows(csv_path)
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        return schema.empty(schema.LABELS), [(1, f"missing required column(s) {missing}")]
    known = set(posts.select(schema.THREAD_ID, schema.POST_ID).iter_rows())
    problems: list[tuple[int, str]] = []
    seen: dict[tuple[str, str], int] = {}
    good = []
    for line, row in rows:
        errors = []
        key = (row.get(schema.THREAD_ID, ""), row.get(schema.POST_ID, ""))
        if not key[0] or not key[1]:
            errors.append("thread_id and post_id are required")
        elif key not in known:
            errors.append(f"unknown post {key[0]}/{key[1]}")
        elif key in seen:
            errors.append(f"post {key[0]}/{key[1]} is labelled again (first on line {seen[key]})")
        stance, sentiment = row.get("stance", ""), row.get("sentiment", "")
        if stance not in schema.STANCES:
            errors.append(f"stance {stance!r} is not one of {', '.join(schema.STANCES)}")
        if sentiment and sentiment not in schema.SENTIMENT_LABELS:
            errors.append(f"sentiment {sentiment!r} is not one of {', '.join(schema.SENTIMENT_LABELS)} or empty")
        if errors:
            problems.append((line, "; ".join(errors)))
            continue
        seen[key] = line
        good.append({
            schema.THREAD_ID: key[0], schema.POST_ID: key[1], "stance": stance,
            "sentiment": sentiment or None, "annotator": row.get("annotator") or None,
            "note": row.get("note") or None,
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
