"""Altair charts for the thread and index dashboards: one module per chart.

Every chart is made by a ``*_plan`` function, which returns a
:class:`~discourse.charts.plan.ChartPlan` (a data-free layout plus its rows as Polars frames
under fixed dataset names), and a ``*_chart`` function, which returns the plan's Altair chart
with its rows attached. Nothing here writes a file (``discourse.report`` composes and writes
pages, and exports images).

Modules:

* :mod:`.plan` — :class:`ChartPlan`, the compiled-layout cache, :data:`DATASETS`;
* :mod:`.style` — colours, labels, the position axis, notes and rounding every chart shares;
* :mod:`.views` — the rows the thread charts draw: :func:`post_view` and :func:`edge_view`
  (:func:`edge_rows` for many threads);
* :mod:`.stance`, :mod:`.sentiment`, :mod:`.quote_arcs`, :mod:`.author_tracks`,
  :mod:`.stance_sentiment` — the thread page's charts, in page order;
* :mod:`.comparison` — the index page's chart.

Safety: data values only ever travel as data. No Vega expression, field name, title or
label in a spec is built from a data value; the few expressions in the layouts are
constants, and a plan's shape and fill hold only settings, counts, numbers and our own
column names.
"""

from __future__ import annotations

from discourse.charts.author_tracks import MAX_AUTHORS, author_tracks_chart, author_tracks_plan, author_tracks_plans
from discourse.charts.comparison import comparison_chart, comparison_plan
from discourse.charts.plan import DATASETS, ChartPlan, json_safe
from discourse.charts.quote_arcs import quote_arcs_chart, quote_arcs_plan
from discourse.charts.sentiment import sentiment_chart, sentiment_plan
from discourse.charts.stance import MAX_CHANGE_RULES, stance_chart, stance_plan
from discourse.charts.stance_sentiment import stance_sentiment_chart, stance_sentiment_plan, stance_sentiment_plans
from discourse.charts.style import (
    BRUSH,
    FONT,
    RELATION_COLORS,
    STANCE_COLORS,
    STANCE_LABELS,
    WIDTH,
)
from discourse.charts.views import (
    EXCERPT_CHARS,
    MIN_EXCERPT_CHARS,
    edge_rows,
    edge_view,
    excerpt_length,
    post_view,
)

__all__ = [
    "BRUSH",
    "DATASETS",
    "EXCERPT_CHARS",
    "FONT",
    "MAX_AUTHORS",
    "MAX_CHANGE_RULES",
    "MIN_EXCERPT_CHARS",
    "RELATION_COLORS",
    "STANCE_COLORS",
    "STANCE_LABELS",
    "WIDTH",
    "ChartPlan",
    "author_tracks_chart",
    "author_tracks_plan",
    "author_tracks_plans",
    "comparison_chart",
    "comparison_plan",
    "edge_rows",
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
    "stance_sentiment_plans",
]
