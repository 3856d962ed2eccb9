"""The stance chart: each post's stance along the thread above the rolling stance shares.

Dragging across the dots makes the :data:`~discourse.charts.style.BRUSH` selection, which the
page's detail list follows; change points of the rolling majority are dashed rules (at most
:data:`MAX_CHANGE_RULES`, else the subtitle gives their number).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse.charts.plan import DATASETS, ChartPlan, named
from discourse.charts.style import (
    BRUSH,
    ROLLS,
    STANCE_LABELS,
    WIDTH,
    label_expr,
    position_domain,
    position_x,
    stance_color,
)
from discourse.schema import (
    AUTHOR,
    CONFIDENCE,
    CUES,
    POSITION,
    POST_ID,
    STANCE,
    STANCES,
    STANCE_AFTER,
    STANCE_BEFORE,
    WINDOW_N,
)
from discourse.shifts import DEFAULT_WINDOW

#: Most change points drawn as rules on the stance chart (more would hide the shares).
MAX_CHANGE_RULES = 150

_STANCE_COLUMNS = [
    POSITION,
    POST_ID,
    AUTHOR,
    "created",
    STANCE,
    CONFIDENCE,
    CUES,
    "excerpt",
    WINDOW_N,
    *ROLLS,
]


def stance_plan(
    view: pl.DataFrame,
    change_points: pl.DataFrame | None = None,
    *,
    window: int = DEFAULT_WINDOW,
    width: int = WIDTH,
) -> ChartPlan:
    """The plan of :func:`stance_chart` (same arguments)."""
    # Columns taken by name (``frame[names]``): a ``select`` would plan and run a query, about
    # five times as long for a page's few columns.
    posts = view[[c for c in _STANCE_COLUMNS if c in view.columns]]
    data = {DATASETS["stance_posts"]: posts}
    n_changes = 0 if change_points is None else change_points.height
    if 0 < n_changes <= MAX_CHANGE_RULES:
        data[DATASETS["stance_changes"]] = change_points[[POSITION, POST_ID, STANCE_BEFORE, STANCE_AFTER]]
    # The layout only needs to know whether there are changes to mark, or how many there
    # are when they are too many to mark (the subtitle says so); this keeps shapes few.
    shape_changes = n_changes if n_changes > MAX_CHANGE_RULES else min(n_changes, 1)
    return ChartPlan(
        _stance_layout,
        (("window", window), ("width", width), ("n_changes", shape_changes)),
        data,
        {"domain": position_domain(view[POSITION])},
    )


def stance_chart(
    view: pl.DataFrame,
    change_points: pl.DataFrame | None = None,
    *,
    window: int = DEFAULT_WINDOW,
    width: int = WIDTH,
) -> alt.VConcatChart:
    """One dot per post (colour = stance, opacity = confidence) above rolling stance shares.

    Dragging across the dots makes the :data:`BRUSH` selection (positions), which the page's
    detail list follows. Change points of the rolling majority are dashed rules.
    """
    return stance_plan(view, change_points, window=window, width=width).chart()


def _stance_layout(
    *, domain: list[float], window: int, width: int, n_changes: int
) -> alt.VConcatChart:
    base = alt.Chart(named("stance_posts"))
    brush = alt.selection_interval(name=BRUSH, encodings=["x"])
    tooltip = [
        alt.Tooltip("position:Q", title="Position"),
        alt.Tooltip("post_id:N", title="Post"),
        alt.Tooltip("author:N", title="Author"),
        alt.Tooltip("created:N", title="Posted"),
        alt.Tooltip("stance:N", title="Stance"),
        alt.Tooltip("confidence:Q", title="Confidence", format=".2f"),
        alt.Tooltip("cues:N", title="Cues"),
        alt.Tooltip("excerpt:N", title="Text"),
    ]
    dots = (
        base.transform_calculate(
            conf="isValid(datum.confidence) ? datum.confidence : 0.5"
        )
        .mark_point(filled=True, size=70, stroke="#333333", strokeWidth=0.3)
        .encode(
            x=position_x(domain, title=None),
            y=alt.Y(
                "stance:N",
                title=None,
                scale=alt.Scale(domain=list(STANCES)),
                axis=alt.Axis(labelExpr=label_expr(STANCE_LABELS), labelFontWeight="bold"),
            ),
            color=stance_color(),
            opacity=alt.Opacity(
                "conf:Q",
                title="Confidence",
                scale=alt.Scale(domain=[0, 1], range=[0.2, 1]),
                legend=alt.Legend(orient="top", format=".1f"),
            ),
            tooltip=tooltip,
        )
        .add_params(brush)
        .properties(
            name="stance_points",
            width=width,
            height=120,
            title=alt.Title(
                "Each post's stance",
                subtitle="Drag across the dots to list those posts below.",
                anchor="start",
            ),
        )
    )
    shares = (
        base.transform_fold(list(ROLLS), as_=["series", "share"])
        .transform_calculate(
            stance="replace(datum.series, 'roll_', '')",
            series_order="indexof(['roll_pro_us', 'roll_pro_ussr', 'roll_neutralist'], datum.series)",
        )
        .mark_area(opacity=0.85, interpolate="step-after")
        .encode(
            x=position_x(domain),
            y=alt.Y(
                "share:Q",
                title=f"Share (last {window} posts)",
                stack="zero",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=stance_color(),
            order=alt.Order("series_order:Q"),
            tooltip=[
                alt.Tooltip("position:Q", title="Position"),
                alt.Tooltip("stance:N", title="Stance"),
                alt.Tooltip("share:Q", title="Share of sided posts", format=".0%"),
                alt.Tooltip("window_n:Q", title="Sided posts in window"),
            ],
        )
    )
    layers: list[alt.Chart] = [shares]
    if 0 < n_changes <= MAX_CHANGE_RULES:
        layers.append(
            alt.Chart(named("stance_changes"))
            .mark_rule(color="#222222", strokeDash=[4, 3], strokeWidth=1.5)
            .encode(
                x=position_x(domain),
                tooltip=[
                    alt.Tooltip("position:Q", title="Change point at"),
                    alt.Tooltip("post_id:N", title="Post"),
                    alt.Tooltip("stance_before:N", title="Majority before"),
                    alt.Tooltip("stance_after:N", title="Majority after"),
                ],
            )
        )
    area = alt.layer(*layers).properties(
        width=width,
        height=150,
        title=alt.Title(
            f"Rolling stance shares over the last {window} posts",
            subtitle=(
                "Among posts that take a side; dashed lines mark changes of the majority."
                if n_changes <= MAX_CHANGE_RULES
                else f"Among posts that take a side; {n_changes} changes of the majority "
                "(too many to mark)."
            ),
            anchor="start",
        ),
    )
    return alt.vconcat(dots, area, spacing=18).resolve_scale(color="shared")
