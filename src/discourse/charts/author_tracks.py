"""The author-track chart: one row per author (the most active ones), a line from first to last
post and a dot per post coloured by stance; a note when the source records no authors."""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse.charts.plan import DATASETS, ChartPlan, named
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
    """The plan of :func:`author_tracks_chart` (same arguments)."""
    known = view.filter(pl.col(AUTHOR).is_not_null())
    if known.height == 0:
        return note_plan(
            "author_note", "This source does not record who wrote each post.", width=width
        )
    top = (
        known.group_by(AUTHOR)
        .agg(pl.len().alias("n"), pl.col(POSITION).min().alias("first"))
        .sort(["n", "first"], descending=[True, False])
        .head(max_authors)
        .sort("first")
        .with_row_index("author_rank")
        .select(AUTHOR, pl.col("author_rank").cast(pl.Int64))
    )
    dots_data = known.join(top, on=AUTHOR, how="inner").select(
        POSITION, POST_ID, AUTHOR, "author_rank", STANCE, CONFIDENCE
    )
    if tracks is None or tracks.height == 0:
        tracks = dots_data.group_by(AUTHOR).agg(
            pl.len().alias(N_POSTS),
            pl.col(POSITION).min().alias(FIRST_POSITION),
            pl.col(POSITION).max().alias(LAST_POSITION),
        )
    tracks = tracks.join(top, on=AUTHOR, how="inner")
    tracks = tracks.select([c for c in _TRACK_COLUMNS if c in tracks.columns])
    if MEAN_SENTIMENT in tracks.columns:
        tracks = tracks.with_columns(round_columns([MEAN_SENTIMENT]))
    more = known[AUTHOR].n_unique() > max_authors
    return ChartPlan(
        _author_tracks_layout,
        (
            ("width", width),
            ("most_active", max_authors if more else None),
            ("track_columns", tuple(tracks.columns)),
        ),
        {DATASETS["author_tracks"]: tracks, DATASETS["author_posts"]: dots_data},
        {"domain": position_domain(view[POSITION]), "height": max(60, 20 * top.height)},
    )


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
