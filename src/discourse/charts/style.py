"""What every chart shares: fixed colours and labels, the position axis, notes, rounding.

Stances always have the same colour (:data:`STANCE_COLORS`) on every chart and page. Label
expressions are built only from our own codes and names, never from data: data values only
ever travel as data (see :mod:`discourse.charts`).
"""

from __future__ import annotations

import altair as alt
import polars as pl

from discourse import schema
from discourse.charts.plan import DATASETS, ChartPlan, named
from discourse.schema import POSITION, SIDED_STANCES, STANCES

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
WIDTH = 780
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
#: The rolling stance-share columns of the ``shifts`` table, in SIDED_STANCES order.
ROLLS = [f"roll_{s}" for s in SIDED_STANCES]


def label_expr(labels: dict[str, str]) -> str:
    """A constant legend/axis label expression mapping our own codes to readable names."""
    pairs = ", ".join(f"'{k}': '{v}'" for k, v in labels.items())
    return f"({{{pairs}}})[datum.label] || datum.label"


def stance_color(title: str = "Stance") -> alt.Color:
    """The colour encoding of the ``stance`` field: the fixed stance colours and labels."""
    return alt.Color(
        "stance:N",
        title=title,
        scale=alt.Scale(domain=list(STANCES), range=[STANCE_COLORS[s] for s in STANCES]),
        legend=alt.Legend(labelExpr=label_expr(STANCE_LABELS), orient="top"),
    )


def position_domain(positions: pl.Series) -> tuple[float, float]:
    """Position domain shared by every along-the-thread chart, half a post of margin."""
    if positions.len() == 0 or positions.null_count() == positions.len():
        return (-0.5, 0.5)
    return (float(positions.min()) - 0.5, float(positions.max()) + 0.5)


def position_x(
    domain: list[float],
    *,
    field: str = POSITION,
    title: str | None = "Position in thread (post number)",
) -> alt.X:
    """The x encoding of a position field over ``domain``, whole post numbers on the axis."""
    return alt.X(
        f"{field}:Q",
        title=title,
        scale=alt.Scale(domain=domain, nice=False, zero=False),
        axis=alt.Axis(format="d", tickMinStep=1),
    )


def _note_layout(*, dataset: str, width: int, height: int = 60) -> alt.Chart:
    """A small chart that only says why there is nothing to draw (its one row: ``note``)."""
    return (
        alt.Chart(named(dataset))
        .mark_text(fontSize=13, color="#555555", align="center")
        .encode(text="note:N", tooltip=alt.Tooltip("note:N", title="Note"))
        .properties(width=width, height=height)
    )


def note_plan(dataset: str, text: str, *, width: int) -> ChartPlan:
    """A plan drawing only ``text``, our own sentence saying why a chart has nothing to show."""
    # The note is our own constant sentence, shipped as data like everything a mark shows.
    return ChartPlan(
        _note_layout,
        (("dataset", dataset), ("width", width)),
        {DATASETS[dataset]: pl.DataFrame({"note": [text]})},
    )


def rounded(value: pl.Expr, digits: int = 3) -> pl.Expr:
    """``value`` as a float rounded to ``digits``, NaN made null."""
    return value.cast(pl.Float64).fill_nan(None).round(digits)


def round_columns(cols: list[str], digits: int = 3) -> list[pl.Expr]:
    """:func:`rounded` of each column in ``cols``, under its own name."""
    return [rounded(pl.col(c), digits) for c in cols]
