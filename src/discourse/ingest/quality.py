"""Per-thread counts of what a reader could not recover, so silent loss becomes visible.

A reader that misses a forum's body wrapper or date format does not fail: it produces posts
without words, or without dates. These counts go into the ``threads`` table and the ingest
report, onto the thread page and the index, and into a warning line of the run summary when a
thread looks wrong (:func:`thread_warnings`).
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from discourse import schema
from discourse.schema import (
    AUTHOR,
    CREATED_AT,
    METHOD,
    N_NO_AUTHOR,
    N_NO_DATE,
    N_NO_OWN_TEXT,
    N_POSTS,
    N_UNLINKED_QUOTES,
    OWN_TEXT,
    QUOTED_POST_ID,
)

#: The count columns, added to ``schema.THREADS`` and ``schema.INGEST_REPORT``.
QUALITY_COLUMNS = (N_NO_OWN_TEXT, N_NO_DATE, N_NO_AUTHOR, N_UNLINKED_QUOTES)

#: A thread is flagged when more than this share of its posts has no words of its own.
EMPTY_SHARE_WARNING = 0.5


def count_thread_quality(posts: pl.DataFrame, quotes: pl.DataFrame) -> pl.DataFrame:
    """One row per thread of ``posts`` with :data:`QUALITY_COLUMNS` (zero when all is well).

    * ``n_no_own_text``: posts whose own text (quotes removed) holds no word character: a
      reader that takes the body for a quote or misses it, or a post that only quotes (or only
      holds a smiley).
    * ``n_no_date`` / ``n_no_author``: posts without ``created_at`` / ``author``.
    * ``n_unlinked_quotes``: quote blocks the markup marks (``method == "marker"``) that are
      linked to no post of the thread: they name a post the file does not hold, or name none
      and repeat no earlier post's words.

    Vectorised over the frames, so it costs no per-post Python work.
    """
    flags = {
        N_NO_OWN_TEXT: ~pl.col(OWN_TEXT).fill_null("").str.contains(r"\w"),
        N_NO_DATE: pl.col(CREATED_AT).is_null(),
        N_NO_AUTHOR: pl.col(AUTHOR).is_null(),
    }
    sums = [flag.sum().cast(pl.Int64).alias(name) for name, flag in flags.items()]
    unlinked = (pl.col(METHOD) == "marker") & pl.col(QUOTED_POST_ID).is_null()
    ids = posts[schema.THREAD_ID]
    if ids.len() and ids.n_unique() == 1:
        # One thread (most files): plain sums cost a fraction of a group-by and a join.
        n_unlinked = quotes.select(unlinked.sum()).item() if quotes.height else 0
        return posts.select(
            pl.lit(ids[0], dtype=pl.String).alias(schema.THREAD_ID),
            *sums,
            pl.lit(n_unlinked, dtype=pl.Int64).alias(N_UNLINKED_QUOTES),
        )
    per_thread = posts.group_by(schema.THREAD_ID, maintain_order=True).agg(sums)
    n_unlinked = quotes.group_by(schema.THREAD_ID).agg(unlinked.sum().alias(N_UNLINKED_QUOTES))
    return per_thread.join(n_unlinked, on=schema.THREAD_ID, how="left", maintain_order="left").select(
        schema.THREAD_ID, *flags, pl.col(N_UNLINKED_QUOTES).fill_null(0).cast(pl.Int64)
    )


def thread_warnings(threads: pl.DataFrame) -> list[str]:
    """Readable warnings for threads that look wrong: most posts without words of their own.

    ``threads`` has ``thread_id``, ``n_posts`` and ``n_no_own_text``.
    """
    flagged = threads.filter(
        pl.col(N_POSTS).gt(0)
        & (pl.col(N_NO_OWN_TEXT).fill_null(0) > pl.col(N_POSTS) * EMPTY_SHARE_WARNING)
    )
    return [
        f"thread {thread_id}: {empty} of {total} posts have no text of their own "
        "(does the reader take the post body for a quote, or miss it?)"
        for thread_id, empty, total in flagged.select(schema.THREAD_ID, N_NO_OWN_TEXT, N_POSTS).iter_rows()
    ]


def describe_quality(row: Mapping[str, object]) -> list[str]:
    """Short phrases for a thread page or the index, e.g. "12 of 40 posts have no text of their own".

    ``row`` is a ``threads`` row (``n_posts`` and :data:`QUALITY_COLUMNS`); a count that is
    zero or null (a table written before the counts existed) gives no phrase.
    """
    total = _count(row, N_POSTS)
    phrases = []
    for column, thing, their in (
        (N_NO_OWN_TEXT, "text of its own", "text of their own"),
        (N_NO_DATE, "a date", "date"),
        (N_NO_AUTHOR, "an author", "author"),
    ):
        count = _count(row, column)
        if count >= total > 0:
            phrases.append(f"no post has {thing}")
        elif count:
            phrases.append(f"{count} of {total} posts {'has' if count == 1 else 'have'} no {their}")
    unlinked = _count(row, N_UNLINKED_QUOTES)
    if unlinked:
        phrases.append(f"{unlinked} marked quote{'s match' if unlinked != 1 else ' matches'} no post in the file")
    return phrases


def _count(row: Mapping[str, object], column: str) -> int:
    value = row.get(column)
    return value if isinstance(value, int) else 0
