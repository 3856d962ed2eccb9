"""Altair charts for the thread and index dashboards: one function per chart.

Every chart function takes prepared frames and returns an Altair chart; nothing here writes a
file (``discourse.report`` composes and writes pages, and exports images).

Data preparation (:func:`post_view`, :func:`edge_view`) picks the few columns each chart
needs, cuts long text to an excerpt, joins list columns into text and rounds scores, so that
a page for a very long thread stays small. Stances always have the same colour
(:data:`STANCE_COLORS`) on every chart and page.

Layout apart from data. Each chart is described by a :class:`ChartPlan`, made by its
``*_plan`` function: a *layout* (a function that builds the Altair chart), the few settings
the layout depends on (its *shape*: rolling window, width…), the numbers that change from
thread to thread (x domain, height), and the chart's data as Polars frames under fixed
dataset names (:data:`DATASETS`). The marks read their rows by name (``alt.NamedData``), so
the layout never holds a data value. Two ways out of a plan:

* :meth:`ChartPlan.chart` builds the Altair chart and attaches the rows as the top-level
  ``datasets`` of the spec; it is what every ``*_chart`` function returns (tests, notebooks);
* :meth:`ChartPlan.spec` gives the same Vega-Lite spec without the rows, compiled with Altair
  once per layout and shape, cached, with the domain and height filled in. Pages and images
  use this: Altair deep-copies and rebuilds the whole chart tree on every method call and in
  ``to_dict``, which cost ~0.4 s of every thread page when done per page.

Safety: data values only ever travel as data. No Vega expression, field name, title or
label in a spec is built from a data value; the few expressions below are constants, and a
plan's shape and fill hold only settings, counts, numbers and our own column names.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import polars as pl

from discourse import schema
from discourse.schema import POSITION, POST_ID, SIDED_STANCES, STANCES, THREAD_ID
from discourse.shifts import DEFAULT_WINDOW, quote_edges, rolling_mean_expr

__all__ = [
    "BRUSH",
    "DATASETS",
    "EXCERPT_CHARS",
    "RELATION_COLORS",
    "STANCE_COLORS",
    "STANCE_LABELS",
    "ChartPlan",
    "author_tracks_chart",
    "author_tracks_plan",
    "comparison_chart",
    "comparison_plan",
    "conformed",
    "edge_view",
    "excerpt_length",
    "json_safe",
    "post_view",
    "quote_arcs_chart",
    "quote_arcs_plan",
    "sentiment_chart",
    "sentiment_plan",
    "stance_chart",
    "stance_plan",
    "stance_sentiment_chart",
    "stance_sentiment_plan",
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

#: Every dataset name a chart may read. Names are fixed (never taken from data) and differ
#: between charts, so the charts of one page can share one ``datasets`` table.
DATASETS: dict[str, str] = {
    "stance_posts": "stance-posts",
    "stance_changes": "stance-changes",
    "sentiment_posts": "sentiment-posts",
    "sentiment_zero": "sentiment-zero",
    "quote_edges": "quotes-edges",
    "quote_note": "quotes-note",
    "author_tracks": "authors-tracks",
    "author_posts": "authors-posts",
    "author_note": "authors-note",
    "heat_counts": "stance_sentiment-counts",
    "side_means": "stance_sentiment-sides",
    "thread_shares": "comparison-shares",
    "thread_sentiment": "comparison-sentiment",
}


def _named(key: str) -> alt.NamedData:
    return alt.NamedData(name=DATASETS[key])


# --- plans: layout and data kept apart -------------------------------------------------------
#: What stands in for each fillable layout value while a layout is compiled for the cache. No
#: real thread has positions or chart sizes near 1e300, so these numbers can only come from
#: here, and every place they turn up in the compiled spec is where the real value goes.
_FILL_MARKS: dict[str, Any] = {
    "domain": [-1.2345678912345e300, 9.8765432198765e299],
    "height": 7.7777777777777e299,
}


@dataclass(frozen=True, eq=False)
class ChartPlan:
    """One chart as a data-free layout plus the named frames it draws.

    ``layout(**shape, **fill)`` builds the Altair chart. ``shape`` holds settings and small
    counts (never text from the data); it is hashable and keys the compiled-spec cache.
    ``fill`` holds the values that change from thread to thread and are only copied into the
    spec: ``domain`` (the x domain ``[lo, hi]``) and ``height`` (pixels). ``data`` maps each
    dataset name the layout reads (see :data:`DATASETS`) to its frame.
    """

    layout: Callable[..., alt.TopLevelMixin]
    shape: tuple[tuple[str, Hashable], ...]
    data: Mapping[str, pl.DataFrame]
    fill: Mapping[str, Any] = field(default_factory=dict)

    def chart(self) -> alt.TopLevelMixin:
        """The Altair chart with its rows attached as top-level ``datasets`` (valid Vega-Lite).

        Builds the layout anew on every call (slow, tens of ms); pages use :meth:`spec`.
        """
        fill = {name: _plain(value) for name, value in self.fill.items()}
        chart = self.layout(**dict(self.shape), **fill)
        # Attribute assignment, not .properties(): no copy of the tree, no validation of rows.
        chart.datasets = {name: json_safe(frame).to_dicts() for name, frame in self.data.items()}
        return chart

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite spec of :meth:`chart` without ``$schema`` and without ``datasets``.

        A new dict on every call (callers may change it). The layout is compiled once per
        (layout, shape) and kept in a bounded cache; only the ``fill`` values are put in here.
        """
        text, paths = _compiled(self.layout, self.shape, tuple(self.fill))
        spec = json.loads(text)
        for name, places in paths:
            value = self.fill[name]
            for path in places:
                node = spec
                for key in path[:-1]:
                    node = node[key]
                node[path[-1]] = _plain(value)
        return spec


def _plain(value: Any) -> Any:
    """A fill value as it appears in a spec: sequences as new lists."""
    return list(value) if isinstance(value, (list, tuple)) else value


@functools.lru_cache(maxsize=256)
def _compiled(
    layout: Callable[..., alt.TopLevelMixin],
    shape: tuple[tuple[str, Hashable], ...],
    fill_names: tuple[str, ...],
) -> tuple[str, tuple[tuple[str, tuple[tuple[str | int, ...], ...]], ...]]:
    """A layout's spec as JSON text, and for each fill name the paths where its value goes.

    Kept as text so that each page decodes a fresh, independent copy (``json.loads`` of a
    few kB is far cheaper than any copy of Altair objects).
    """
    spec = layout(**dict(shape), **{name: _FILL_MARKS[name] for name in fill_names}).to_dict(
        validate=False
    )
    spec.pop("$schema", None)
    paths = []
    for name in fill_names:
        places = tuple(_paths_to(spec, _FILL_MARKS[name], ()))
        if not places:  # a layout that ignores a value it is given would draw wrongly
            raise ValueError(f"{layout.__name__} does not use the {name} it is given")
        paths.append((name, places))
    return json.dumps(spec, ensure_ascii=False, allow_nan=False), tuple(paths)


def _paths_to(node: Any, target: Any, path: tuple[str | int, ...]):
    """Yield the path (keys and indexes) of every value equal to ``target`` in a JSON tree."""
    if node == target:
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _paths_to(value, target, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths_to(value, target, (*path, index))


def json_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with NaN and ±infinity in float columns replaced by null (JSON has neither)."""
    bad = [
        name
        for name, dtype in frame.schema.items()
        if dtype.is_float() and (frame[name].is_nan().any() or frame[name].is_infinite().any())
    ]
    if not bad:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name) for name in bad
    )


def conformed(frame: pl.DataFrame, table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """:func:`discourse.schema.conform` of ``frame``, or ``frame`` itself when it already has
    exactly the table's columns and dtypes (the usual case: tables read from the store). The
    check costs microseconds; a conform costs a few hundred, several times per page."""
    have = frame.schema
    if list(have) == list(table) and list(have.values()) == list(table.values()):
        return frame
    return schema.conform(frame, table)


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


def _x_domain(positions: pl.Series) -> tuple[float, float]:
    """Position domain shared by every along-the-thread chart, half a post of margin."""
    if positions.len() == 0 or positions.null_count() == positions.len():
        return (-0.5, 0.5)
    return (float(positions.min()) - 0.5, float(positions.max()) + 0.5)


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


def _note_layout(*, dataset: str, width: int, height: int = 60) -> alt.Chart:
    """A small chart that only says why there is nothing to draw (its one row: ``note``)."""
    return (
        alt.Chart(_named(dataset))
        .mark_text(fontSize=13, color="#555555", align="center")
        .encode(text="note:N", tooltip=alt.Tooltip("note:N", title="Note"))
        .properties(width=width, height=height)
    )


def _note_plan(dataset: str, text: str, *, width: int) -> ChartPlan:
    # The note is our own constant sentence, shipped as data like everything a mark shows.
    return ChartPlan(
        _note_layout,
        (("dataset", dataset), ("width", width)),
        {DATASETS[dataset]: pl.DataFrame({"note": [text]})},
    )


def excerpt_length(n_posts: int) -> int:
    """Characters per excerpt for a thread of ``n_posts`` posts (shrinks for huge threads)."""
    if n_posts <= 0:
        return EXCERPT_CHARS
    return max(MIN_EXCERPT_CHARS, min(EXCERPT_CHARS, EXCERPT_BUDGET // n_posts))


def _squeezed(text: pl.Expr) -> pl.Expr:
    """Text with every run of whitespace made one space, trimmed; "" for null."""
    return text.fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()


def _excerpt(col: str, n: int) -> pl.Expr:
    """At most ``n`` characters of the already :func:`_squeezed` ``col``, "…" when cut."""
    # The squeezing is a separate column so that the regex runs once, not once per branch.
    text = pl.col(col)
    return (
        pl.when(text.str.len_chars() > n)
        .then(text.str.slice(0, n - 1).str.strip_chars_end() + "…")
        .otherwise(text)
    )


def _rounded(value: pl.Expr, digits: int = 3) -> pl.Expr:
    return value.cast(pl.Float64).fill_nan(None).round(digits)


def _round(cols: list[str], digits: int = 3) -> list[pl.Expr]:
    return [_rounded(pl.col(c), digits) for c in cols]


# --- data preparation -------------------------------------------------------------------------
_ROLLS = [f"roll_{s}" for s in SIDED_STANCES]


def post_view(
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    shifts: pl.DataFrame,
    *,
    window: int = DEFAULT_WINDOW,
    excerpt_chars: int | None = None,
) -> pl.DataFrame:
    """One row per post of one thread with everything the along-the-thread charts show.

    Rows are in thread order. ``shifts`` is the SHIFTS table (rolling shares). Posts without
    a classification get stance ``none`` and null scores (as in
    :func:`discourse.shifts.join_stances`); the first classification of a post counts. Text (own text, else the whole post) has its whitespace
    squeezed and is cut to ``excerpt_chars`` (default: :func:`excerpt_length` of the thread),
    cues are joined into one string and scores are rounded to 3 decimals.
    """
    posts = conformed(posts, schema.POSTS)
    classified = conformed(classified, schema.CLASSIFIED)
    n = excerpt_chars if excerpt_chars is not None else excerpt_length(posts.height)
    scores = classified.unique([THREAD_ID, POST_ID], keep="first", maintain_order=True).select(
        THREAD_ID,
        POST_ID,
        "stance",
        "confidence",
        "sentiment",
        "sentiment_us",
        "sentiment_ussr",
        pl.col("cues").list.head(6).list.join(", ").alias("cues"),
        "sentiment_label",
    )
    rolls = conformed(shifts, schema.SHIFTS).select(
        THREAD_ID, POST_ID, "window_n", *_ROLLS, "roll_sentiment"
    )
    joined = (
        posts.select(
            THREAD_ID,
            POST_ID,
            POSITION,
            "author",
            "created_at",
            pl.col("created_at").dt.strftime("%Y-%m-%d %H:%M").alias("created"),
            _squeezed(pl.coalesce(pl.col("own_text"), pl.col("text"))).alias("_text"),
        )
        .join(scores, on=[THREAD_ID, POST_ID], how="left")
        .join(rolls, on=[THREAD_ID, POST_ID], how="left")
        .sort(THREAD_ID, POSITION, maintain_order=True)
    )
    return joined.select(
        THREAD_ID,
        POST_ID,
        POSITION,
        "author",
        "created_at",
        pl.col("stance").fill_null("none"),
        *_round(["confidence", "sentiment", "sentiment_us", "sentiment_ussr"]),
        "cues",
        "sentiment_label",
        "created",
        "window_n",
        *_round([*_ROLLS, "roll_sentiment"]),
        _excerpt("_text", n).alias("excerpt"),
        # Rolling means over the unrounded scores, then rounded like every other score.
        _rounded(rolling_mean_expr("sentiment_us", window)).alias("roll_sentiment_us"),
        _rounded(rolling_mean_expr("sentiment_ussr", window)).alias("roll_sentiment_ussr"),
    )


def edge_view(quotes: pl.DataFrame, view: pl.DataFrame) -> pl.DataFrame:
    """One row per quote edge (reply → quoted post) with positions, stances, authors and relation.

    ``view`` is the :func:`post_view` of the quotes' thread; the edges are those of
    :func:`discourse.shifts.quote_edges` (distinct, resolved, within the thread).
    """
    ends = view.select(THREAD_ID, POST_ID, POSITION, "stance", "author")
    edges = quote_edges(quotes, ends)
    authors = ends.select(THREAD_ID, POST_ID, "author")
    return (
        edges.join(authors, on=[THREAD_ID, POST_ID], how="left")
        .join(
            authors.rename({POST_ID: "quoted_post_id", "author": "quoted_author"}),
            on=[THREAD_ID, "quoted_post_id"],
            how="left",
        )
        .select(
            POSITION,
            "quoted_position",
            pl.col("quote_relation").alias("relation"),
            POST_ID,
            "quoted_post_id",
            "author",
            "quoted_author",
            "stance",
            "quoted_stance",
        )
    )


# --- (1) stance along the thread -------------------------------------------------------------
_STANCE_COLUMNS = [
    POSITION,
    POST_ID,
    "author",
    "created",
    "stance",
    "confidence",
    "cues",
    "excerpt",
    "window_n",
    *_ROLLS,
]


def stance_plan(
    view: pl.DataFrame,
    change_points: pl.DataFrame | None = None,
    *,
    window: int = DEFAULT_WINDOW,
    width: int = WIDTH,
) -> ChartPlan:
    """The plan of :func:`stance_chart` (same arguments)."""
    posts = view.select([c for c in _STANCE_COLUMNS if c in view.columns])
    data = {DATASETS["stance_posts"]: posts}
    n_changes = 0 if change_points is None else change_points.height
    if 0 < n_changes <= MAX_CHANGE_RULES:
        data[DATASETS["stance_changes"]] = change_points.select(
            POSITION, POST_ID, "stance_before", "stance_after"
        )
    # The layout only needs to know whether there are changes to mark, or how many there
    # are when they are too many to mark (the subtitle says so); this keeps shapes few.
    shape_changes = n_changes if n_changes > MAX_CHANGE_RULES else min(n_changes, 1)
    return ChartPlan(
        _stance_layout,
        (("window", window), ("width", width), ("n_changes", shape_changes)),
        data,
        {"domain": _x_domain(view[POSITION])},
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
    base = alt.Chart(_named("stance_posts"))
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
        base.transform_fold(list(_ROLLS), as_=["series", "share"])
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
    if 0 < n_changes <= MAX_CHANGE_RULES:
        layers.append(
            alt.Chart(_named("stance_changes"))
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
def sentiment_plan(
    view: pl.DataFrame, *, window: int = DEFAULT_WINDOW, width: int = WIDTH
) -> ChartPlan:
    """The plan of :func:`sentiment_chart` (same arguments)."""
    data = view.select(
        POSITION, POST_ID, "sentiment", "sentiment_us", "sentiment_ussr", *SENTIMENT_SERIES
    )
    return ChartPlan(
        _sentiment_layout,
        (("window", window), ("width", width)),
        {
            DATASETS["sentiment_posts"]: data,
            DATASETS["sentiment_zero"]: _ZERO,
        },
        {"domain": _x_domain(view[POSITION])},
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
    base = alt.Chart(_named("sentiment_posts"))
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
    zero = alt.Chart(_named("sentiment_zero")).mark_rule(color="#cccccc").encode(
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
def quote_arcs_plan(
    edges: pl.DataFrame, *, x_domain: list[float] | None = None, width: int = WIDTH
) -> ChartPlan:
    """The plan of :func:`quote_arcs_chart` (same arguments)."""
    if edges.height == 0:
        return _note_plan(
            "quote_note", "No post in this thread quotes another post of the thread.", width=width
        )
    domain = x_domain or _x_domain(pl.concat([edges[POSITION], edges["quoted_position"]]))
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
    base = alt.Chart(_named("quote_edges"))
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
_TRACK_COLUMNS = (
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


def author_tracks_plan(
    view: pl.DataFrame,
    tracks: pl.DataFrame | None = None,
    *,
    max_authors: int = MAX_AUTHORS,
    width: int = WIDTH,
) -> ChartPlan:
    """The plan of :func:`author_tracks_chart` (same arguments)."""
    known = view.filter(pl.col("author").is_not_null())
    if known.height == 0:
        return _note_plan(
            "author_note", "This source does not record who wrote each post.", width=width
        )
    top = (
        known.group_by("author")
        .agg(pl.len().alias("n"), pl.col(POSITION).min().alias("first"))
        .sort(["n", "first"], descending=[True, False])
        .head(max_authors)
        .sort("first")
        .with_row_index("author_rank")
        .select("author", pl.col("author_rank").cast(pl.Int64))
    )
    dots_data = known.join(top, on="author", how="inner").select(
        POSITION, POST_ID, "author", "author_rank", "stance", "confidence"
    )
    if tracks is None or tracks.height == 0:
        tracks = dots_data.group_by("author").agg(
            pl.len().alias("n_posts"),
            pl.col(POSITION).min().alias("first_position"),
            pl.col(POSITION).max().alias("last_position"),
        )
    tracks = tracks.join(top, on="author", how="inner")
    tracks = tracks.select([c for c in _TRACK_COLUMNS if c in tracks.columns])
    if "mean_sentiment" in tracks.columns:
        tracks = tracks.with_columns(_round(["mean_sentiment"]))
    more = known["author"].n_unique() > max_authors
    return ChartPlan(
        _author_tracks_layout,
        (
            ("width", width),
            ("most_active", max_authors if more else None),
            ("track_columns", tuple(tracks.columns)),
        ),
        {DATASETS["author_tracks"]: tracks, DATASETS["author_posts"]: dots_data},
        {"domain": _x_domain(view[POSITION]), "height": max(60, 20 * top.height)},
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
        alt.Chart(_named("author_tracks"))
        .mark_rule(color="#bbbbbb", strokeWidth=2)
        .encode(
            x=_x(domain, field="first_position"),
            x2="last_position:Q",
            y=y,
            tooltip=track_tips,
        )
    )
    dots = (
        alt.Chart(_named("author_posts"))
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


# --- (5) stance × sentiment ------------------------------------------------------------------------
_SIDE_COLUMNS = {"sentiment_us": "Toward the US side", "sentiment_ussr": "Toward the Soviet side"}
_SIDES = tuple(_SIDE_COLUMNS.values())


def stance_sentiment_plan(view: pl.DataFrame) -> ChartPlan:
    """The plan of :func:`stance_sentiment_chart` (same argument)."""
    labelled = view.select(
        "stance",
        "sentiment",
        *[pl.col(col).alias(side) for col, side in _SIDE_COLUMNS.items()],
        pl.coalesce(
            pl.col("sentiment_label"),
            pl.when(pl.col("sentiment") >= 0.05)
            .then(pl.lit("positive"))
            .when(pl.col("sentiment") <= -0.05)
            .then(pl.lit("negative"))
            .when(pl.col("sentiment").is_not_null())
            .then(pl.lit("neutral")),
            pl.lit("unscored"),
        ).alias("sentiment_label"),
    )
    total = max(labelled.height, 1)
    counts = (
        labelled.group_by("stance", "sentiment_label")
        .agg(
            pl.len().cast(pl.Int64).alias("posts"),
            _rounded(pl.col("sentiment").mean()).alias("mean"),
            (pl.len() / total).alias("share"),
        )
        .sort("stance", "sentiment_label")
    )
    # Every stance gets both sides (a null mean when none of its posts names that side).
    sides = (
        labelled.unpivot(on=list(_SIDES), index="stance", variable_name="side", value_name="value")
        .group_by("stance", "side")
        .agg(_rounded(pl.col("value").mean()).alias("mean"), pl.col("value").count().alias("posts"))
        .sort("stance", "side")
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
    heat_base = alt.Chart(_named("heat_counts")).encode(
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
    bars = (
        alt.Chart(_named("side_means"))
        .mark_bar()
        .encode(
            y=alt.Y(
                "stance:N",
                title=None,
                sort=list(STANCES),
                axis=alt.Axis(labelExpr=_label_expr(STANCE_LABELS)),
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


# --- index page --------------------------------------------------------------------------------
_SUMMARY_NAMES = {
    "mean_sentiment": "All posts",
    "mean_sentiment_us": "Toward the US side",
    "mean_sentiment_ussr": "Toward the Soviet side",
}


def comparison_plan(threads: pl.DataFrame, summaries: pl.DataFrame) -> ChartPlan:
    """The plan of :func:`comparison_chart` (same arguments)."""
    titles = conformed(threads, schema.THREADS).select(
        THREAD_ID, pl.coalesce(pl.col("title"), pl.col(THREAD_ID)).alias("title")
    )
    summary = conformed(summaries, schema.THREAD_SUMMARY).join(
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
    shares = summary.unpivot(
        index=[THREAD_ID, "label", "thread_rank", "n_posts"],
        on=[f"share_{s}" for s in STANCES],
        variable_name="series",
        value_name="share",
    ).with_columns(
        pl.col("series").str.strip_prefix("share_").alias("stance"), *_round(["share"])
    ).drop("series")
    sentiment = summary.unpivot(
        index=[THREAD_ID, "label", "thread_rank"],
        on=list(_SUMMARY_NAMES),
        variable_name="series",
        value_name="mean",
    ).with_columns(*_round(["mean"]))
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
    # Numeric sort field, never a sort list of titles (see _author_tracks_layout).
    rank = alt.EncodingSortField("thread_rank", op="min")
    y = alt.Y("label:N", title=None, sort=rank, axis=alt.Axis(labelLimit=250))
    bars = (
        alt.Chart(_named("thread_shares"))
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
    names = _SUMMARY_NAMES
    dots = (
        alt.Chart(_named("thread_sentiment"))
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
