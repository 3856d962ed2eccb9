"""Trailing-window and cumulative stance shares, balance and rolling sentiment per post.

:func:`count_shares` gives the columns :func:`compute_shifts` adds to the stances to make the
``shifts`` table (:data:`schema.SHIFTS`): ``window_n``, the ``roll_*`` and ``cum_*`` shares,
``roll_majority``, ``balance``, ``neutralist_share`` and ``roll_sentiment``. The window is
trailing and counts only sided posts in a share's denominator (see the package notes).
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
    THREAD_ID,
    WINDOW_N,
)
from discourse.shifts.frames import ThreadRows
from discourse.shifts.stances import NO_SIDE, SIDE, majority

#: Posts in the trailing window, unless the caller asks for another size.
DEFAULT_WINDOW = 5


def check_window(window: int) -> None:
    """Raise ValueError unless the window holds at least one post."""
    if window < 1:
        raise ValueError(f"window must be at least 1 post, got {window}")


# Expressions are immutable, so this one is built once per window: building it costs about as
# much as a small thread's query.
@cache
def _sentiment_sums(window: int) -> pl.Expr:
    return pl.col(SENTIMENT).fill_null(0.0).rolling_sum(window, min_samples=1).over(THREAD_ID)


def sentiment_sums_query(stances: pl.LazyFrame, window: int) -> pl.LazyFrame:
    """The float half of :func:`~discourse.shifts.rolling_mean_expr` on ``sentiment``: its
    trailing sums (one column, one row per stances row)."""
    return stances.select(_sentiment_sums(window))


def count_shares(
    rows: ThreadRows, frame: pl.DataFrame, sentiment_sums: pl.DataFrame, window: int
) -> dict[str, list]:
    """The rolling and cumulative columns of the ``shifts`` table, as lists, in table order.

    ``frame`` is the stances frame ``rows`` was read from (sorted by thread and position) and
    ``sentiment_sums`` is its :func:`sentiment_sums_query`.
    """
    stances, sentiments = rows.stances, frame.get_column(SENTIMENT).to_list()
    # roll_sentiment is rolling_mean_expr: the float sums are Polars' own, the count of scored
    # posts is taken below, and a float divided by an int rounds as it does in Polars.
    totals = sentiment_sums.to_series().to_list()
    n = len(stances)
    sides = [SIDE.get(stance, NO_SIDE) for stance in stances]
    window_n, cum_n = [0] * n, [0] * n
    roll_us, roll_ussr, roll_neutralist = ([None] * n for _ in range(3))
    cum_us, cum_ussr, cum_neutralist = ([None] * n for _ in range(3))
    majorities: list[str | None] = [None] * n
    balance: list[float | None] = [None] * n
    roll_sentiment: list[float | None] = [None] * n
    for thread_rows in rows.by_thread.values():
        in_window, so_far = [0, 0, 0, 0], [0, 0, 0, 0]  # a count per side slot, then no side
        scored = 0  # posts with a sentiment in the window
        for k, i in enumerate(thread_rows):
            side = sides[i]
            in_window[side] += 1
            so_far[side] += 1
            scored += sentiments[i] is not None
            if k >= window:  # the post that just left the trailing window
                gone = thread_rows[k - window]
                in_window[sides[gone]] -= 1
                scored -= sentiments[gone] is not None
            if scored:
                roll_sentiment[i] = totals[i] / scored
            us, ussr, neutralist, _ = in_window
            w = window_n[i] = us + ussr + neutralist
            if w:
                roll_us[i], roll_ussr[i], roll_neutralist[i] = us / w, ussr / w, neutralist / w
                balance[i] = (us - ussr) / w
                majorities[i] = majority(us, ussr, neutralist)
            us, ussr, neutralist, _ = so_far
            c = cum_n[i] = us + ussr + neutralist
            if c:
                cum_us[i], cum_ussr[i], cum_neutralist[i] = us / c, ussr / c, neutralist / c
    return {
        WINDOW_N: window_n,
        CUM_N: cum_n,
        ROLL_PRO_US: roll_us,
        ROLL_PRO_USSR: roll_ussr,
        ROLL_NEUTRALIST: roll_neutralist,
        CUM_PRO_US: cum_us,
        CUM_PRO_USSR: cum_ussr,
        CUM_NEUTRALIST: cum_neutralist,
        ROLL_MAJORITY: majorities,
        BALANCE: balance,
        NEUTRALIST_SHARE: roll_neutralist,
        ROLL_SENTIMENT: roll_sentiment,
    }


def with_shares(frame: pl.DataFrame, shares: dict[str, list]) -> pl.DataFrame:
    """``frame`` with the :func:`count_shares` columns added (replaced if it has them)."""
    added = [pl.Series(name, values, schema.SHIFTS[name]) for name, values in shares.items()]
    if any(name in frame.columns for name in shares):
        return frame.with_columns(added)
    return frame.hstack(added)
