"""Match label rows to ingested posts and suggest the thread id a mistyped one meant.

:func:`match_labels` returns a :class:`LabelMatch` report: how many label rows name an ingested
post and, for those that do not, grouped by file and thread, the nearest ingested thread id
(:func:`nearest_thread_id`). :class:`LabelMatchError` is raised by training when no row matches.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema
from discourse.label_folder import LabelFileError
from discourse.schema import STANCE

#: Unmatched label groups (one label file, one thread) listed in a match report; the counts
#: always cover every row.
LISTED_GROUPS = 50
#: Post ids listed per unmatched group.
LISTED_POST_IDS = 10

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

