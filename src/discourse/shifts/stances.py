"""Each post's stance and scores, and the stance rules every shift step shares.

:func:`join_stances` gives one row per post, sorted by thread and position, with the stance
and sentiment of its first classification row (``none`` and null scores when it has none).
The rules — which stances take a side, the relation between two stances, the majority of a
set of counts, a share of two counts — are written once here as Polars expressions (see the
package notes for the conventions).
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

NONE = "none"


def collect(*queries: pl.LazyFrame) -> list[pl.DataFrame]:
    """Run ``queries`` together in one ``collect_all``."""
    # Always the in-memory engine, which the eager API runs too: a float mean's last bit can
    # depend on the engine (tests/test_shifts.py pins the means to the eager group-by's).
    return pl.collect_all(list(queries), engine="in-memory")


@cache  # expressions are immutable, and building this one (is_in makes a Series) is not free
def sided(col: str = STANCE) -> pl.Expr:
    """True where the stance takes a side (not none, not null)."""
    return pl.col(col).is_in(list(SIDED_STANCES)).fill_null(False)


def relation_expr(stance: str, other: str) -> pl.Expr:
    """``agree`` / ``disagree`` / ``other`` between the stances in two columns.

    ``agree`` when both are the same sided stance, ``disagree`` when both are sided and differ,
    ``other`` when either is not sided (none, null or unknown).
    """
    both = sided(stance) & sided(other)
    return (
        pl.when(both & (pl.col(stance) == pl.col(other)))
        .then(pl.lit("agree"))
        .when(both)
        .then(pl.lit("disagree"))
        .otherwise(pl.lit("other"))
    )


def majority_expr(*counts: pl.Expr) -> pl.Expr:
    """The sided stance (``counts`` in SIDED_STANCES order) with the unique top count > 0, else null."""
    if len(counts) != len(SIDED_STANCES):
        raise ValueError(f"majority_expr takes one count per sided stance, got {len(counts)}")
    top = pl.max_horizontal(counts)
    wins = [
        (top > 0) & (count == top) & pl.all_horizontal([c < top for k, c in enumerate(counts) if k != slot])
        for slot, count in enumerate(counts)
    ]
    chosen = pl.when(wins[0]).then(pl.lit(SIDED_STANCES[0]))
    for win, stance in zip(wins[1:], SIDED_STANCES[1:], strict=True):
        chosen = chosen.when(win).then(pl.lit(stance))
    return chosen.otherwise(pl.lit(None, pl.String()))


def share_expr(count: pl.Expr, total: pl.Expr) -> pl.Expr:
    """``count / total`` as Float64, null where ``total`` is 0."""
    return pl.when(total > 0).then(count / total)


def rolling_mean_expr(col: str, window: int, by: str = THREAD_ID) -> pl.Expr:
    """Trailing mean of the non-null values of ``col`` over ``window`` rows, per thread.

    Null when the window holds no value. Rows must already be sorted by thread and position.
    """
    total = pl.col(col).fill_null(0.0).rolling_sum(window, min_samples=1).over(by)
    count = pl.col(col).is_not_null().cast(pl.Int64).rolling_sum(window, min_samples=1).over(by)
    return share_expr(total, count)


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
