"""The author-track chart: one row per author (the most active ones), a line from first to last
post and a dot per post coloured by stance; a note when the source records no authors."""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse.charts.plan import DATASETS, ChartPlan, named, rows_by_thread
from discourse.charts.style import WIDTH, note_plan, position_domain, position_x, round_columns, stance_color
from discourse.schema import (
    AUTHOR,
    CONFIDENCE,
    FIRST_POSITION,
    FIRST_STANCE,
    LAST_POSITION,
    LAST_STANCE,
    MEAN_SENTIMENT,
    N_POSTS,
    N_STANCE_CHANGES,
    POSITION,
    POST_ID,
    STANCE,
    THREAD_ID,
)

#: Most authors drawn in the author-track chart (the ones with the most posts).
MAX_AUTHORS = 30

_TRACK_COLUMNS = (
    AUTHOR,
    "author_rank",
    N_POSTS,
    FIRST_POSITION,
    LAST_POSITION,
    FIRST_STANCE,
    LAST_STANCE,
    N_STANCE_CHANGES,
    MEAN_SENTIMENT,
)


def author_tracks_plan(
    view: pl.DataFrame,
    tracks: pl.DataFrame | None = None,
    *,
    max_authors: int = MAX_AUTHORS,
    width: int = WIDTH,
) -> ChartPlan:
    """The plan of :func:`author_tracks_chart` (same arguments: one thread's post view and
    author tracks)."""
    one = view.with_columns(pl.lit("", pl.String).alias(THREAD_ID))
    if tracks is not None:
        tracks = tracks.with_columns(pl.lit("", pl.String).alias(THREAD_ID))
    plans = author_tracks_plans(one, tracks, max_authors=max_authors, width=width)
    return plans[""] if plans else _no_authors(width)


def author_tracks_plans(
    view: pl.DataFrame,
    tracks: pl.DataFrame | None = None,
    *,
    max_authors: int = MAX_AUTHORS,
    width: int = WIDTH,
) -> dict[str, ChartPlan]:
    """:func:`author_tracks_plan` of every thread of a multi-thread post view at once, by
    thread id; each thread's plan equals the one it gets alone. A thread without rows in
    ``tracks`` gets tracks made from its posts."""
    threads = view[THREAD_ID].unique(maintain_order=True).to_list()
    known = view.filter(pl.col(AUTHOR).is_not_null())
    top = (
        known.group_by(THREAD_ID, AUTHOR)
        .agg(pl.len().alias("n"), pl.col(POSITION).min().alias("first"))
        .sort([THREAD_ID, "n", "first"], descending=[False, True, False])
        .filter(pl.int_range(pl.len()).over(THREAD_ID) < max_authors)
        .sort(THREAD_ID, "first")
        .with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over(THREAD_ID).alias("author_rank"))
        .select(THREAD_ID, AUTHOR, "author_rank")
    )
    dots = known.join(top, on=[THREAD_ID, AUTHOR], how="inner", maintain_order="left").select(
        THREAD_ID, POSITION, POST_ID, AUTHOR, "author_rank", STANCE, CONFIDENCE
    )
    keys = [THREAD_ID, AUTHOR]
    stored = pl.DataFrame() if tracks is None else tracks.join(top, on=keys, how="inner", maintain_order="left")
    has_tracks = set() if tracks is None else set(tracks[THREAD_ID].unique().to_list())
    # Tracks made from the posts, only for threads that came without any.
    made = (
        dots.filter(~pl.col(THREAD_ID).is_in(list(has_tracks)))
        .group_by(THREAD_ID, AUTHOR, maintain_order=True)
        .agg(
            pl.len().alias(N_POSTS),
            pl.col(POSITION).min().alias(FIRST_POSITION),
            pl.col(POSITION).max().alias(LAST_POSITION),
        )
        .join(top, on=keys, how="inner", maintain_order="left")
    )
    by = {
        "top": rows_by_thread(top), "dots": rows_by_thread(dots), "stored": rows_by_thread(stored),
        "made": rows_by_thread(made), "positions": rows_by_thread(view.select(THREAD_ID, POSITION)),
    }
    n_authors = dict(known.group_by(THREAD_ID).agg(pl.col(AUTHOR).n_unique()).iter_rows())
    plans: dict[str, ChartPlan] = {}
    for thread in threads:
        if thread not in by["dots"]:
            plans[thread] = _no_authors(width)
            continue
        chosen = by["stored"] if thread in has_tracks else by["made"]
        thread_tracks = chosen.get(thread, pl.DataFrame())
        thread_tracks = thread_tracks[[c for c in _TRACK_COLUMNS if c in thread_tracks.columns]]
        if MEAN_SENTIMENT in thread_tracks.columns:
            thread_tracks = thread_tracks.with_columns(round_columns([MEAN_SENTIMENT]))
        more = n_authors[thread] > max_authors
        plans[thread] = ChartPlan(
            _author_tracks_layout,
            (
                ("width", width),
                ("most_active", max_authors if more else None),
                ("track_columns", tuple(thread_tracks.columns)),
            ),
            {DATASETS["author_tracks"]: thread_tracks, DATASETS["author_posts"]: by["dots"][thread]},
            {
                "domain": position_domain(by["positions"][thread][POSITION]),
                "height": max(60, 20 * by["top"][thread].height),
            },
        )
    return plans


def _no_authors(width: int) -> ChartPlan:
    return note_plan("author_note", "This source does not record who wrote each post.", width=width)


def author_tracks_chart(
    view: pl.DataFrame,
    tracks: pl.DataFrame | None = None,
    *,
    max_authors: int = MAX_AUTHORS,
    width: int = WIDTH,
) -> alt.LayerChart | alt.Chart:
    """One row per author (most active first, at most ``max_authors``): a line from first to
    last post, and a dot per post coloured by stance. A note when no author is known."""
    return author_tracks_plan(view, tracks, max_authors=max_authors, width=width).chart()


def _author_tracks_layout(
    *,
    domain: list[float],
    width: int,
    height: int,
    most_active: int | None,
    track_columns: tuple[str, ...],
) -> alt.LayerChart:
    # Sort by a numeric rank field: a sort *list* of names would make Vega-Lite write the
    # names into a Vega expression, and data must never become an expression.
    y = alt.Y(
        "author:N",
        title=None,
        sort=alt.EncodingSortField("author_rank", op="min"),
        axis=alt.Axis(labelLimit=140),
    )
    track_tips = [alt.Tooltip("author:N", title="Author")] + [
        alt.Tooltip(f"{c}:{'N' if c.endswith('stance') else 'Q'}", title=c.replace("_", " "))
        for c in track_columns
        if c not in ("author", "author_rank")
    ]
    lines = (
        alt.Chart(named("author_tracks"))
        .mark_rule(color="#bbbbbb", strokeWidth=2)
        .encode(
            x=position_x(domain, field="first_position"),
            x2="last_position:Q",
            y=y,
            tooltip=track_tips,
        )
    )
    dots = (
        alt.Chart(named("author_posts"))
        .mark_circle(size=60, opacity=0.9)
        .encode(
            x=position_x(domain),
            y=y,
            color=stance_color(),
            tooltip=[
                alt.Tooltip("author:N", title="Author"),
                alt.Tooltip("position:Q", title="Position"),
                alt.Tooltip("post_id:N", title="Post"),
                alt.Tooltip("stance:N", title="Stance"),
                alt.Tooltip("confidence:Q", title="Confidence", format=".2f"),
            ],
        )
    )
    more = "" if most_active is None else f" ({most_active} most active shown)"
    return alt.layer(lines, dots).properties(
        width=width - 60,
        height=height,
        title=alt.Title(
            "Author tracks" + more,
            subtitle="A line from each author's first to last post; dots are their posts.",
            anchor="start",
        ),
    )
