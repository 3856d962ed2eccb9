"""Export posts for labelling, import labelled CSVs safely, and match labels to posts.

:func:`choose_for_labelling` picks the posts the model is least sure about, taking them in turn
from each thread; :func:`export_for_labelling` turns them into a CSV a person fills in (the
annotation page of :mod:`discourse.annotate` shows the same choice). :func:`import_labels`
checks every row and only then writes one new CSV into the labels folder, atomically. One bad
row rejects the whole file and the error lists every bad row with its line number, so nothing
half-imported can reach training. :func:`match_labels` says which label rows name an ingested
post and, for those that do not, the nearest ingested thread id.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema
from discourse.atomic import write_text_atomic
from discourse.schema import (
    ANNOTATOR,
    CONFIDENCE,
    NOTE,
    OWN_TEXT,
    SENTIMENT,
    STANCE,
    STANCE_SOURCE,
)

EXCERPT_CHARS = 400
EXPORT_COLUMNS = (
    schema.THREAD_ID, schema.POST_ID, "excerpt", "predicted_stance", CONFIDENCE,
    STANCE, SENTIMENT, ANNOTATOR, NOTE,
)
REQUIRED_COLUMNS = (schema.THREAD_ID, schema.POST_ID, STANCE)
#: The columns of a label file, in order (docs/annotation.md, "Label files").
LABEL_COLUMNS = tuple(schema.LABELS)
#: Unmatched label groups (one label file, one thread) listed in a match report; the counts
#: always cover every row.
LISTED_GROUPS = 50
#: Post ids listed per unmatched group.
LISTED_POST_IDS = 10


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


def choose_for_labelling(
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    n: int = 50,
    *,
    labelled: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the ``n`` posts most worth labelling, least confident first, spread over threads.

    Each thread's model-classified posts are ranked by ascending confidence; the choice takes
    every thread's least-confident post (in ascending confidence), then every thread's second,
    and so on, so one long uncertain thread cannot fill the whole batch. Posts whose stance was
    inherited from a quoted post are skipped (they were not the model's call), and so are posts
    already in ``labelled`` (label rows: ``thread_id``, ``post_id`` and, if present, ``stance``;
    a row without a stance does not count). Columns: thread_id, post_id, predicted_stance,
    confidence. Cost: a rank within each thread and one sort, otherwise linear in the posts.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    candidates = (
        classified.filter(pl.col(STANCE_SOURCE) != "inherited")
        .select(*keys, pl.col(STANCE).alias("predicted_stance"), CONFIDENCE)
        .join(posts.select(keys), on=keys, how="semi")
    )
    if labelled is not None and labelled.height:
        if STANCE in labelled.columns:
            labelled = labelled.filter(pl.col(STANCE).is_not_null() & (pl.col(STANCE) != ""))
        candidates = candidates.join(labelled.select(keys).unique(), on=keys, how="anti")
    turn = pl.col(CONFIDENCE).rank("ordinal").over(schema.THREAD_ID).alias("turn")
    return (
        candidates.with_columns(turn)
        .sort("turn", CONFIDENCE, *keys, nulls_last=True)
        .head(n)
        .drop("turn")
    )


def export_for_labelling(
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    n: int = 50,
    *,
    labelled: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the posts of :func:`choose_for_labelling` with empty label columns.

    Columns: thread_id, post_id, excerpt (own text, whitespace collapsed, cut at 400
    characters), predicted_stance, confidence, and empty stance, sentiment, annotator, note.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    picked = choose_for_labelling(posts, classified, n, labelled=labelled).join(
        posts.select(*keys, OWN_TEXT), on=keys, how="left", maintain_order="left"
    )
    empty = pl.lit("", dtype=pl.String)
    return picked.select(
        *keys,
        pl.col(OWN_TEXT).fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()
        .str.slice(0, EXCERPT_CHARS).alias("excerpt"),
        "predicted_stance",
        pl.col(CONFIDENCE).round(3),
        empty.alias(STANCE), empty.alias(SENTIMENT), empty.alias(ANNOTATOR), empty.alias(NOTE),
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


# --- matching label rows to ingested posts ---------------------------------------------------
#: Shortest id that counts as a prefix or suffix of another anywhere ("stall" in "tea-stall");
#: a shorter one counts only up to a separator ("th" in "th-2024", not "p1" in "tep1").
MIN_AFFIX = 4


def _is_affix(short: str, long: str) -> bool:
    if not short or len(short) > len(long):
        return False
    if short == long:
        return True
    ends = [long[len(short)]] if long.startswith(short) else []
    ends += [long[-len(short) - 1]] if long.endswith(short) else []
    return bool(ends) and (len(short) >= MIN_AFFIX or any(not c.isalnum() for c in ends))


def nearest_thread_id(thread_id: str, known: Sequence[str]) -> str | None:
    """Return the ingested thread id ``thread_id`` most likely meant, or None.

    An id that equals ``thread_id`` up to case, or that one of the two starts or ends with
    (a missing or extra prefix or suffix such as ``-p2``; at least four characters shared, or
    cut at a separator), wins, the closest in length first; otherwise
    :func:`difflib.get_close_matches` picks the most similar id with a ratio of at least 0.6.
    """
    wanted = thread_id.strip().casefold()
    affixed = []
    for candidate in known:
        short, long = sorted((wanted, candidate.casefold()), key=len)
        if _is_affix(short, long):
            affixed.append(candidate)
    if affixed:
        return min(affixed, key=lambda k: (abs(len(k) - len(thread_id)), k))
    close = difflib.get_close_matches(thread_id, list(known), n=1, cutoff=0.6)
    return close[0] if close else None


@dataclass(frozen=True)
class UnmatchedLabels:
    """Label rows of one file and one thread that name no ingested post.

    ``thread_known`` says the thread is ingested but these posts are not in it; otherwise
    ``nearest_thread`` is the ingested thread id most likely meant (None when nothing is close).
    ``post_ids`` lists the first :data:`LISTED_POST_IDS` of the ``n_rows`` post ids.
    """

    label_file: str | None
    thread_id: str
    post_ids: tuple[str, ...]
    n_rows: int
    thread_known: bool
    nearest_thread: str | None

    def describe(self) -> str:
        """One line: where the rows are, which posts, and what is wrong."""
        where = f"{self.label_file}: " if self.label_file else ""
        shown = ", ".join(self.post_ids) + (", …" if self.n_rows > len(self.post_ids) else "")
        rows = f"{self.n_rows} row(s), post id(s) {shown}"
        if self.thread_known:
            problem = "no such post in this ingested thread"
        elif self.nearest_thread:
            problem = f"no ingested thread of this id; nearest: {self.nearest_thread}"
        else:
            problem = "no ingested thread of this id, and none is close"
        return f"{where}thread {self.thread_id} ({rows}): {problem}"


@dataclass(frozen=True)
class LabelMatch:
    """How many label rows (rows with a stance) name an ingested post, and which do not.

    ``unmatched`` holds the first :data:`LISTED_GROUPS` groups, in file order;
    ``n_unmatched`` counts every unmatched row.
    """

    labels_dir: str | None
    n_rows: int
    n_matched: int
    n_posts: int
    unmatched: tuple[UnmatchedLabels, ...] = ()

    @property
    def n_unmatched(self) -> int:
        return self.n_rows - self.n_matched

    def describe(self) -> list[str]:
        """The report as lines: the counts, then one line per unmatched group."""
        where = f" in {self.labels_dir}" if self.labels_dir else ""
        if not self.n_rows:
            return [f"labels: no label rows with a stance{where}"]
        head = f"labels: {self.n_matched} of {self.n_rows} label row(s){where} matched an ingested post"
        if not self.n_unmatched:
            return [head]
        lines = [f"{head}; {self.n_unmatched} did not (of {self.n_posts} ingested post(s)):"]
        lines += [f"  {group.describe()}" for group in self.unmatched]
        listed = sum(group.n_rows for group in self.unmatched)
        if listed < self.n_unmatched:
            lines.append(f"  … and {self.n_unmatched - listed} more row(s) in other threads")
        return lines

    def as_metadata(self) -> dict[str, Any]:
        """JSON-ready fields for a model's metadata (``labels_matched``, ``labels_unmatched``, …)."""
        return {
            "labels_dir": self.labels_dir,
            "labels_matched": self.n_matched,
            "labels_unmatched": self.n_unmatched,
            "labels_unmatched_listed": [
                {"label_file": g.label_file, "thread_id": g.thread_id, "post_ids": list(g.post_ids),
                 "n_rows": g.n_rows, "thread_known": g.thread_known, "nearest_thread": g.nearest_thread}
                for g in self.unmatched
            ],
            "labels_ingested_posts": self.n_posts,
        }

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, Any]) -> LabelMatch:
        """Rebuild the report :meth:`as_metadata` wrote (e.g. from a model's sidecar)."""
        matched, unmatched = int(metadata.get("labels_matched") or 0), int(metadata.get("labels_unmatched") or 0)
        groups = tuple(
            UnmatchedLabels(g.get("label_file"), g["thread_id"], tuple(g.get("post_ids", ())), int(g["n_rows"]),
                            bool(g.get("thread_known")), g.get("nearest_thread"))
            for g in metadata.get("labels_unmatched_listed") or ()
        )
        return cls(metadata.get("labels_dir"), matched + unmatched, matched,
                   int(metadata.get("labels_ingested_posts") or 0), groups)


class LabelMatchError(LabelFileError):
    """No label row names an ingested post; ``match`` holds the report."""

    def __init__(self, match: LabelMatch) -> None:
        self.match = match
        where = match.labels_dir or "the labels folder"
        if not match.n_rows:
            reason = f"{where} holds no label rows with a stance (label files are *.csv directly in it)"
        elif not match.n_posts:
            reason = (f"none of the {match.n_rows} label row(s) in {where} can match: no posts are ingested "
                      "(run 'discourse ingest' first)")
        else:
            reason = "\n".join([f"none of the {match.n_rows} label row(s) in {where} matched an ingested post",
                                *match.describe()[1:]])
        super().__init__(reason)


def match_labels(labels: pl.DataFrame, posts: pl.DataFrame, *, labels_dir: Path | str | None = None) -> LabelMatch:
    """Compare label rows with the ingested posts; return the :class:`LabelMatch` report.

    ``labels`` has ``thread_id``, ``post_id``, ``stance`` and optionally ``label_file``; rows
    without a stance are not label rows and are ignored. One anti-join finds the unmatched
    rows; thread ids are suggested only for the listed groups, so the cost stays linear in the
    rows plus (listed groups × ingested threads).
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    rows = labels.filter(pl.col(STANCE).is_not_null() & (pl.col(STANCE) != ""))
    if "label_file" not in rows.columns:
        rows = rows.with_columns(pl.lit(None, pl.String).alias("label_file"))
    post_keys = posts.select(keys).unique()
    missing = rows.select("label_file", *keys).join(post_keys, on=keys, how="anti")
    groups = (
        missing.group_by("label_file", schema.THREAD_ID, maintain_order=True)
        .agg(pl.col(schema.POST_ID).head(LISTED_POST_IDS).alias("post_ids"), pl.len().alias("n_rows"))
        .head(LISTED_GROUPS)
    )
    ordered_known = sorted(post_keys[schema.THREAD_ID].unique().to_list())
    known = set(ordered_known)
    nearest: dict[str, str | None] = {}
    unmatched = []
    for label_file, thread_id, post_ids, n_rows in groups.iter_rows():
        thread_id = thread_id or ""
        if thread_id not in known and thread_id not in nearest:
            nearest[thread_id] = nearest_thread_id(thread_id, ordered_known) if thread_id else None
        unmatched.append(UnmatchedLabels(
            label_file, thread_id, tuple(p or "" for p in post_ids), int(n_rows),
            thread_id in known, nearest.get(thread_id),
        ))
    return LabelMatch(
        str(labels_dir) if labels_dir is not None else None,
        rows.height, rows.height - missing.height, posts.height, tuple(unmatched),
    )

