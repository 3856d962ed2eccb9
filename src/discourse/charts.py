"""Altair charts for the thread and index dashboards: one function per chart.

Every chart function takes prepared frames and returns an Altair chart; nothing here writes a
file (``discourse.report`` composes and writes pages, and exports images).

Data preparation (:func:`post_view`, :func:`edge_view`) picks the few columns each chart
needs, cuts long text to an excerpt, joins list columns into text and rounds scores, so that
a page for a very long thread stays small. Stances always have the same colour
(:data:`STANCE_COLORS`) on every chart and page.

Safety: data values only ever travel as data. No Vega expression, field name, title or
label in a spec is built from a data value; the few expressions below are constants.
"""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse import schema
from discourse.schema import POSITION, POST_ID, SIDED_STANCES, STANCES, THREAD_ID
from discourse.shifts import DEFAULT_WINDOW, join_stances, quote_edges, rolling_mean_expr

__all__ = [
    "BRUSH",
    "EXCERPT_CHARS",
    "RELATION_COLORS",
    "STANCE_COLORS",
    "STANCE_LABELS",
    "author_tracks_chart",
    "comparison_chart",
    "edge_view",
    "excerpt_length",
    "post_view",
    "quote_arcs_chart",
    "sentiment_chart",
    "stance_chart",
    "stance_sentiment_chart",
]

#: One colour per stance, the same on every chart and page.
STANCE_COLORS: dict[str, str] = {
    "pro_us": "#1f5fbf",
    "pro_ussr": "#c62828",
    "neutralist": "#d99a00",
    "none": "#9e9e9e",
}
STANCE_LABELS: dict[str, str] = {
    "pro_us": "Pro-US",
    "pro_ussr": "Pro-USSR",
    "neutralist": "Neutralist",
    "none": "No stance",
}
RELATIONS: tuple[str, ...] = ("agree", "disagree", "other")
RELATION_COLORS: dict[str, str] = {"agree": "#2e7d32", "disagree": "#8e24aa", "other": "#b0b0b0"}
SENTIMENT_SERIES: dict[str, tuple[str, str]] = {
    "roll_sentiment": ("All posts", "#333333"),
    "roll_sentiment_us": ("Toward the US side", STANCE_COLORS["pro_us"]),
    "roll_sentiment_ussr": ("Toward the Soviet side", STANCE_COLORS["pro_ussr"]),
}
SENTIMENT_ORDER: tuple[str, ...] = (*schema.SENTIMENT_LABELS, "unscored")

#: Name of the interval selection on the stance chart; the page's detail list listens to it.
BRUSH = "brush"
#: Longest excerpt shown in a tooltip or the detail list.
EXCERPT_CHARS = 280
#: Characters of excerpt a page may hold in all; longer threads get shorter excerpts.
EXCERPT_BUDGET = 1_500_000
MIN_EXCERPT_CHARS = 100
#: Most authors drawn in the author-track chart (the ones with the most posts).
MAX_AUTHORS = 30
#: Most change points drawn as rules on the stance chart (more would hide the shares).
MAX_CHANGE_RULES = 150

WIDTH = 780
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"


# --- shared pieces ------------------------------------------------------------------------
def _label_expr(labels: dict[str, str]) -> str:
    """A constant legend/axis label expression mapping our own codes to readable names."""
    pairs = ", ".join(f"'{k}': '{v}'" for k, v in labels.items())
    return f"({{{pairs}}})[datum.label] || datum.label"


def _stance_color(title: str = "Stance") -> alt.Color:
    return alt.Color(
        "stance:N",
        title=title,
        scale=alt.Scale(domain=list(STANCES), range=[STANCE_COLORS[s] for s in STANCES]),
        legend=alt.Legend(labelExpr=_label_expr(STANCE_LABELS), orient="top"),
    )


def _x_domain(positions: pl.Series) -> list[float]:
    """Position domain shared by every along-the-thread chart, half a post of margin."""
    if positions.len() == 0 or positions.null_count() == positions.len():
        return [-0.5, 0.5]
    return [float(positions.min()) - 0.5, float(positions.max()) + 0.5]


def _x(
    domain: list[float],
    *,
    field: str = POSITION,
    title: str | None = "Position in thread (post number)",
) -> alt.X:
    return alt.X(
        f"{field}:Q",
        title=title,
        scale=alt.Scale(domain=domain, nice=False, zero=False),
        axis=alt.Axis(format="d", tickMinStep=1),
    )


def _note_chart(text: str, *, width: int = WIDTH, height: int = 60) -> alt.Chart:
    """A small chart that only says why there is nothing to draw."""
    return (
        alt.Chart(pl.DataFrame({"note": [text]}))
        .mark_text(fontSize=13, color="#555555", align="center")
        .encode(text="note:N", tooltip=alt.Tooltip("note:N", title="Note"))
        .properties(width=width, height=height)
    )


def excerpt_length(n_posts: int) -> int:
    """Characters per excerpt for a thread of ``n_posts`` posts (shrinks for huge threads)."""
    if n_posts <= 0:
        return EXCERPT_CHARS
    return max(MIN_EXCERPT_CHARS, min(EXCERPT_CHARS, EXCERPT_BUDGET // n_posts))


def _excerpt(col: str, n: int) -> pl.Expr:
    text = pl.col(col).fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()
    return (
        pl.when(text.str.len_chars() > n)
        .then(text.str.slice(0, n - 1).str.strip_chars_end() + "…")
        .otherwise(text)
    )


def _round(cols: list[str], digits: int = 3) -> list[pl.Expr]:
    return [pl.col(c).cast(pl.Float64).fill_nan(None).round(digits) for c in cols]


# --- data preparation -------------------------------------------------------------------------
def post_view(
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    shifts: pl.DataFrame,
    *,
    window: int = DEFAULT_WINDOW,
    excerpt_chars: int | None = None,
) -> pl.DataFrame:
    """One row per post of one thread with everything the along-the-thread charts show.

    ``shifts`` is the SHIFTS table (rolling shares). Text is cut to ``excerpt_chars``
    (default: :func:`excerpt_length` of the thread), cues are joined into one string and
    scores are rounded to 3 decimals.
    """
    posts = schema.conform(posts, schema.POSTS)
    classified = schema.conform(classified, schema.CLASSIFIED).unique(
        [THREAD_ID, POST_ID], keep="first", maintain_order=True
    )
    n = excerpt_chars if excerpt_chars is not None else excerpt_length(posts.height)
    stances = join_stances(posts, classified)
    extra = classified.select(
        THREAD_ID,
        POST_ID,
        pl.col("cues").list.head(6).list.join(", ").alias("cues"),
        "sentiment_label",
    )
    text = posts.select(
        THREAD_ID,
        POST_ID,
        pl.coalesce(pl.col("own_text"), pl.col("text")).alias("_text"),
        pl.col("created_at").dt.strftime("%Y-%m-%d %H:%M").alias("created"),
    )
    rolls = schema.conform(shifts, schema.SHIFTS).select(
        THREAD_ID, POST_ID, "window_n", *[f"roll_{s}" for s in SIDED_STANCES], "roll_sentiment"
    )
    view = (
        stances.join(extra, on=[THREAD_ID, POST_ID], how="left")
        .join(text, on=[THREAD_ID, POST_ID], how="left")
        .join(rolls, on=[THREAD_ID, POST_ID], how="left")
        .sort(THREAD_ID, POSITION)
        .with_columns(
            _excerpt("_text", n).alias("excerpt"),
            rolling_mean_expr("sentiment_us", window).alias("roll_sentiment_us"),
            rolling_mean_expr("sentiment_ussr", window).alias("roll_sentiment_ussr"),
        )
    )
    floats = [
        "confidence",
        "sentiment",
        "sentiment_us",
        "sentiment_ussr",
        "roll_sentiment",
        "roll_sentiment_us",
        "roll_sentiment_ussr",
        *[f"roll_{s}" for s in SIDED_STANCES],
    ]
    return view.with_columns(_round(floats)).drop("_text", THREAD_ID)


def edge_view(quotes: pl.DataFrame, posts: pl.DataFrame, classified: pl.DataFrame) -> pl.DataFrame:
    """One row per quote edge (reply → quoted post) with positions, stances and relation."""
    stances = join_stances(posts, classified)
    edges = quote_edges(quotes, stances)
    authors = stances.select(THREAD_ID, POST_ID, "author")
    return (
        edges.join(authors, on=[THREAD_ID, POST_ID], how="left")
        .join(
            authors.rename({POST_ID: "quoted_post_id", "author": "quoted_author"}),
            on=[THREAD_ID, "quoted_post_id"],
            how="left",
        )
        .rename({"quote_relation": "relation"})
        .select(
            POSITION,
            "quoted_position",
            "relation",
            POST_ID,
            "quoted_post_id",
            "author",
            "quoted_author",
            "stance",
            "quoted_stance",
        )
    )


# --- (1) stance along the thread -------------------------------------------------------------
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
    cols = [
        POSITION,
        POST_ID,
        "author",
        "created",
        "stance",
        "confidence",
        "cues",
        "excerpt",
        "window_n",
        *[f"roll_{s}" for s in SIDED_STANCES],
    ]
    data = view.select([c for c in cols if c in view.columns])
    domain = _x_domain(data[POSITION])
    base = alt.Chart(data)
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
            x=_x(domain, title=None),
            y=alt.Y(
                "stance:N",
                title=None,
                scale=alt.Scale(domain=list(STANCES)),
                axis=alt.Axis(labelExpr=_label_expr(STANCE_LABELS), labelFontWeight="bold"),
            ),
            color=_stance_color(),
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
        base.transform_fold([f"roll_{s}" for s in SIDED_STANCES], as_=["series", "share"])
        .transform_calculate(
            stance="replace(datum.series, 'roll_', '')",
            series_order="indexof(['roll_pro_us', 'roll_pro_ussr', 'roll_neutralist'], datum.series)",
        )
        .mark_area(opacity=0.85, interpolate="step-after")
        .encode(
            x=_x(domain),
            y=alt.Y(
                "share:Q",
                title=f"Share (last {window} posts)",
                stack="zero",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=_stance_color(),
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
    n_changes = 0 if change_points is None else change_points.height
    marked = 0 < n_changes <= MAX_CHANGE_RULES
    if marked:
        cps = change_points.select(POSITION, POST_ID, "stance_before", "stance_after")
        layers.append(
            alt.Chart(cps)
            .mark_rule(color="#222222", strokeDash=[4, 3], strokeWidth=1.5)
            .encode(
                x=_x(domain),
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


# --- (2) sentiment along the thread -----------------------------------------------------------
def sentiment_chart(
    view: pl.DataFrame, *, window: int = DEFAULT_WINDOW, width: int = WIDTH
) -> alt.LayerChart:
    """Compound sentiment per post (dots), its rolling mean, and rolling sentiment toward the
    US side and toward the Soviet side (lines)."""
    series = list(SENTIMENT_SERIES)
    data = view.select(POSITION, POST_ID, "sentiment", "sentiment_us", "sentiment_ussr", *series)
    domain = _x_domain(data[POSITION])
    base = alt.Chart(data)
    y = alt.Y("value:Q", title="Sentiment (−1 to +1)", scale=alt.Scale(domain=[-1, 1]))
    dots = base.mark_circle(size=28, color="#8a8a8a", opacity=0.6).encode(
        x=_x(domain),
        y=alt.Y("sentiment:Q", title="Sentiment (−1 to +1)", scale=alt.Scale(domain=[-1, 1])),
        tooltip=[
            alt.Tooltip("position:Q", title="Position"),
            alt.Tooltip("post_id:N", title="Post"),
            alt.Tooltip("sentiment:Q", title="Sentiment", format="+.2f"),
            alt.Tooltip("sentiment_us:Q", title="Toward US side", format="+.2f"),
            alt.Tooltip("sentiment_ussr:Q", title="Toward Soviet side", format="+.2f"),
        ],
    )
    zero = alt.Chart(pl.DataFrame({"value": [0.0]})).mark_rule(color="#cccccc").encode(
        y=alt.Y("value:Q"), tooltip=alt.value(None)
    )
    lines = (
        base.transform_fold(series, as_=["series", "value"])
        .mark_line(strokeWidth=2.2, interpolate="monotone")
        .encode(
            x=_x(domain),
            y=y,
            color=alt.Color(
                "series:N",
                title=None,
                scale=alt.Scale(domain=series, range=[SENTIMENT_SERIES[s][1] for s in series]),
                legend=alt.Legend(
                    orient="top",
                    labelExpr=_label_expr({k: v[0] for k, v in SENTIMENT_SERIES.items()}),
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


# --- (3) quote arcs ----------------------------------------------------------------------------
def quote_arcs_chart(
    edges: pl.DataFrame, *, x_domain: list[float] | None = None, width: int = WIDTH
) -> alt.LayerChart | alt.Chart:
    """An arc from each reply to the post it quotes, coloured agree / disagree / other."""
    if edges.height == 0:
        return _note_chart("No post in this thread quotes another post of the thread.", width=width)
    domain = x_domain or _x_domain(pl.concat([edges[POSITION], edges["quoted_position"]]))
    base = alt.Chart(edges)
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


# --- (4) author tracks ----------------------------------------------------------------------------
def author_tracks_chart(
    view: pl.DataFrame,
    tracks: pl.DataFrame | None = None,
    *,
    max_authors: int = MAX_AUTHORS,
    width: int = WIDTH,
) -> alt.LayerChart | alt.Chart:
    """One row per author (most active first, at most ``max_authors``): a line from first to
    last post, and a dot per post coloured by stance. A note when no author is known."""
    known = view.filter(pl.col("author").is_not_null())
    if known.height == 0:
        return _note_chart("This source does not record who wrote each post.", width=width)
    top = (
        known.group_by("author")
        .agg(pl.len().alias("n"), pl.col(POSITION).min().alias("first"))
        .sort(["n", "first"], descending=[True, False])
        .head(max_authors)
        .sort("first")
        .with_row_index("author_rank")
        .select("author", pl.col("author_rank").cast(pl.Int64))
    )
    order = top["author"].to_list()
    dots_data = known.join(top, on="author", how="inner").select(
        POSITION, POST_ID, "author", "author_rank", "stance", "confidence"
    )
    if tracks is None or tracks.height == 0:
        tracks = (
            dots_data.group_by("author")
            .agg(
                pl.len().alias("n_posts"),
                pl.col(POSITION).min().alias("first_position"),
                pl.col(POSITION).max().alias("last_position"),
            )
        )
    tracks = tracks.join(top, on="author", how="inner")
    tracks = tracks.select(
        [
            c
            for c in (
                "author",
                "author_rank",
                "n_posts",
                "first_position",
                "last_position",
                "first_stance",
                "last_stance",
                "n_stance_changes",
                "mean_sentiment",
            )
            if c in tracks.columns
        ]
    )
    if "mean_sentiment" in tracks.columns:
        tracks = tracks.with_columns(_round(["mean_sentiment"]))
    domain = _x_domain(view[POSITION])
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
        for c in tracks.columns
        if c not in ("author", "author_rank")
    ]
    lines = (
        alt.Chart(tracks)
        .mark_rule(color="#bbbbbb", strokeWidth=2)
        .encode(
            x=_x(domain, field="first_position"),
            x2="last_position:Q",
            y=y,
            tooltip=track_tips,
        )
    )
    dots = (
        alt.Chart(dots_data)
        .mark_circle(size=60, opacity=0.9)
        .encode(
            x=_x(domain),
            y=y,
            color=_stance_color(),
            tooltip=[
                alt.Tooltip("author:N", title="Author"),
                alt.Tooltip("position:Q", title="Position"),
                alt.Tooltip("post_id:N", title="Post"),
                alt.Tooltip("stance:N", title="Stance"),
                alt.Tooltip("confidence:Q", title="Confidence", format=".2f"),
            ],
        )
    )
    more = "" if known["author"].n_unique() <= max_authors else f" ({max_authors} most active shown)"
    return alt.layer(lines, dots).properties(
        width=width - 60,
        height=max(60, 20 * len(order)),
        title=alt.Title(
            "Author tracks" + more,
            subtitle="A line from each author's first to last post; dots are their posts.",
            anchor="start",
        ),
    )


# --- (5) stance × sentiment ------------------------------------------------------------------------
def stance_sentiment_chart(view: pl.DataFrame) -> alt.HConcatChart:
    """Posts by stance and sentiment label (heat map), and mean sentiment toward each side by
    stance (bars)."""
    labelled = view.with_columns(
        pl.coalesce(
            pl.col("sentiment_label"),
            pl.when(pl.col("sentiment") >= 0.05)
            .then(pl.lit("positive"))
            .when(pl.col("sentiment") <= -0.05)
            .then(pl.lit("negative"))
            .when(pl.col("sentiment").is_not_null())
            .then(pl.lit("neutral")),
            pl.lit("unscored"),
        ).alias("sentiment_label")
    )
    total = max(labelled.height, 1)
    counts = (
        labelled.group_by("stance", "sentiment_label")
        .agg(pl.len().cast(pl.Int64).alias("posts"), pl.col("sentiment").mean().alias("mean"))
        .with_columns((pl.col("posts") / total).alias("share"), *_round(["mean"]))
        .sort("stance", "sentiment_label")
    )
    heat_base = alt.Chart(counts).encode(
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
            axis=alt.Axis(labelExpr=_label_expr(STANCE_LABELS)),
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
    sides = (
        labelled.group_by("stance")
        .agg(
            pl.col("sentiment_us").mean().alias("Toward the US side"),
            pl.col("sentiment_ussr").mean().alias("Toward the Soviet side"),
            pl.col("sentiment_us").count().alias("n_us"),
            pl.col("sentiment_ussr").count().alias("n_ussr"),
        )
        .unpivot(
            index=["stance", "n_us", "n_ussr"],
            on=["Toward the US side", "Toward the Soviet side"],
            variable_name="side",
            value_name="mean",
        )
        .with_columns(
            pl.when(pl.col("side") == "Toward the US side")
            .then(pl.col("n_us"))
            .otherwise(pl.col("n_ussr"))
            .alias("posts")
        )
        .drop("n_us", "n_ussr")
        .with_columns(_round(["mean"]))
        .sort("stance", "side")
    )
    bars = (
        alt.Chart(sides)
        .mark_bar()
        .encode(
            y=alt.Y(
                "stance:N",
                title=None,
                sort=list(STANCES),
                axis=alt.Axis(labelExpr=_label_expr(STANCE_LABELS)),
            ),
            yOffset=alt.YOffset("side:N", sort=["Toward the US side", "Toward the Soviet side"]),
            x=alt.X("mean:Q", title="Mean sentiment (−1 to +1)", scale=alt.Scale(domain=[-1, 1])),
            color=alt.Color(
                "side:N",
                title=None,
                scale=alt.Scale(
                    domain=["Toward the US side", "Toward the Soviet side"],
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


# --- index page --------------------------------------------------------------------------------
def comparison_chart(threads: pl.DataFrame, summaries: pl.DataFrame) -> alt.HConcatChart:
    """Per thread: stance shares (stacked bar) and mean sentiment overall / toward each side."""
    titles = schema.conform(threads, schema.THREADS).select(
        THREAD_ID, pl.coalesce(pl.col("title"), pl.col(THREAD_ID)).alias("title")
    )
    summary = schema.conform(summaries, schema.THREAD_SUMMARY).join(
        titles, on=THREAD_ID, how="left"
    ).with_columns(pl.coalesce(pl.col("title"), pl.col(THREAD_ID)).alias("title"))
    # A readable label that stays unique even when two threads share a title.
    short = pl.col("title").str.slice(0, 70)
    summary = summary.with_columns(
        pl.when(short.is_duplicated())
        .then(short + " · " + pl.col(THREAD_ID).str.slice(0, 30))
        .otherwise(short)
        .alias("label")
    )
    summary = summary.with_row_index("thread_rank").with_columns(pl.col("thread_rank").cast(pl.Int64))
    n_threads = summary.height
    shares = summary.unpivot(
        index=[THREAD_ID, "label", "thread_rank", "n_posts"],
        on=[f"share_{s}" for s in STANCES],
        variable_name="series",
        value_name="share",
    ).with_columns(
        pl.col("series").str.strip_prefix("share_").alias("stance"), *_round(["share"])
    ).drop("series")
    # Numeric sort field, never a sort list of titles (see author_tracks_chart).
    rank = alt.EncodingSortField("thread_rank", op="min")
    y = alt.Y("label:N", title=None, sort=rank, axis=alt.Axis(labelLimit=250))
    height = max(40, 26 * n_threads)
    bars = (
        alt.Chart(shares)
        .mark_bar()
        .encode(
            y=y,
            x=alt.X("share:Q", title="Share of posts", stack="normalize", axis=alt.Axis(format="%")),
            color=_stance_color(),
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
    sentiment = summary.unpivot(
        index=[THREAD_ID, "label", "thread_rank"],
        on=["mean_sentiment", "mean_sentiment_us", "mean_sentiment_ussr"],
        variable_name="series",
        value_name="mean",
    ).with_columns(*_round(["mean"]))
    names = {
        "mean_sentiment": "All posts",
        "mean_sentiment_us": "Toward the US side",
        "mean_sentiment_ussr": "Toward the Soviet side",
    }
    dots = (
        alt.Chart(sentiment)
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
                legend=alt.Legend(orient="top", direction="vertical", labelExpr=_label_expr(names)),
            ),
            shape=alt.Shape(
                "series:N",
                title=None,
                scale=alt.Scale(domain=list(names), range=["circle", "square", "triangle-up"]),
                legend=alt.Legend(orient="top", direction="vertical", labelExpr=_label_expr(names)),
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

