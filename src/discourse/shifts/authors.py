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


#: Temporary columns: a row's sided stance (null when it takes none), the number of its
#: (thread, author) run in sorted order, and whether it changes the author's sided stance.
_SIDED, _RUN, _CHANGE = "_sided", "_run", "_change"


# Expressions are immutable, so they are built once per process, not once per batch.
@cache
def _author_columns() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    stance = pl.col(_SIDED)
    run = pl.col(_RUN)
    new_run = pl.col(THREAD_ID).ne_missing(pl.col(THREAD_ID).shift(1)) | pl.col(AUTHOR).ne_missing(
        pl.col(AUTHOR).shift(1)
    )
    # A sided row changes the stance when the last sided row before it is the same author's in
    # the same thread and holds another stance (the author's first sided row changes nothing).
    last_stance = stance.forward_fill().shift(1)
    last_run = pl.when(stance.is_not_null()).then(run).forward_fill().shift(1)
    return (
        pl.when(sided()).then(pl.col(STANCE)).alias(_SIDED),
        new_run.cum_sum().alias(_RUN),
        ((stance != last_stance) & (run == last_run)).fill_null(False).alias(_CHANGE),
    )


@cache
def _author_aggregates() -> tuple[pl.Expr, ...]:
    return (
        pl.len().cast(pl.Int64).alias(N_POSTS),
        pl.col(POSITION).min().alias(FIRST_POSITION),
        pl.col(POSITION).max().alias(LAST_POSITION),
        pl.col(_SIDED).first(ignore_nulls=True).alias(FIRST_STANCE),
        pl.col(_SIDED).last(ignore_nulls=True).alias(LAST_STANCE),
        pl.col(_CHANGE).sum().cast(pl.Int64).alias(N_STANCE_CHANGES),
        pl.col(SENTIMENT).mean().alias(MEAN_SENTIMENT),
    )


def authors_query(stances: pl.LazyFrame) -> pl.LazyFrame:
    """The author tracks of a stances frame as a query (conform its result to the table)."""
    sided_stance, run, change = _author_columns()
    return (
        stances.filter(pl.col(AUTHOR).is_not_null())
        .sort(THREAD_ID, AUTHOR, POSITION, maintain_order=True)
        .with_columns(sided_stance)
        .with_columns(run)
        .with_columns(change)
        .group_by(THREAD_ID, AUTHOR, maintain_order=True)
        .agg(*_author_aggregates())
        .sort(THREAD_ID, FIRST_POSITION, AUTHOR)
    )
