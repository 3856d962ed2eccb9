"""Trailing-window and cumulative stance shares, balance and rolling sentiment per post.

:func:`shares_query` adds to the stances the columns that make the ``shifts`` table
(:data:`schema.SHIFTS`): ``window_n``, the ``roll_*`` and ``cum_*`` shares, ``roll_majority``,
``balance``, ``neutralist_share`` and ``roll_sentiment``. The window is trailing and counts only
sided posts in a share's denominator (see the package notes).
"""

from __future__ import annotations

from functools import cache

import polars as pl

from discourse import schema
from discourse.schema import (
    BALANCE,
    CUM_N,
    CUM_NEUTRALIST,
    CUM_PRO_US,
    CUM_PRO_USSR,
    NEUTRALIST_SHARE,
    ROLL_MAJORITY,
    ROLL_NEUTRALIST,
    ROLL_PRO_US,
    ROLL_PRO_USSR,
    ROLL_SENTIMENT,
    SENTIMENT,
    SIDED_STANCES,
    STANCE,
    THREAD_ID,
    WINDOW_N,
)
from discourse.shifts.stances import majority_expr, rolling_mean_expr, share_expr

#: The share columns of each sided stance, in SIDED_STANCES order.
ROLL_SHARES = (ROLL_PRO_US, ROLL_PRO_USSR, ROLL_NEUTRALIST)
CUM_SHARES = (CUM_PRO_US, CUM_PRO_USSR, CUM_NEUTRALIST)

#: Posts in the trailing window, unless the caller asks for another size.
DEFAULT_WINDOW = 5


def check_window(window: int) -> None:
    """Raise ValueError unless the window holds at least one post."""
    if window < 1:
        raise ValueError(f"window must be at least 1 post, got {window}")


# Expressions are immutable, so each window's are built once per process, not once per batch.
@cache
def _share_columns(window: int) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """The counting columns (temporary ``_roll_*``/``_cum_*``) and the table columns from them."""
    takes = {stance: (pl.col(STANCE) == stance).cast(pl.Int64) for stance in SIDED_STANCES}
    counts = [
        *[
            take.rolling_sum(window, min_samples=1).over(THREAD_ID).alias(f"_roll_{s}")
            for s, take in takes.items()
        ],
        *[take.cum_sum().over(THREAD_ID).alias(f"_cum_{s}") for s, take in takes.items()],
    ]
    roll = [pl.col(f"_roll_{s}") for s in SIDED_STANCES]
    cum = [pl.col(f"_cum_{s}") for s in SIDED_STANCES]
    window_n, cum_n = pl.sum_horizontal(roll), pl.sum_horizontal(cum)
    us, ussr, neutralist = roll
    shares = [
        window_n.alias(WINDOW_N),
        *[share_expr(count, window_n).alias(name) for name, count in zip(ROLL_SHARES, roll, strict=True)],
        majority_expr(*roll).alias(ROLL_MAJORITY),
        cum_n.alias(CUM_N),
        *[share_expr(count, cum_n).alias(name) for name, count in zip(CUM_SHARES, cum, strict=True)],
        share_expr(us - ussr, window_n).alias(BALANCE),
        share_expr(neutralist, window_n).alias(NEUTRALIST_SHARE),
        rolling_mean_expr(SENTIMENT, window).alias(ROLL_SENTIMENT),
    ]
    return counts, shares


def shares_query(stances: pl.LazyFrame, window: int) -> pl.LazyFrame:
    """The ``shifts`` table of a stances frame (sorted by thread and position), as a query.

    A share is a count divided by a count (null when the divisor is 0) and ``roll_sentiment`` is
    :func:`~discourse.shifts.rolling_mean_expr` of ``sentiment``; all within each thread.
    """
    counts, shares = _share_columns(window)
    return stances.with_columns(counts).with_columns(shares).select(list(schema.SHIFTS))
