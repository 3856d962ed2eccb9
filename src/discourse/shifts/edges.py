"""Quote edges, and ``transitions``: each post against the post before it and the posts it quotes.

:func:`quote_edges` finds the distinct quote edges of the stances (one per quoting post and
quoted post of the same thread, both in the table, never a post quoting itself; see the
package notes). :func:`list_transitions` turns them into the :data:`schema.TRANSITIONS`
table, which keeps every edge: its rows with a ``quoted_post_id`` are exactly the edges, so
later readers (the thread pages) take the edges from there instead of finding them again.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from itertools import pairwise

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
from discourse.shifts.frames import ThreadRows, columns_of, frame_of, in_order
from discourse.shifts.stances import relation

#: The columns an edge adds to a transition row.
LINKS = (QUOTED_POST_ID, QUOTED_POSITION, QUOTED_STANCE, QUOTE_RELATION)


def quote_edges(
    quotes: pl.DataFrame, rows: ThreadRows, stance_types: Mapping[str, pl.DataType]
) -> pl.DataFrame:
    """Distinct quote edges with both ends' positions and stances.

    ``rows`` is read from a stances frame (:func:`~discourse.shifts.join_stances` output) whose
    schema is ``stance_types``. Columns: thread_id, post_id, quoted_post_id, position, stance,
    quoted_position, quoted_stance, quote_relation; sorted by thread, position and quoted
    position (nulls first).
    """
    names = [THREAD_ID, POST_ID, QUOTED_POST_ID]
    quotes = schema.conform(quotes, schema.QUOTES, columns=names)
    q_threads, q_posts, q_quoted = columns_of(quotes, *names)
    rows_of = _rows_by_post(rows)
    # An edge is a (quoting row, quoted row) pair of the stances. Quotes naming the same two
    # posts give the same pairs and others give other pairs, so keeping each pair once keeps
    # one edge per (thread, post, quoted post); the edge keeps no span, so which quote stands
    # for it does not matter.
    quoting_rows: list[int] = []
    quoted_rows: list[int] = []
    seen: set[int] = set()  # i * n + j for the pair (i, j)
    n = len(rows.threads)
    for thread, post_id, quoted in zip(q_threads, q_posts, q_quoted, strict=True):
        if quoted is None or post_id is None or quoted == post_id:
            continue
        for i in rows_of(thread, post_id):
            for j in rows_of(thread, quoted):
                if i * n + j not in seen:
                    seen.add(i * n + j)
                    quoting_rows.append(i)
                    quoted_rows.append(j)
    threads, post_ids, positions, stances = rows.threads, rows.post_ids, rows.positions, rows.stances
    found = {
        THREAD_ID: [threads[i] for i in quoting_rows],
        POST_ID: [post_ids[i] for i in quoting_rows],
        QUOTED_POST_ID: [post_ids[j] for j in quoted_rows],
        POSITION: [positions[i] for i in quoting_rows],
        STANCE: [stances[i] for i in quoting_rows],
        QUOTED_POSITION: [positions[j] for j in quoted_rows],
        QUOTED_STANCE: [stances[j] for j in quoted_rows],
        QUOTE_RELATION: [
            relation(stances[i], stances[j]) for i, j in zip(quoting_rows, quoted_rows, strict=True)
        ],
    }
    position_type, stance_type = stance_types[POSITION], stance_types[STANCE]
    types = dict.fromkeys(found, pl.String())
    types.update({POSITION: position_type, QUOTED_POSITION: position_type})
    types.update({STANCE: stance_type, QUOTED_STANCE: stance_type})
    edges = frame_of(found, types)
    if in_order(found[THREAD_ID], found[POSITION], found[QUOTED_POSITION], nulls_last=False):
        return edges
    return edges.sort(THREAD_ID, POSITION, QUOTED_POSITION)


def _rows_by_post(rows: ThreadRows) -> Callable[[Hashable, str | None], Sequence[int]]:
    """Return ``lookup(thread, post_id)``, giving the stances rows that hold that key in order.

    As in a Polars join, a null thread or post id finds no row and a repeated key finds each.
    """
    last: dict[Hashable, dict[str, int]] = {}  # per thread; enough while its post ids are unique
    every: dict[Hashable, dict[str, list[int]]] = {}
    for thread, thread_rows in rows.by_thread.items():
        if thread is None:
            continue
        ids = [rows.post_ids[i] for i in thread_rows]
        last[thread] = dict(zip(ids, thread_rows, strict=True))
        if len(last[thread]) < len(ids):
            every[thread] = {}
            for post_id, i in zip(ids, thread_rows, strict=True):
                every[thread].setdefault(post_id, []).append(i)
    no_rows: dict = {}

    def lookup(thread: Hashable, post_id: str | None) -> Sequence[int]:
        if every and thread in every:
            return every[thread].get(post_id, ())
        row = last.get(thread, no_rows).get(post_id)
        return () if row is None else (row,)

    return lookup


def list_transitions(rows: ThreadRows, edges: pl.DataFrame) -> pl.DataFrame:
    """Each post's stance against the previous post and against every post it quotes.

    ``edges`` is the :func:`quote_edges` of the stances ``rows`` was read from. One row per
    (post, quoted post) edge; a post that quotes nothing has one row with null quote columns.
    The first post of a thread has no previous post and appears only if it quotes something
    (then ``prev_*`` is null). Returns a :data:`schema.TRANSITIONS` frame sorted by thread,
    position and quoted position (nulls last).
    """
    threads, post_ids, stances = rows.threads, rows.post_ids, rows.stances
    edge_threads, edge_posts, *links = columns_of(edges, THREAD_ID, POST_ID, *LINKS)
    quoted: dict[tuple, list[int]] = {}  # (thread, post id) -> its edges' rows
    for k, key in enumerate(zip(edge_threads, edge_posts, strict=True)):
        if key in quoted:
            quoted[key].append(k)
        else:
            quoted[key] = [k]
    # shift(1) over the thread: each row's previous stance, null at a thread's first row.
    prev_of: list[str | None] = [None] * len(stances)
    for thread_rows in rows.by_thread.values():
        for before, row in pairwise(thread_rows):
            prev_of[row] = stances[before]
    # The posts left-joined to their edges, as row numbers; a post with neither a previous
    # stance nor an edge is dropped.
    take: list[int] = []
    link_rows: list[int | None] = []
    for i, key in enumerate(zip(threads, post_ids, strict=True)):
        edge_rows = quoted.get(key)  # edges never hold a null thread or post id
        if edge_rows is not None:
            take.extend([i] * len(edge_rows))
            link_rows.extend(edge_rows)
        elif prev_of[i] is not None:
            take.append(i)
            link_rows.append(None)
    found = {
        THREAD_ID: [threads[i] for i in take],
        POST_ID: [post_ids[i] for i in take],
        POSITION: [rows.positions[i] for i in take],
        STANCE: [stances[i] for i in take],
        PREV_STANCE: [prev_of[i] for i in take],
        PREV_RELATION: [
            None if prev_of[i] is None else relation(stances[i], prev_of[i]) for i in take
        ],
    }
    for name, values in zip(LINKS, links, strict=True):
        found[name] = [None if k is None else values[k] for k in link_rows]
    transitions = frame_of(found, schema.TRANSITIONS)
    if in_order(found[THREAD_ID], found[POSITION], found[QUOTED_POSITION], nulls_last=True):
        return transitions
    return transitions.sort(THREAD_ID, POSITION, QUOTED_POSITION, nulls_last=True)
