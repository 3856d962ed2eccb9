"""The stance × sentiment chart: posts by stance and sentiment label (heat map), and the mean
sentiment toward each side within each stance (bars)."""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse.charts.plan import DATASETS, ChartPlan, named
from discourse.charts.style import SENTIMENT_ORDER, STANCE_COLORS, STANCE_LABELS, label_expr, rounded
from discourse.schema import SENTIMENT, SENTIMENT_LABEL, SENTIMENT_US, SENTIMENT_USSR, STANCE, STANCES

_SIDE_COLUMNS = {SENTIMENT_US: "Toward the US side", SENTIMENT_USSR: "Toward the Soviet side"}
_SIDES = tuple(_SIDE_COLUMNS.values())


def stance_sentiment_plan(view: pl.DataFrame) -> ChartPlan:
    """The plan of :func:`stance_sentiment_chart` (same argument)."""
    labelled = view.select(
        STANCE,
        SENTIMENT,
        *[pl.col(col).alias(side) for col, side in _SIDE_COLUMNS.items()],
        pl.coalesce(
            pl.col(SENTIMENT_LABEL),
            pl.when(pl.col(SENTIMENT) >= 0.05)
            .then(pl.lit("positive"))
            .when(pl.col(SENTIMENT) <= -0.05)
            .then(pl.lit("negative"))
            .when(pl.col(SENTIMENT).is_not_null())
            .then(pl.lit("neutral")),
            pl.lit("unscored"),
        ).alias(SENTIMENT_LABEL),
    )
    total = max(labelled.height, 1)
    counts = (
        labelled.group_by(STANCE, SENTIMENT_LABEL)
        .agg(
            pl.len().cast(pl.Int64).alias("posts"),
            rounded(pl.col(SENTIMENT).mean()).alias("mean"),
            (pl.len() / total).alias("share"),
        )
        .sort(STANCE, SENTIMENT_LABEL)
    )
    # Every stance gets both sides (a null mean when none of its posts names that side).
    sides = (
        labelled.unpivot(on=list(_SIDES), index=STANCE, variable_name="side", value_name="value")
        .group_by(STANCE, "side")
        .agg(rounded(pl.col("value").mean()).alias("mean"), pl.col("value").count().alias("posts"))
        .sort(STANCE, "side")
    )
    return ChartPlan(
        _stance_sentiment_layout,
        (),
        {DATASETS["heat_counts"]: counts, DATASETS["side_means"]: sides},
    )


def stance_sentiment_chart(view: pl.DataFrame) -> alt.HConcatChart:
    """Posts by stance and sentiment label (heat map), and mean sentiment toward each side by
    stance (bars)."""
    return stance_sentiment_plan(view).chart()


def _stance_sentiment_layout() -> alt.HConcatChart:
    heat_base = alt.Chart(named("heat_counts")).encode(
        x=alt.X(
            "sentiment_label:N",
            title="Sentiment of the post",
            sort=list(SENTIMENT_ORDER),
            axis=alt.Axis(labelAngle=0),
        ),
        y=alt.Y(
            "stance:N",
            title=None,
            sort=list(STANCES),
            axis=alt.Axis(labelExpr=label_expr(STANCE_LABELS)),
        ),
        tooltip=[
            alt.Tooltip("stance:N", title="Stance"),
            alt.Tooltip("sentiment_label:N", title="Sentiment"),
            alt.Tooltip("posts:Q", title="Posts"),
            alt.Tooltip("share:Q", title="Share of thread", format=".0%"),
            alt.Tooltip("mean:Q", title="Mean sentiment", format="+.2f"),
        ],
    )
    heat = alt.layer(
        heat_base.mark_rect(stroke="white").encode(
            color=alt.Color("posts:Q", title="Posts", scale=alt.Scale(scheme="blues"))
        ),
        heat_base.mark_text(fontSize=13, fontWeight="bold", color="#111111").encode(text="posts:Q"),
    ).properties(
        width=260,
        height=170,
        title=alt.Title("Posts by stance and sentiment", anchor="start"),
    )
    bars = (
        alt.Chart(named("side_means"))
        .mark_bar()
        .encode(
            y=alt.Y(
                "stance:N",
                title=None,
                sort=list(STANCES),
                axis=alt.Axis(labelExpr=label_expr(STANCE_LABELS)),
            ),
            yOffset=alt.YOffset("side:N", sort=list(_SIDES)),
            x=alt.X("mean:Q", title="Mean sentiment (−1 to +1)", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(
                    domain=list(_SIDES),
                    range=[STANCE_COLORS["pro_us"], STANCE_COLORS["pro_ussr"]],
                ),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip("stance:N", title="Stance of the post"),
                alt.Tooltip("side:N", title="Sentiment"),
                alt.Tooltip("mean:Q", title="Mean", format="+.2f"),
                alt.Tooltip("posts:Q", title="Posts naming that side"),
            ],
        )
        .properties(
            width=330,
            height=170,
            title=alt.Title("How each camp speaks of each side", anchor="start"),
        )
    )
    return alt.hconcat(heat, bars, spacing=60).resolve_scale(color="independent")
