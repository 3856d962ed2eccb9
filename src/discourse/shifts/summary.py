"""Thread summary: one :data:`schema.THREAD_SUMMARY` row per thread.

Post counts, stance shares, mean sentiments and the dominant stance of each third come from
one group-by of the stances (:func:`thread_means_query`); the rest from the change points and
quote edges the earlier steps found: ``quote_agreement_rate`` is agree / (agree + disagree)
over quote edges whose two ends are both sided (null when there is none); the most-quoted post
is the one quoted by the most distinct posts (earliest on a tie); ``dominant_*_third`` is the
sided stance with the most posts in each third of the thread (row ``k`` of ``n`` is in third
``3k // n``; null on a tie or when the third has no sided post). A null thread id joins no
change point or edge, and its thirds are null.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from discourse import schema
from discourse.schema import (
    DOMINANT_FIRST_THIRD,
    DOMINANT_LAST_THIRD,
    DOMINANT_SECOND_THIRD,
    MEAN_SENTIMENT,
    MEAN_SENTIMENT_US,
    MEAN_SENTIMENT_USSR,
    MOST_QUOTED_COUNT,
    MOST_QUOTED_POST_ID,
    N_CHANGE_POINTS,
    N_CLASSIFIED,
    N_POSTS,
    QUOTED_POSITION,
    QUOTED_POST_ID,
    QUOTE_AGREEMENT_RATE,
    QUOTE_RELATION,
    SENTIMENT,
    SENTIMENT_US,
    SENTIMENT_USSR,
    SHARE_NEUTRALIST,
    SHARE_NONE,
    SHARE_PRO_US,
    SHARE_PRO_USSR,
    SIDED_STANCES,
    STANCE,
    THREAD_ID,
)
from discourse.shifts.stances import NONE, majority_expr, share_expr, sided

THIRDS = (DOMINANT_FIRST_THIRD, DOMINANT_SECOND_THIRD, DOMINANT_LAST_THIRD)
#: The third of its thread a row falls in (0, 1, 2); no table keeps it.
_THIRD = "_third"
SHARES = (SHARE_PRO_US, SHARE_PRO_USSR, SHARE_NEUTRALIST, SHARE_NONE)


def _third_count(third: int, stance: str) -> str:
    return f"_third{third}_{stance}"


@cache  # built once per process: see rolling._share_columns
def _thread_aggregates() -> tuple[pl.Expr, ...]:
    return (
        pl.len().cast(pl.Int64).alias(N_POSTS),
        sided().sum().cast(pl.Int64).alias(N_CLASSIFIED),
        *[
            (pl.col(STANCE) == s).mean().alias(name)
            for s, name in zip((*SIDED_STANCES, NONE), SHARES, strict=True)
        ],
        *[
            ((pl.col(_THIRD) == k) & (pl.col(STANCE) == s)).sum().alias(_third_count(k, s))
            for k in range(len(THIRDS))
            for s in SIDED_STANCES
        ],
        pl.col(SENTIMENT).mean().alias(MEAN_SENTIMENT),
        pl.col(SENTIMENT_US).mean().alias(MEAN_SENTIMENT_US),
        pl.col(SENTIMENT_USSR).mean().alias(MEAN_SENTIMENT_USSR),
    )


@cache
def _dominant_thirds() -> tuple[pl.Expr, ...]:
    in_thread = pl.col(THREAD_ID).is_not_null()
    return tuple(
        pl.when(in_thread)
        .then(majority_expr(*[pl.col(_third_count(k, s)) for s in SIDED_STANCES]))
        .alias(name)
        for k, name in enumerate(THIRDS)
    )


def thread_means_query(stances: pl.LazyFrame) -> pl.LazyFrame:
    """Per thread, in order of first appearance: post counts, stance shares, the dominant
    stance of each third (and the temporary counts behind it), mean sentiments."""
    rank = pl.int_range(pl.len(), dtype=pl.Int64).over(THREAD_ID)
    size = pl.len().over(THREAD_ID)
    return (
        stances.with_columns((rank * 3 // size).alias(_THIRD))
        .group_by(THREAD_ID, maintain_order=True)
        .agg(*_thread_aggregates())
        .with_columns(*_dominant_thirds())
    )


def summary_query(
    stances: pl.LazyFrame, change_points: pl.LazyFrame, edges: pl.LazyFrame
) -> pl.LazyFrame:
    """The :data:`schema.THREAD_SUMMARY` rows, sorted by thread (nulls first), as a query.

    ``change_points`` and ``edges`` are the change points and quote edges of ``stances``.
    """
    changes = change_points.group_by(THREAD_ID).agg(pl.len().cast(pl.Int64).alias(N_CHANGE_POINTS))
    agreement = edges.group_by(THREAD_ID).agg(
        share_expr(
            (pl.col(QUOTE_RELATION) == "agree").sum(), (pl.col(QUOTE_RELATION) != "other").sum()
        ).alias(QUOTE_AGREEMENT_RATE)
    )
    quoted = (
        edges.group_by(THREAD_ID, QUOTED_POST_ID, QUOTED_POSITION, maintain_order=True)
        .agg(pl.len().cast(pl.Int64).alias(MOST_QUOTED_COUNT))
        # The most quoting posts, then the earliest position (nulls first), then the first seen.
        .sort(
            THREAD_ID, MOST_QUOTED_COUNT, QUOTED_POSITION,
            descending=[False, True, False], maintain_order=True,
        )
        .group_by(THREAD_ID, maintain_order=True)
        .first()
        .select(THREAD_ID, pl.col(QUOTED_POST_ID).alias(MOST_QUOTED_POST_ID), MOST_QUOTED_COUNT)
    )
    return (
        thread_means_query(stances)
        .join(changes, on=THREAD_ID, how="left", maintain_order="left")
        .join(agreement, on=THREAD_ID, how="left", maintain_order="left")
        .join(quoted, on=THREAD_ID, how="left", maintain_order="left")
        .with_columns(pl.col(N_CHANGE_POINTS, MOST_QUOTED_COUNT).fill_null(0))
        .sort(THREAD_ID, maintain_order=True)
        .select(list(schema.THREAD_SUMMARY))
    )
