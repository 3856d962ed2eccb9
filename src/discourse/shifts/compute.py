"""The entry point: every shift table of every thread in one call, each step run once.

:func:`compute_shifts` joins the posts to their stances, then runs every step's query —
rolling shares, change points, quote edges (found once, and shared by ``transitions`` and the
summary), author tracks and the summary — in one ``collect_all``.
"""

from __future__ import annotations

import polars as pl

from discourse import schema
from discourse.shifts.authors import authors_query
from discourse.shifts.change_points import changes_query
from discourse.shifts.edges import number_rows, quote_edges, transitions_query
from discourse.shifts.rolling import DEFAULT_WINDOW, check_window, shares_query
from discourse.shifts.stances import collect, join_stances
from discourse.shifts.summary import summary_query


def compute_shifts(
    posts: pl.DataFrame,
    quotes: pl.DataFrame,
    classified: pl.DataFrame,
    *,
    window: int = DEFAULT_WINDOW,
) -> dict[str, pl.DataFrame]:
    """Every shift table for all threads in ``posts``.

    Returns ``{"shifts", "change_points", "transitions", "author_tracks", "thread_summary"}``
    (:data:`schema.METRIC_TABLES`, in that order), each conforming to the
    :mod:`discourse.schema` table of the same name. ``window`` is the trailing window in
    posts; below 1 raises ValueError.
    """
    check_window(window)
    stances = number_rows(join_stances(posts, classified))
    shifts = shares_query(stances, window)
    change_points = changes_query(shifts)
    edges = quote_edges(quotes, stances)
    found = collect(
        shifts,
        change_points,
        transitions_query(stances, edges),
        authors_query(stances),
        summary_query(stances, change_points, edges),
    )
    return {
        name: schema.conform(frame, schema.TABLES[name])
        for name, frame in zip(schema.METRIC_TABLES, found, strict=True)
    }
