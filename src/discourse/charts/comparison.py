"""The index page's comparison chart: per thread, its stance shares (stacked bar) and its mean
sentiment overall and toward each side, from the ``thread_summary`` table."""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse import schema
from discourse.charts.plan import DATASETS, ChartPlan, named
from discourse.charts.style import SENTIMENT_SERIES, label_expr, round_columns, stance_color
from discourse.schema import (
    MEAN_SENTIMENT,
    MEAN_SENTIMENT_US,
    MEAN_SENTIMENT_USSR,
    N_POSTS,
    STANCES,
    THREAD_ID,
    TITLE,
)

_SUMMARY_NAMES = {
    MEAN_SENTIMENT: "All posts",
    MEAN_SENTIMENT_US: "Toward the US side",
    MEAN_SENTIMENT_USSR: "Toward the Soviet side",
}


def comparison_plan(threads: pl.DataFrame, summaries: pl.DataFrame) -> ChartPlan:
    """The plan of :func:`comparison_chart` (same arguments)."""
    titles = schema.conform(threads, schema.THREADS).select(
        THREAD_ID, pl.coalesce(pl.col(TITLE), pl.col(THREAD_ID)).alias(TITLE)
    )
    summary = schema.conform(summaries, schema.THREAD_SUMMARY).join(
        titles, on=THREAD_ID, how="left"
    ).with_columns(pl.coalesce(pl.col(TITLE), pl.col(THREAD_ID)).alias(TITLE))
    # A readable label that stays unique even when two threads share a title.
    short = pl.col(TITLE).str.slice(0, 70)
    summary = summary.with_columns(
        pl.when(short.is_duplicated())
        .then(short + " · " + pl.col(THREAD_ID).str.slice(0, 30))
        .otherwise(short)
        .alias("label")
    )
    summary = summary.with_row_index("thread_rank").with_columns(pl.col("thread_rank").cast(pl.Int64))
    shares = summary.unpivot(
        index=[THREAD_ID, "label", "thread_rank", N_POSTS],
        on=[f"share_{s}" for s in STANCES],
        variable_name="series",
        value_name="share",
    ).with_columns(
        pl.col("series").str.strip_prefix("share_").alias("stance"), *round_columns(["share"])
    ).drop("series")
    sentiment = summary.unpivot(
        index=[THREAD_ID, "label", "thread_rank"],
        on=list(_SUMMARY_NAMES),
        variable_name="series",
        value_name="mean",
    ).with_columns(*round_columns(["mean"]))
    return ChartPlan(
        _comparison_layout,
        (),
        {DATASETS["thread_shares"]: shares, DATASETS["thread_sentiment"]: sentiment},
        {"height": max(40, 26 * summary.height)},
    )


def comparison_chart(threads: pl.DataFrame, summaries: pl.DataFrame) -> alt.HConcatChart:
    """Per thread: stance shares (stacked bar) and mean sentiment overall / toward each side."""
    return comparison_plan(threads, summaries).chart()


def _comparison_layout(*, height: int) -> alt.HConcatChart:
    # Numeric sort field, never a sort list of titles (see discourse.charts.author_tracks).
    rank = alt.EncodingSortField("thread_rank", op="min")
    y = alt.Y("label:N", title=None, sort=rank, axis=alt.Axis(labelLimit=250))
    bars = (
        alt.Chart(named("thread_shares"))
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("share:Q", title="Share of posts", stack="normalize", axis=alt.Axis(format="%")),
            color=stance_color(),
            order=alt.Order("stance_order:Q"),
            tooltip=[
                alt.Tooltip("label:N", title="Thread"),
                alt.Tooltip("stance:N", title="Stance"),
                alt.Tooltip("share:Q", title="Share", format=".0%"),
                alt.Tooltip("n_posts:Q", title="Posts in thread"),
            ],
        )
        .transform_calculate(
            stance_order="indexof(" + str(list(STANCES)).replace('"', "'") + ", datum.stance)"
        )
        .properties(width=280, height=height, title=alt.Title("Stance shares", anchor="start"))
    )
    names = _SUMMARY_NAMES
    dots = (
        alt.Chart(named("thread_sentiment"))
        .mark_point(filled=True, size=90)
        .encode(
            y=alt.Y("label:N", title=None, sort=rank, axis=None),
            x=alt.X("mean:Q", title="Mean sentiment (−1 to +1)", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(
                    domain=list(names),
                    range=[SENTIMENT_SERIES[s][1] for s in SENTIMENT_SERIES],
                ),
                legend=alt.Legend(orient="top", direction="vertical", labelExpr=label_expr(names)),
            ),
            shape=alt.Shape(
                "series:N",
                title=None,
                scale=alt.Scale(domain=list(names), range=["circle", "square", "triangle-up"]),
                legend=alt.Legend(orient="top", direction="vertical", labelExpr=label_expr(names)),
            ),
            tooltip=[
                alt.Tooltip("label:N", title="Thread"),
                alt.Tooltip("series:N", title="Series"),
                alt.Tooltip("mean:Q", title="Mean sentiment", format="+.2f"),
            ],
        )
        .properties(width=230, height=height, title=alt.Title("Mean sentiment", anchor="start"))
    )
    return alt.hconcat(bars, dots, spacing=20).resolve_scale(color="independent", shape="independent")
