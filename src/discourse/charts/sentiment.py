"""The sentiment chart: each post's compound sentiment, and its rolling means along the thread
(overall, and in sentences naming the US side and the Soviet side)."""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse.charts.plan import DATASETS, ChartPlan, named
from discourse.charts.style import SENTIMENT_SERIES, WIDTH, label_expr, position_domain, position_x
from discourse.schema import POSITION, POST_ID, SENTIMENT, SENTIMENT_US, SENTIMENT_USSR
from discourse.shifts import DEFAULT_WINDOW

def sentiment_plan(
    view: pl.DataFrame, *, window: int = DEFAULT_WINDOW, width: int = WIDTH
) -> ChartPlan:
    """The plan of :func:`sentiment_chart` (same arguments)."""
    data = view[[POSITION, POST_ID, SENTIMENT, SENTIMENT_US, SENTIMENT_USSR, *SENTIMENT_SERIES]]
    return ChartPlan(
        _sentiment_layout,
        (("window", window), ("width", width)),
        {
            DATASETS["sentiment_posts"]: data,
            DATASETS["sentiment_zero"]: _ZERO,
        },
        {"domain": position_domain(view[POSITION])},
    )


_ZERO = pl.DataFrame({"value": [0.0]})


def sentiment_chart(
    view: pl.DataFrame, *, window: int = DEFAULT_WINDOW, width: int = WIDTH
) -> alt.LayerChart:
    """Compound sentiment per post (dots), its rolling mean, and rolling sentiment toward the
    US side and toward the Soviet side (lines)."""
    return sentiment_plan(view, window=window, width=width).chart()


def _sentiment_layout(*, domain: list[float], window: int, width: int) -> alt.LayerChart:
    series = list(SENTIMENT_SERIES)
    base = alt.Chart(named("sentiment_posts"))
    y = alt.Y("value:Q", title="Sentiment (−1 to +1)", scale=alt.Scale(domain=[-1, 1]))
    dots = base.mark_circle(size=28, color="#8a8a8a", opacity=0.6).encode(
        x=position_x(domain),
        y=alt.Y("sentiment:Q", title="Sentiment (−1 to +1)", scale=alt.Scale(domain=[-1, 1])),
        tooltip=[
            alt.Tooltip("position:Q", title="Position"),
            alt.Tooltip("post_id:N", title="Post"),
            alt.Tooltip("sentiment:Q", title="Sentiment", format="+.2f"),
            alt.Tooltip("sentiment_us:Q", title="Toward US side", format="+.2f"),
            alt.Tooltip("sentiment_ussr:Q", title="Toward Soviet side", format="+.2f"),
        ],
    )
    zero = alt.Chart(named("sentiment_zero")).mark_rule(color="#cccccc").encode(
        y=alt.Y("value:Q"), tooltip=alt.value(None)
    )
    lines = (
        base.transform_fold(series, as_=["series", "value"])
        .mark_line(strokeWidth=2.2, interpolate="monotone")
        .encode(
            x=position_x(domain),
            y=y,
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[SENTIMENT_SERIES[s][1] for s in series]),
                legend=alt.Legend(
                    orient="top",
                    labelExpr=label_expr({k: v[0] for k, v in SENTIMENT_SERIES.items()}),
                ),
            ),
            tooltip=[
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("position:Q", title="Position"),
                alt.Tooltip("value:Q", title=f"Mean of last {window} posts", format="+.2f"),
            ],
        )
    )
    return alt.layer(zero, dots, lines).properties(
        width=width,
        height=200,
        title=alt.Title(
            "Sentiment along the thread",
            subtitle=(
                f"Dots: each post. Lines: mean over the last {window} posts, overall and in "
                "sentences naming each side."
            ),
            anchor="start",
        ),
    )
