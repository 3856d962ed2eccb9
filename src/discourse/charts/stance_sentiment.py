"""The stance × sentiment chart: posts by stance and sentiment label (heat map), and the mean
sentiment toward each side within each stance (bars)."""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse.charts.plan import DATASETS, ChartPlan, named, rows_by_thread
from discourse.charts.style import SENTIMENT_ORDER, STANCE_COLORS, STANCE_LABELS, label_expr, rounded
from discourse.schema import SENTIMENT, SENTIMENT_LABEL, SENTIMENT_US, SENTIMENT_USSR, STANCE, STANCES, THREAD_ID

_SIDE_COLUMNS = {SENTIMENT_US: "Toward the US side", SENTIMENT_USSR: "Toward the Soviet side"}
_SIDES = tuple(_SIDE_COLUMNS.values())


def stance_sentiment_plan(view: pl.DataFrame) -> ChartPlan:
    """The plan of :func:`stance_sentiment_chart` (same argument: one thread's post view)."""
    one = view.with_columns(pl.lit("", pl.String).alias(THREAD_ID))
    plans = stance_sentiment_plans(one)
    return plans[""] if plans else _plan(*_empty_frames(one))


def stance_sentiment_plans(view: pl.DataFrame) -> dict[str, ChartPlan]:
    """:func:`stance_sentiment_plan` of every thread of a multi-thread post view at once, by
    thread id; each thread's plan equals the one it gets alone."""
    counts, sides = _counts_and_sides(view)
    by_counts, by_sides = rows_by_thread(counts), rows_by_thread(sides)
    # Every thread with rows has counts and sides; a thread id only exists here with rows.
    return {
        thread: _plan(by_counts[thread], by_sides[thread])
        for thread in view[THREAD_ID].unique(maintain_order=True).to_list()
    }


def _counts_and_sides(view: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Per thread: posts by stance and sentiment label, and mean sentiment toward each side by
    stance (rows keyed by thread id, sorted by thread)."""
    labelled = view.select(
        THREAD_ID,
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
        pl.len().over(THREAD_ID).alias("_total"),
    )
    counts = (
        labelled.group_by(THREAD_ID, STANCE, SENTIMENT_LABEL)
        .agg(
            pl.len().cast(pl.Int64).alias("posts"),
            rounded(pl.col(SENTIMENT).mean()).alias("mean"),
            # Times the reciprocal, as Polars divides a column by a number: the shares stay
            # what one thread's own query gives (23 / 80 is 0.28750000000000003 there).
            (pl.len() * (1.0 / pl.col("_total").first().cast(pl.Float64))).alias("share"),
        )
        .sort(THREAD_ID, STANCE, SENTIMENT_LABEL)
    )
    # Every stance gets both sides (a null mean when none of its posts names that side).
    sides = (
        labelled.unpivot(on=list(_SIDES), index=[THREAD_ID, STANCE], variable_name="side", value_name="value")
        .group_by(THREAD_ID, STANCE, "side")
        .agg(rounded(pl.col("value").mean()).alias("mean"), pl.col("value").count().alias("posts"))
        .sort(THREAD_ID, STANCE, "side")
    )
    return counts, sides


def _empty_frames(view: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The two datasets of a thread without posts (their columns, no rows)."""
    counts, sides = _counts_and_sides(view.clear())
    return counts.drop(THREAD_ID), sides.drop(THREAD_ID)


def _plan(counts: pl.DataFrame, sides: pl.DataFrame) -> ChartPlan:
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
