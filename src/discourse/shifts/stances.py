"""Each post's stance and scores, and the stance rules every shift step shares.

:func:`join_stances` gives one row per post, sorted by thread and position, with the stance
and sentiment of its first classification row (``none`` and null scores when it has none).
The rules — which stances take a side, the relation between two stances, the majority of a
set of counts — are written once here, for Polars expressions and for the Python passes
alike (see the package notes for the conventions).
"""

from __future__ import annotations

from functools import cache

import polars as pl

from discourse import schema
from discourse.schema import (
    AUTHOR,
    CONFIDENCE,
    CREATED_AT,
    POSITION,
    POST_ID,
    SENTIMENT,
    SENTIMENT_US,
    SENTIMENT_USSR,
    SIDED_STANCES,
    STANCE,
    THREAD_ID,
)
from discourse.shifts.frames import collect

NONE = "none"
#: Sided stance -> its count slot in the Python passes (SIDED_STANCES order).
SIDE = {stance: slot for slot, stance in enumerate(SIDED_STANCES)}
#: The count slot of none, null and unknown stances.
NO_SIDE = len(SIDED_STANCES)


@cache  # expressions are immutable, and building this one (is_in makes a Series) is not free
def sided(col: str = STANCE) -> pl.Expr:
    """True where the stance takes a side (not none, not null)."""
    return pl.col(col).is_in(list(SIDED_STANCES)).fill_null(False)


def relation(stance: str | None, other: str | None) -> str:
    """``agree`` / ``disagree`` / ``other`` between two stances (see the package notes)."""
    if stance in SIDE and other in SIDE:
        return "agree" if stance == other else "disagree"
    return "other"


def majority(*counts: int) -> str | None:
    """The sided stance (counts in SIDED_STANCES order) with the unique top count > 0, else None."""
    top = max(counts)
    if top <= 0 or counts.count(top) != 1:
        return None
    return SIDED_STANCES[counts.index(top)]


def share(count: int, total: int) -> float | None:
    """``count / total``, or None when ``total`` is 0."""
    return count / total if total > 0 else None


def rolling_mean_expr(col: str, window: int, by: str = THREAD_ID) -> pl.Expr:
    """Trailing mean of the non-null values of ``col`` over ``window`` rows, per thread.

    Null when the window holds no value. Rows must already be sorted by thread and position.
    """
    total = pl.col(col).fill_null(0.0).rolling_sum(window, min_samples=1).over(by)
    count = pl.col(col).is_not_null().cast(pl.Int64).rolling_sum(window, min_samples=1).over(by)
    return pl.when(count > 0).then(total / count).otherwise(None)


def stances_query(posts: pl.DataFrame, classified: pl.DataFrame) -> pl.LazyFrame:
    """:func:`join_stances` as a query."""
    keys = [THREAD_ID, POST_ID]
    ends = schema.conform(posts.lazy(), schema.POSTS, columns=[*keys, POSITION, AUTHOR, CREATED_AT])
    score_names = [*keys, STANCE, CONFIDENCE, SENTIMENT, SENTIMENT_US, SENTIMENT_USSR]
    scores = (
        schema.conform(classified.lazy(), schema.CLASSIFIED, columns=score_names)
        .unique(keys, keep="first", maintain_order=True)
    )
    return (
        ends.join(scores, on=keys, how="left")
        .with_columns(pl.col(STANCE).fill_null(NONE))
        .sort(THREAD_ID, POSITION, maintain_order=True)
    )


def join_stances(posts: pl.DataFrame, classified: pl.DataFrame) -> pl.DataFrame:
    """One row per post, sorted by thread and position, with its stance and sentiment.

    Columns: thread_id, post_id, position, author, created_at, stance, confidence, sentiment,
    sentiment_us, sentiment_ussr. Posts without a classification row get stance ``none`` and
    null scores; of several rows for one post, the first counts.
    """
    return collect(stances_query(posts, classified))[0]
