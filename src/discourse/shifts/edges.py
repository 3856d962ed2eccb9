"""Quote edges, and ``transitions``: each post against the post before it and the posts it quotes.

:func:`quote_edges` finds the distinct quote edges of the stances (one per quoting post and
quoted post of the same thread, both in the table, never a post quoting itself; see the
package notes). :func:`transitions_query` turns them into the :data:`schema.TRANSITIONS`
table, which keeps every edge: its rows with a ``quoted_post_id`` are exactly the edges, so
later readers (the thread pages) take the edges from there instead of finding them again.
"""

from __future__ import annotations

import polars as pl

from discourse import schema
from discourse.schema import (
    POSITION,
    POST_ID,
    PREV_RELATION,
    PREV_STANCE,
    QUOTED_POSITION,
    QUOTED_POST_ID,
    QUOTED_STANCE,
    QUOTE_RELATION,
    STANCE,
    THREAD_ID,
)
from discourse.shifts.stances import relation_expr

#: The stances row number (:func:`number_rows`) and the quoted post's: they tell edges apart
#: where post ids repeat and order ties; no table keeps them.
ROW, QUOTED_ROW = "_row", "_quoted_row"
#: The columns an edge adds to a transition row.
LINKS = (QUOTED_POST_ID, QUOTED_POSITION, QUOTED_STANCE, QUOTE_RELATION)


def number_rows(stances: pl.DataFrame) -> pl.LazyFrame:
    """A stances frame with its row numbers (:data:`ROW`), as the input of the queries here."""
    return stances.lazy().with_row_index(ROW)


def quote_edges(quotes: pl.DataFrame, stances: pl.LazyFrame) -> pl.LazyFrame:
    """Distinct quote edges with both ends' positions and stances, as a query.

    ``stances`` is a :func:`number_rows` frame. An edge is a pair of stances rows (the quoting
    post's, the quoted post's) matched on (thread id, post id) as a Polars join matches them;
    quotes naming the same two posts give the same pair, kept once. Columns: thread_id,
    post_id, quoted_post_id, position, stance, quoted_position, quoted_stance, quote_relation,
    and the two row numbers; sorted by thread, position and quoted position (nulls first).
    """
    names = [THREAD_ID, POST_ID, QUOTED_POST_ID]
    quoting = (
        schema.conform(quotes.lazy(), schema.QUOTES, columns=names)
        .filter(pl.col(POST_ID).is_not_null() & (pl.col(QUOTED_POST_ID) != pl.col(POST_ID)))
    )
    ends = stances.select(THREAD_ID, POST_ID, POSITION, STANCE, ROW)
    quoted_ends = ends.rename(
        {POST_ID: QUOTED_POST_ID, POSITION: QUOTED_POSITION, STANCE: QUOTED_STANCE, ROW: QUOTED_ROW}
    )
    return (
        quoting.join(ends, on=[THREAD_ID, POST_ID])
        .join(quoted_ends, on=[THREAD_ID, QUOTED_POST_ID])
        .unique([ROW, QUOTED_ROW], keep="any")
        .sort(THREAD_ID, POSITION, QUOTED_POSITION, ROW, QUOTED_ROW)
        .select(
            THREAD_ID, POST_ID, QUOTED_POST_ID, POSITION, STANCE, QUOTED_POSITION, QUOTED_STANCE,
            relation_expr(STANCE, QUOTED_STANCE).alias(QUOTE_RELATION), ROW, QUOTED_ROW,
        )
    )


def transitions_query(stances: pl.LazyFrame, edges: pl.LazyFrame) -> pl.LazyFrame:
    """Each post's stance against the previous post and against every post it quotes.

    ``stances`` is a :func:`number_rows` frame (sorted by thread and position) and ``edges``
    its :func:`quote_edges`. One row per (post, quoted post) edge; a post that quotes nothing
    has one row with null quote columns. The first post of a thread has no previous post and
    appears only if it quotes something (then ``prev_*`` is null). Gives the
    :data:`schema.TRANSITIONS` columns sorted by thread, position and quoted position (nulls
    last).
    """
    prev = pl.col(STANCE).shift(1).over(THREAD_ID)
    links = edges.select(THREAD_ID, POST_ID, *LINKS, QUOTED_ROW)
    return (
        stances.select(THREAD_ID, POST_ID, POSITION, STANCE, ROW, prev.alias(PREV_STANCE))
        # Every row of a post meets every edge of its (thread, post id), as in a left join.
        .join(links, on=[THREAD_ID, POST_ID], how="left")
        .filter(pl.col(QUOTED_POST_ID).is_not_null() | pl.col(PREV_STANCE).is_not_null())
        .sort(THREAD_ID, POSITION, QUOTED_POSITION, ROW, QUOTED_ROW, nulls_last=True)
        .with_columns(
            pl.when(pl.col(PREV_STANCE).is_not_null())
            .then(relation_expr(STANCE, PREV_STANCE))
            .alias(PREV_RELATION)
        )
        .select(list(schema.TRANSITIONS))
    )
