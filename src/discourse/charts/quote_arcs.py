"""The quote-arc chart: an arc from each reply to the post it quotes, coloured by relation.

Its rows are :func:`discourse.charts.views.edge_view`; a thread without quote edges gets a
note instead of an empty chart.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse.charts.plan import DATASETS, ChartPlan, named
from discourse.charts.style import RELATION_COLORS, RELATIONS, WIDTH, note_plan, position_domain
from discourse.schema import POSITION, QUOTED_POSITION

def quote_arcs_plan(
    edges: pl.DataFrame, *, x_domain: list[float] | None = None, width: int = WIDTH
) -> ChartPlan:
    """The plan of :func:`quote_arcs_chart` (same arguments)."""
    if edges.height == 0:
        return note_plan(
            "quote_note", "No post in this thread quotes another post of the thread.", width=width
        )
    domain = x_domain or position_domain(pl.concat([edges[POSITION], edges[QUOTED_POSITION]]))
    return ChartPlan(
        _quote_arcs_layout,
        (("width", width),),
        {DATASETS["quote_edges"]: edges},
        {"domain": (float(domain[0]), float(domain[1]))},
    )


def quote_arcs_chart(
    edges: pl.DataFrame, *, x_domain: list[float] | None = None, width: int = WIDTH
) -> alt.LayerChart | alt.Chart:
    """An arc from each reply to the post it quotes, coloured agree / disagree / other."""
    return quote_arcs_plan(edges, x_domain=x_domain, width=width).chart()


def _quote_arcs_layout(*, domain: list[float], width: int) -> alt.LayerChart:
    base = alt.Chart(named("quote_edges"))
    color = alt.Color(
        "relation:N",
        title="Reply vs quoted post",
        scale=alt.Scale(domain=list(RELATIONS), range=[RELATION_COLORS[r] for r in RELATIONS]),
        legend=alt.Legend(orient="top"),
    )
    tooltip = [
        alt.Tooltip("relation:N", title="Relation"),
        alt.Tooltip("position:Q", title="Reply at"),
        alt.Tooltip("author:N", title="Reply by"),
        alt.Tooltip("stance:N", title="Reply stance"),
        alt.Tooltip("quoted_position:Q", title="Quotes post at"),
        alt.Tooltip("quoted_author:N", title="Quoted author"),
        alt.Tooltip("quoted_stance:N", title="Quoted stance"),
    ]
    y = alt.Y("height:Q", title=None, axis=None, scale=alt.Scale(type="sqrt", zero=True))
    arcs = (
        base.transform_window(edge="row_number()")
        .transform_calculate(mid="(datum.position + datum.quoted_position) / 2")
        .transform_fold(["quoted_position", "mid", POSITION], as_=["end", "x"])
        .transform_calculate(
            height="datum.end === 'mid' ? abs(datum.position - datum.quoted_position) : 0"
        )
        .mark_line(interpolate="basis", strokeWidth=1.8, opacity=0.75)
        .encode(
            x=alt.X(
                "x:Q",
                title="Position in thread (post number)",
                scale=alt.Scale(domain=domain, nice=False, zero=False),
                axis=alt.Axis(format="d", tickMinStep=1),
            ),
            y=y,
            detail="edge:N",
            order="x:Q",
            color=color,
            tooltip=tooltip,
        )
    )
    ends = (
        base.transform_calculate(height="0")
        .mark_point(filled=True, size=55, shape="triangle-up", yOffset=-5)
        .encode(x=alt.X("position:Q", scale=alt.Scale(domain=domain)), y=y, color=color, tooltip=tooltip)
    )
    return alt.layer(arcs, ends).properties(
        width=width,
        height=170,
        title=alt.Title(
            "Who quotes whom",
            subtitle="Each arc joins a reply (triangle) to the post it quotes; higher arcs span more posts.",
            anchor="start",
        ),
    )
