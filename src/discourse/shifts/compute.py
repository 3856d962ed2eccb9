"""The entry point: every shift table of every thread in one call, each step run once.

:func:`compute_shifts` joins the posts to their stances, runs the three Polars queries that
average floats together in one ``collect_all``, then the Python passes in order — rolling
shares, change points, quote edges (found once, and shared by ``transitions`` and the
summary), author tracks and the summary.
"""

from __future__ import annotations

import polars as pl

from discourse import schema
from discourse.schema import ROLL_MAJORITY
from discourse.shifts.authors import authors_query
from discourse.shifts.change_points import find_changes
from discourse.shifts.edges import list_transitions, quote_edges
from discourse.shifts.frames import ThreadRows, collect
from discourse.shifts.rolling import (
    DEFAULT_WINDOW,
    check_window,
    count_shares,
    sentiment_sums_query,
    with_shares,
)
from discourse.shifts.stances import join_stances
from discourse.shifts.summary import summarise, thread_means_query

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
    stances = join_stances(posts, classified)
    lazy = stances.lazy()
    sums, tracks, means = collect(
        sentiment_sums_query(lazy, window), authors_query(lazy), thread_means_query(lazy)
    )
    rows = ThreadRows(stances)
    shares = count_shares(rows, stances, sums, window)
    change_points = find_changes(rows.threads, rows.post_ids, rows.positions, shares[ROLL_MAJORITY])
    edges = quote_edges(quotes, rows, stances.schema)
    return {
        "shifts": schema.conform(with_shares(stances, shares), schema.SHIFTS),
        "change_points": change_points,
        "transitions": list_transitions(rows, edges),
        "author_tracks": schema.conform(tracks, schema.AUTHOR_TRACKS),
        "thread_summary": summarise(rows, means, change_points, edges),
    }
