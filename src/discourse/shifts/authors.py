"""Author tracks: per (thread, author), how the author's stance moves through the thread.

Posts with a null author are left out. ``first_stance``/``last_stance`` are the first and last
*sided* stances the author takes (null if the author never takes a side), and
``n_stance_changes`` counts changes between the author's consecutive sided posts. The
:data:`schema.AUTHOR_TRACKS` rows come out sorted by thread, first position and author.
"""

from __future__ import annotations

from functools import cache

import polars as pl

from discourse.schema import (
    AUTHOR,
    FIRST_POSITION,
    FIRST_STANCE,
    LAST_POSITION,
    LAST_STANCE,
    MEAN_SENTIMENT,
    N_POSTS,
    N_STANCE_CHANGES,
    POSITION,
    SENTIMENT,
    STANCE,
    THREAD_ID,
)
from discourse.shifts.stances import sided


# Expressions are immutable, so they are built once: building them costs about as much as a
# small thread's query.
@cache
def _author_aggregates() -> tuple[pl.Expr, ...]:
    stances = pl.when(sided()).then(pl.col(STANCE)).otherwise(None).drop_nulls()
    return (
        pl.len().cast(pl.Int64).alias(N_POSTS),
        pl.col(POSITION).min().alias(FIRST_POSITION),
        pl.col(POSITION).max().alias(LAST_POSITION),
        stances.first().alias(FIRST_STANCE),
        stances.last().alias(LAST_STANCE),
        # Consecutive sided stances that differ; the first one compares with null.
        (stances != stances.shift(1)).sum().cast(pl.Int64).alias(N_STANCE_CHANGES),
        pl.col(SENTIMENT).mean().alias(MEAN_SENTIMENT),
    )


def authors_query(stances: pl.LazyFrame) -> pl.LazyFrame:
    """The author tracks of a stances frame as a query (conform its result to the table)."""
    return (
        stances.filter(pl.col(AUTHOR).is_not_null())
        .sort(THREAD_ID, AUTHOR, POSITION, maintain_order=True)
        .group_by(THREAD_ID, AUTHOR, maintain_order=True)
        .agg(*_author_aggregates())
        .sort(THREAD_ID, FIRST_POSITION, AUTHOR)
    )
