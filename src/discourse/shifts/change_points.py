"""Change points: positions where a thread's rolling majority stance changes.

A change point is a position whose ``roll_majority`` is set and differs from the last
majority set before it in the same thread; null stretches (ties, empty windows) are skipped
over, and a thread's first majority is not a change point (see the package notes).
"""

from __future__ import annotations

import polars as pl

from discourse import schema
from discourse.schema import ROLL_MAJORITY, STANCE_AFTER, STANCE_BEFORE, THREAD_ID


def changes_query(shifts: pl.LazyFrame) -> pl.LazyFrame:
    """The :data:`schema.CHANGE_POINTS` rows of a ``shifts`` query, in its row order.

    Rows must be sorted by thread and position.
    """
    # The last majority set before each row of its thread: nulls carry the one before them.
    before = pl.col(ROLL_MAJORITY).forward_fill().shift(1).over(THREAD_ID)
    after = pl.col(ROLL_MAJORITY)
    return (
        shifts.with_columns(before.alias(STANCE_BEFORE), after.alias(STANCE_AFTER))
        .filter(pl.col(STANCE_BEFORE).is_not_null() & after.is_not_null() & (after != pl.col(STANCE_BEFORE)))
        .select(list(schema.CHANGE_POINTS))
    )
