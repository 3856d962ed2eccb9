"""Offline dashboards: one self-contained HTML page per thread, an index page, static images.

This module is the only writer under ``reports/``. A page carries everything it needs:
Vega, Vega-Lite and vega-embed are inlined (the bundle that vl-convert ships), the chart
specs and their data sit in one ``<script type="application/json">`` block, and a short
constant script draws the charts and the brushed detail list. Pages open from ``file://``
with networking off and make no request.

Hostile text (posts, author names, titles) is shown as text and runs nothing:

* every value placed in HTML goes through :func:`html.escape`;
* the JSON block has ``<``, ``>``, ``&``, U+2028 and U+2029 written as ``\\uXXXX`` escapes,
  so neither ``</script>`` nor ``<!--`` can end or change the block;
* data never becomes a Vega expression, a field name or markup: the detail list is built
  with ``textContent``; tooltips are escaped by vega-tooltip;
* a Content-Security-Policy allows only this page's own two scripts (by SHA-256 hash), so an
  injected inline script or event handler would be refused even if escaping failed, and
  ``default-src 'none'`` forbids every network fetch.

Speed: a page costs tens of milliseconds, not the ~0.4 s of composing Altair charts per page.
Chart specs come from :meth:`discourse.charts.ChartPlan.spec` (each layout compiled by Altair
once per process, data referenced by name), each dataset is written once in column form
straight from its Polars frame, the page style is one constant ``config`` dict, and the
bundle and its CSP hash are computed once per process.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import hashlib
import html
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

import altair as alt
import polars as pl
import vl_convert as vlc

from discourse import __version__, charts, schema
from discourse.atomic import write_bytes_atomic, write_text_atomic
from discourse.schema import POSITION, THREAD_ID
from discourse.shifts import DEFAULT_WINDOW, compute_shifts

__all__ = [
    "EVALUATION_PAGE",
    "INDEX_PAGE",
    "PAGE_STYLE",
    "build_thread_charts",
    "export_images",
    "page_name",
    "prepare_thread",
    "thread_plans",
    "write_index",
    "write_thread_report",
]

INDEX_PAGE = "index.html"
EVALUATION_PAGE = "evaluation.html"
#: Threads longer than this are drawn on canvas instead of SVG (faster with many marks).
SVG_MAX_POSTS = 3000
#: Most rows the detail list shows at once.
DETAIL_LIMIT = 300
IMAGE_FORMATS = ("png", "svg")

_UNSAFE_ID = re.compile(r"[/\\\x00-\x1f]")


# --- thread data ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThreadData:
    """Everything the charts of one thread are drawn from."""

    thread_id: str
    view: pl.DataFrame  # charts.post_view
    edges: pl.DataFrame  # charts.edge_view
    change_points: pl.DataFrame
    tracks: pl.DataFrame
    summary: dict[str, Any]
    window: int

    @property
    def n_posts(self) -> int:
        return self.view.height

    @property
    def has_authors(self) -> bool:
        return self.view["author"].drop_nulls().len() > 0


def _only(frame: pl.DataFrame | None, thread_id: str, table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The rows of one thread, conformed to ``table``."""
    if frame is None:
        return schema.empty(table)
    frame = charts.conformed(frame, table)
    ids = frame[THREAD_ID]
    # Frames read per thread from the store hold that thread only: skip the filter then.
    if ids.len() == 0 or (ids.n_unique() == 1 and ids[0] == thread_id):
        return frame
    return frame.filter(pl.col(THREAD_ID) == thread_id)


def prepare_thread(
    thread_id: str,
    posts: pl.DataFrame,
    quotes: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame] | None = None,
    *,
    window: int = DEFAULT_WINDOW,
) -> ThreadData:
    """Select one thread from (possibly multi-thread) frames and prepare its chart data.

    ``tables`` is :func:`discourse.shifts.compute_shifts` output; when it is missing or lacks
    this thread, the shift tables are computed here.
    """
    posts = _only(posts, thread_id, schema.POSTS)
    quotes = _only(quotes, thread_id, schema.QUOTES)
    classified = _only(classified, thread_id, schema.CLASSIFIED)
    names = ("shifts", "change_points", "transitions", "author_tracks", "thread_summary")
    own = {n: _only((tables or {}).get(n), thread_id, schema.TABLES[n]) for n in names}
    if posts.height and own["shifts"].height != posts.height:
        own = compute_shifts(posts, quotes, classified, window=window)
    summary_rows = own["thread_summary"].to_dicts()
    summary = summary_rows[0] if summary_rows else {}
    view = charts.post_view(posts, classified, own["shifts"], window=window)
    return ThreadData(
        thread_id=thread_id,
        view=view,
        edges=charts.edge_view(quotes, view),
        change_points=own["change_points"],
        tracks=own["author_tracks"],
        summary=summary,
        window=window,
    )


def thread_plans(data: ThreadData) -> dict[str, charts.ChartPlan]:
    """The plans of the thread's charts by name, in page order (``authors`` only when authors
    are known)."""
    domain = [float(data.view[POSITION].min() or 0) - 0.5, float(data.view[POSITION].max() or 0) + 0.5]
    out: dict[str, charts.ChartPlan] = {
        "stance": charts.stance_plan(data.view, data.change_points, window=data.window),
        "sentiment": charts.sentiment_plan(data.view, window=data.window),
        "quotes": charts.quote_arcs_plan(data.edges, x_domain=domain),
    }
    if data.has_authors:
        out["authors"] = charts.author_tracks_plan(data.view, data.tracks)
    out["stance_sentiment"] = charts.stance_sentiment_plan(data.view)
    return out


def build_thread_charts(data: ThreadData) -> dict[str, alt.TopLevelMixin]:
    """The thread's charts by name, in page order (``authors`` only when authors are known).

    Full Altair charts with their data attached; slow (Altair builds each chart anew), so
    pages and images use :func:`thread_plans` instead.
    """
    return {name: plan.chart() for name, plan in thread_plans(data).items()}


# --- specs, JSON and the JS bundle -------------------------------------------------------------
#: The page style, merged into each spec's ``config`` (which holds Altair's theme, e.g. the
#: default view size). One constant instead of five chained ``configure_*`` calls, each of
#: which deep-copied the whole chart.
PAGE_STYLE: dict[str, Any] = {
    "font": charts.FONT,
    "padding": {"left": 8, "right": 16, "top": 8, "bottom": 8},
    "title": {"fontSize": 15, "subtitleFontSize": 12, "subtitleColor": "#555555", "offset": 10},
    "axis": {
        "labelFontSize": 11,
        "titleFontSize": 12,
        "titleFontWeight": "normal",
        "gridColor": "#eeeeee",
    },
    "legend": {"labelFontSize": 12, "titleFontSize": 12, "symbolSize": 90},
    "view": {"stroke": "#dddddd"},
}


def _styled(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """``config`` with :data:`PAGE_STYLE` merged in, one level deep (a new dict)."""
    out = dict(config or {})
    for key, value in PAGE_STYLE.items():
        old = out.get(key)
        out[key] = {**old, **value} if isinstance(value, dict) and isinstance(old, dict) else value
    return out


def _spec(plan: charts.ChartPlan) -> dict[str, Any]:
    """The chart's styled Vega-Lite spec without ``$schema`` and without its data.

    Not validated against the Vega-Lite schema here (that cost ~0.5 s per page); the chart
    tests validate every layout.
    """
    spec = plan.spec()
    spec["config"] = _styled(spec.get("config"))
    return spec


def _vl_version() -> str | None:
    wanted = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


@functools.cache
def _js_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script (built once per process, ~3 s)."""
    bundle = vlc.javascript_bundle(vl_version=_vl_version())
    # The bundle has no "</script" today; make sure a future one cannot end its own tag.
    return re.sub(r"</(script)", r"<\\/\1", bundle, flags=re.IGNORECASE).replace("<!--", "<\\!--")


@functools.cache
def _js_bundle_bytes() -> bytes:
    """:func:`_js_bundle` as UTF-8, encoded once: it is most of every page's ~1 MB."""
    return _js_bundle().encode("utf-8")


def _column(series: pl.Series) -> list[Any]:
    values = series.to_list()
    if series.dtype.is_float():  # JSON has no NaN or infinity
        return [v if v is None or math.isfinite(v) else None for v in values]
    return values


def _columnar(frame: pl.DataFrame) -> dict[str, Any]:
    """A frame as column lists (every key written once), NaN and infinities as null."""
    values = [_column(series) for series in frame.iter_columns()]
    return {"columns": frame.columns, "n": frame.height, "values": values}


def script_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or ``&`` survive."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@functools.cache
def _csp() -> str:
    """The Content-Security-Policy of every page (hashing the ~1 MB bundle once per process)."""
    return (
        "default-src 'none'; "
        f"script-src {_sha256(_js_bundle())} {_sha256(_MAIN_JS)} 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'"
    )


_MAIN_JS = r"""
(function () {
  "use strict";
  var page = JSON.parse(document.getElementById("discourse-data").textContent);
  function rowsOf(name) {
    var d = page.datasets[name], out = new Array(d.n), i, j, r;
    for (i = 0; i < d.n; i++) {
      r = {};
      for (j = 0; j < d.columns.length; j++) { r[d.columns[j]] = d.values[j][i]; }
      out[i] = r;
    }
    return out;
  }
  function cell(tr, text, cls) {
    var td = document.createElement("td");
    if (cls) { td.className = cls; }
    td.textContent = text === null || text === undefined ? "" : String(text);
    tr.appendChild(td);
    return td;
  }
  function makeDetail(cfg) {
    var rows = rowsOf(cfg.dataset);
    var body = document.getElementById("detail-body");
    var caption = document.getElementById("detail-caption");
    function show(range) {
      var lo = -Infinity, hi = Infinity, picked = rows, tr, td, chip, k, r, label;
      if (range && range.length === 2) {
        lo = Math.min(range[0], range[1]); hi = Math.max(range[0], range[1]);
        picked = rows.filter(function (r) { return r.position >= lo && r.position <= hi; });
      }
      body.textContent = "";
      for (k = 0; k < picked.length && k < cfg.limit; k++) {
        r = picked[k];
        tr = document.createElement("tr");
        cell(tr, r.position, "num");
        cell(tr, r.author === null ? "—" : r.author);
        td = cell(tr, "");
        chip = document.createElement("span");
        chip.className = "chip";
        label = Object.prototype.hasOwnProperty.call(cfg.labels, r.stance) ? cfg.labels[r.stance] : r.stance;
        chip.textContent = label;
        if (Object.prototype.hasOwnProperty.call(cfg.colors, r.stance)) {
          chip.style.backgroundColor = cfg.colors[r.stance];
        }
        td.appendChild(chip);
        cell(tr, typeof r.confidence === "number" ? r.confidence.toFixed(2) : "—", "num");
        cell(tr, r.cues, "cues");
        cell(tr, r.excerpt, "text");
        body.appendChild(tr);
      }
      var what = isFinite(lo)
        ? "Positions " + Math.ceil(lo) + " to " + Math.floor(hi) + ": " + picked.length + " posts"
        : "All " + rows.length + " posts (drag across the stance chart to choose a range)";
      if (picked.length > cfg.limit) { what += "; the first " + cfg.limit + " are listed"; }
      caption.textContent = what + ".";
    }
    show(null);
    return show;
  }
  var showDetail = page.detail ? makeDetail(page.detail) : null;
  var pending = page.charts.map(function (c) {
    var el = document.getElementById(c.id);
    var spec = c.spec;
    spec.datasets = {};
    c.datasets.forEach(function (n) { spec.datasets[n] = rowsOf(n); });
    var opts = { actions: false, mode: "vega-lite", renderer: page.renderer };
    return vegaEmbed(el, spec, opts).then(function (res) {
      el.setAttribute("data-rendered", "true");
      if (c.brush && showDetail) {
        res.view.addSignalListener(c.brush, function (_, value) {
          showDetail(value && value.position ? value.position : null);
        });
      }
    }).catch(function (err) {
      el.setAttribute("data-rendered", "error");
      el.textContent = "This chart could not be drawn: " + err;
      console.error(err);
    });
  });
  Promise.all(pending).then(function () {
    document.body.setAttribute("data-charts-done", "true");
  });
})();
"""

_CSS = """
:root { --ink:#1d2330; --muted:#5b6472; --line:#e3e6ea; --bg:#f6f7f9; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 24px 24px 48px; }
a { color:#1f5fbf; }
.crumbs { font-size: 13px; margin: 0 0 6px; color: var(--muted); }
h1 { font-size: 26px; line-height: 1.25; margin: 4px 0 10px; overflow-wrap: anywhere; }
h2 { font-size: 19px; margin: 0 0 4px; }
.meta { display:grid; grid-template-columns: max-content 1fr; gap: 2px 14px; margin: 0 0 18px;
  font-size: 13px; color: var(--muted); }
.meta dt { font-weight: 600; } .meta dd { margin:0; overflow-wrap:anywhere; }
.cards { display:grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px;
  margin: 0 0 22px; }
.card { background:#fff; border:1px solid var(--line); border-radius:8px; padding:10px 12px; }
.card .k { font-size:12px; color:var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.card .v { font-size:21px; font-weight:650; overflow-wrap:anywhere; }
.card.wide { grid-column: span 2; }
.card .s { font-size:12px; color:var(--muted); overflow-wrap:anywhere; }
section.panel { background:#fff; border:1px solid var(--line); border-radius:8px; padding:16px 18px;
  margin: 0 0 18px; }
.explain { color: var(--muted); font-size: 13.5px; margin: 0 0 10px; max-width: 72em; }
.chart { overflow-x: auto; min-height: 40px; }
.note { color: var(--muted); font-style: italic; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { text-align:left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background:#fafbfc; font-weight:600; position: sticky; top: 0; }
td.num { text-align:right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.posts { table-layout: fixed; }
table.threads th:first-child { width: 30%; }
td .s { font-size: 12px; color: var(--muted); }
table.posts col.c-num { width: 3.2em; } table.posts col.c-author { width: 9em; }
table.posts col.c-stance { width: 7.5em; } table.posts col.c-conf { width: 7.6em; }
table.posts col.c-cues { width: 11em; }
td { overflow-wrap:anywhere; } td.cues { color: var(--muted); }
.detail-wrap { max-height: 520px; overflow-y: auto; border: 1px solid var(--line); border-radius: 6px; }
.chip { display:inline-block; color:#fff; border-radius: 10px; padding: 0 8px; font-size: 12px;
  background:#777; white-space: nowrap; }
footer { color: var(--muted); font-size: 12px; margin-top: 26px; }
#vg-tooltip-element { max-width: 460px; }
#vg-tooltip-element td.value { max-width: 340px; white-space: normal; overflow-wrap: anywhere; }
"""


@dataclass(frozen=True)
class _ChartBlock:
    element_id: str
    plan: charts.ChartPlan
    brush: str | None = None


def _render_page(
    *,
    title: str,
    body_html: str,
    blocks: list[_ChartBlock],
    renderer: str = "svg",
    detail_columns: tuple[str, ...] | None = None,
) -> bytes:
    """The whole page as UTF-8: escaped ``title``, the given (escaped) body, charts, scripts.

    Each chart's spec goes in without data; each dataset is written once, by name, in column
    form, and ``_MAIN_JS`` hands the rows to the charts that name it. The detail list uses
    the first dataset that has every one of ``detail_columns``.
    """
    datasets: dict[str, dict[str, Any]] = {}
    chart_entries = []
    detail_name = None
    for block in blocks:
        for name, frame in block.plan.data.items():
            if name not in datasets:
                datasets[name] = _columnar(frame)
            if detail_columns and detail_name is None and set(detail_columns) <= set(frame.columns):
                detail_name = name
        chart_entries.append(
            {
                "id": block.element_id,
                "spec": _spec(block.plan),
                "datasets": list(block.plan.data),
                "brush": block.brush,
            }
        )
    page: dict[str, Any] = {"renderer": renderer, "datasets": datasets, "charts": chart_entries}
    if detail_columns:
        if detail_name is None:  # every post view has these columns; an empty one too
            detail_name = "__empty__"
            datasets[detail_name] = {"columns": list(detail_columns), "n": 0, "values": [[] for _ in detail_columns]}
        page["detail"] = {
            "dataset": detail_name,
            "limit": DETAIL_LIMIT,
            "colors": charts.STANCE_COLORS,
            "labels": charts.STANCE_LABELS,
        }
    head = (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{html.escape(_csp(), quote=False)}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<meta name=\"referrer\" content=\"no-referrer\">\n"
        f"<title>{html.escape(title)} — discourse</title>\n<style>{_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body_html}\n</main>\n"
        f"<script type=\"application/json\" id=\"discourse-data\">{script_json(page)}</script>\n"
        "<script>"
    )
    tail = f"</script>\n<script>{_MAIN_JS}</script>\n</body>\n</html>\n"
    # Joined as bytes: the bundle is encoded once per process, not once per page.
    return b"".join((head.encode("utf-8"), _js_bundle_bytes(), tail.encode("utf-8")))


# --- formatting helpers -------------------------------------------------------------------------
def _e(value: Any) -> str:
    """Escaped text for HTML; em dash for a missing value."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "—"
    if isinstance(value, dt.datetime):
        return html.escape(value.strftime("%Y-%m-%d %H:%M %Z").strip())
    return html.escape(str(value))


def _pct(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{100 * value:.0f}%"


def _signed(value: float | None) -> str:
    if value is None or not math.isfinite(value):
        return "—"
    return f"{value:+.2f}"


def _stance_name(stance: str | None) -> str:
    return "—" if stance is None else charts.STANCE_LABELS.get(stance, stance)


def _link(url: Any) -> str:
    """A link for http(s) URLs only; anything else (``javascript:``, ``data:``…) is text."""
    if not isinstance(url, str) or not url:
        return "—"
    if re.match(r"^https?://", url.strip(), flags=re.IGNORECASE):
        return f'<a href="{html.escape(url.strip(), quote=True)}" rel="noreferrer noopener">{html.escape(url)}</a>'
    return html.escape(url)


def page_name(thread_id: str) -> str:
    """The file name of a thread's page; refuses ids that could leave the reports folder."""
    if not thread_id or _UNSAFE_ID.search(thread_id) or thread_id.startswith(".") or thread_id in {
        INDEX_PAGE.removesuffix(".html"),
        EVALUATION_PAGE.removesuffix(".html"),
    }:
        raise ValueError(f"thread id {thread_id!r} cannot be used as a file name")
    return f"{thread_id}.html"


def _card(key: str, value: str, sub: str = "", *, wide: bool = False) -> str:
    sub_html = f'<div class="s">{sub}</div>' if sub else ""
    cls = "card wide" if wide else "card"
    return f'<div class="{cls}"><div class="k">{key}</div><div class="v">{value}</div>{sub_html}</div>'


def _meta_list(items: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{html.escape(k)}</dt><dd>{v}</dd>" for k, v in items)
    return f'<dl class="meta">{rows}</dl>'


_RUN_LABELS = {
    "model_version": "Model",
    "generated_at": "Generated",
    "run_at": "Run at",
    "started_at": "Run started",
    "finished_at": "Run finished",
    "discourse_version": "discourse version",
    "window": "Rolling window (posts)",
    "min_confidence": "Abstain below",
    "thread_prior": "Stance adapted to the thread's mix",
    "metrics": "Model check",
}


def _metrics_text(metrics: Mapping[str, Any]) -> str:
    """``name value`` pairs of the scalar metrics (at most six), for the run line."""
    parts = []
    for key, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        shown = f"{value:.2f}" if isinstance(value, float) else str(value)
        parts.append(f"{key.replace('_', ' ')} {shown}")
        if len(parts) == 6:
            break
    return ", ".join(parts)


def _run_items(run_meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The run facts shown in a page header; nested values other than metrics are left out."""
    items = []
    for key, value in run_meta.items():
        label = _RUN_LABELS.get(key, str(key).replace("_", " ").capitalize())
        if isinstance(value, Mapping):
            if key == "metrics" and (text := _metrics_text(value)):
                items.append((label, _e(text)))
            continue
        if isinstance(value, (list, tuple, set)):
            continue
        items.append((label, _e(value)))
    return items


# --- thread page ----------------------------------------------------------------------------------
_EXPLAIN = {
    "stance": (
        "Top: one dot per post in thread order, coloured by the stance the classifier gave it; "
        "paler dots are less confident. Bottom: among the last {w} posts that take a side, the "
        "share of each stance; dashed lines mark where the majority of that window changes."
    ),
    "sentiment": (
        "Grey dots: sentiment of each post (VADER compound, −1 very negative to +1 very positive). "
        "Black line: mean of the last {w} posts. Blue and red lines: the mean over the last {w} "
        "posts of sentences that name the US side and the Soviet side."
    ),
    "quotes": (
        "An arc joins each reply to the post it quotes. Green: both take the same side; purple: "
        "they take different sides; grey: at least one takes no side."
    ),
    "authors": (
        "One row per author, most active authors only, ordered by their first post. The grey line "
        "spans an author's first to last post; dots are their posts coloured by stance."
    ),
    "stance_sentiment": (
        "Left: how many posts have each stance and each overall sentiment. Right: within each "
        "stance, the mean sentiment of sentences naming the US side and the Soviet side."
    ),
}
_HEADINGS = {
    "stance": "Stance along the thread",
    "sentiment": "Sentiment along the thread",
    "quotes": "Quote links",
    "authors": "Author tracks",
    "stance_sentiment": "Stance and sentiment",
}


def _thread_body(thread: Mapping[str, Any], data: ThreadData, run_meta: Mapping[str, Any]) -> str:
    s = data.summary
    title = thread.get("title") or data.thread_id
    view = data.view
    dates = view["created"].drop_nulls()
    dated = f"{_e(dates.min())} to {_e(dates.max())}" if dates.len() else "not recorded"
    meta = [
        ("Thread", _e(data.thread_id)),
        ("Source file", _e(thread.get("source_path"))),
        ("Format", _e(thread.get("format"))),
        ("URL", _link(thread.get("url"))),
        ("Ingested", _e(thread.get("ingested_at"))),
        ("Posts dated", dated),
        *_run_items(run_meta),
    ]
    n = s.get("n_posts", data.n_posts) or 0
    n_cls = s.get("n_classified") or 0
    thirds = " → ".join(
        _e(_stance_name(s.get(k)))
        for k in ("dominant_first_third", "dominant_second_third", "dominant_last_third")
    )
    mq = s.get("most_quoted_post_id")
    if mq is not None:
        row = view.filter(pl.col("post_id") == mq).head(1).to_dicts()
        where = f"at position {row[0]['position']}" + (
            f" by {_e(row[0]['author'])}" if row and row[0].get("author") else ""
        ) if row else ""
        most = _card("Most quoted post", _e(mq), f"quoted by {s.get('most_quoted_count', 0)} posts {where}")
    else:
        most = _card("Most quoted post", "—", "no quote links")
    n_edges = data.edges.height
    cards = "".join(
        [
            _card("Posts", _e(n), f"{n_cls} take a side ({_pct(n_cls / n if n else None)})"),
            _card("Pro-US", _pct(s.get("share_pro_us")), "of all posts"),
            _card("Pro-USSR", _pct(s.get("share_pro_ussr")), "of all posts"),
            _card("Neutralist", _pct(s.get("share_neutralist")), "of all posts"),
            _card("No stance", _pct(s.get("share_none")), "of all posts"),
            _card("Majority by thirds", thirds, "first → middle → last third; — when no side leads", wide=True),
            _card("Majority changes", _e(s.get("n_change_points", 0)), f"rolling window of {data.window} posts"),
            _card(
                "Quote agreement",
                _pct(s.get("quote_agreement_rate")),
                f"of quote links where both sides take a stance; {n_edges} links in all",
            ),
            most,
            _card(
                "Mean sentiment",
                _signed(s.get("mean_sentiment")),
                f"toward US {_signed(s.get('mean_sentiment_us'))}, "
                f"toward USSR {_signed(s.get('mean_sentiment_ussr'))}",
            ),
        ]
    )
    sections = []
    names = list(_HEADINGS)
    present = build_names(data)
    for number, name in enumerate(names, start=1):
        head = f"<h2>{number}. {_HEADINGS[name]}</h2>"
        explain = f'<p class="explain">{_EXPLAIN[name].format(w=data.window)}</p>'
        if name in present:
            body = f'<div class="chart" id="chart-{name}"></div>'
        else:
            body = '<p class="note">This source does not record who wrote each post, so there are no author tracks.</p>'
        sections.append(f'<section class="panel" id="section-{name}">{head}{explain}{body}</section>')
    detail = (
        '<section class="panel" id="section-detail"><h2>6. Posts in the selected range</h2>'
        '<p class="explain">Drag across the dots of chart 1 to list the posts in that range; click '
        'outside the selection to clear it. Text is the post\'s own words (quotes removed), cut to '
        'an excerpt.</p><p id="detail-caption"></p><div class="detail-wrap"><table class="posts">'
        '<colgroup><col class="c-num"><col class="c-author"><col class="c-stance">'
        '<col class="c-conf"><col class="c-cues"><col></colgroup>'
        "<thead><tr><th>#</th><th>Author</th><th>Stance</th><th>Confidence</th><th>Cues</th>"
        '<th>Text</th></tr></thead><tbody id="detail-body"></tbody></table></div></section>'
    )
    crumbs = (
        f'<p class="crumbs"><a href="{INDEX_PAGE}">All threads</a> · '
        f'<a href="{EVALUATION_PAGE}">Model evaluation</a></p>'
    )
    footer = (
        f"<footer>Made by discourse {html.escape(__version__)}. This page is self-contained and "
        "works offline.</footer>"
    )
    return (
        f"<header>{crumbs}<h1>{_e(title)}</h1>{_meta_list(meta)}</header>"
        f'<section class="cards">{cards}</section>{"".join(sections)}{detail}{footer}'
    )


def build_names(data: ThreadData) -> list[str]:
    """Names of the charts a thread's page shows (``authors`` only when authors are known)."""
    return [n for n in _HEADINGS if n != "authors" or data.has_authors]


def _window_of(run_meta: Mapping[str, Any], window: int | None) -> int:
    if window is not None:
        return window
    value = run_meta.get("window") if run_meta else None
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_WINDOW


def write_thread_report(
    thread: Mapping[str, Any],
    posts: pl.DataFrame,
    quotes: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame] | None,
    out_dir: Path,
    run_meta: Mapping[str, Any],
    *,
    window: int | None = None,
) -> Path:
    """Write ``out_dir/<thread_id>.html`` for one thread and return its path.

    ``thread`` is a THREADS row as a dict; ``posts``/``quotes``/``classified``/``tables`` may
    hold other threads too (they are filtered). ``run_meta`` (e.g. ``model_version``,
    ``run_at``) is shown in the page header.
    """
    thread_id = str(thread[THREAD_ID])
    name = page_name(thread_id)
    data = prepare_thread(
        thread_id, posts, quotes, classified, tables, window=_window_of(run_meta, window)
    )
    blocks = [
        _ChartBlock(f"chart-{key}", plan, charts.BRUSH if key == "stance" else None)
        for key, plan in thread_plans(data).items()
    ]
    page = _render_page(
        title=str(thread.get("title") or thread_id),
        body_html=_thread_body(thread, data, run_meta),
        blocks=blocks,
        renderer="svg" if data.n_posts <= SVG_MAX_POSTS else "canvas",
        detail_columns=("position", "author", "stance", "confidence", "cues", "excerpt"),
    )
    return write_bytes_atomic(Path(out_dir) / name, page)


# --- index page -------------------------------------------------------------------------------------
def write_index(
    threads: pl.DataFrame,
    summaries: pl.DataFrame,
    out_dir: Path,
    run_meta: Mapping[str, Any],
) -> Path:
    """Write ``out_dir/index.html``: every thread with a link, a comparison chart, run facts."""
    threads = schema.conform(threads, schema.THREADS)
    summaries = schema.conform(summaries, schema.THREAD_SUMMARY)
    table = threads.join(summaries.drop("n_posts"), on=THREAD_ID, how="left").sort(THREAD_ID)
    rows = []
    for r in table.to_dicts():
        tid = r[THREAD_ID]
        try:
            href = url_quote(page_name(tid))
            title_html = f'<a href="{html.escape(href, quote=True)}">{_e(r.get("title") or tid)}</a>'
        except ValueError:
            title_html = _e(r.get("title") or tid)
        thirds = " → ".join(
            _e(_stance_name(r.get(k)))
            for k in ("dominant_first_third", "dominant_second_third", "dominant_last_third")
        )
        rows.append(
            "<tr>"
            f"<td>{title_html}<div class=\"s\">{_e(r.get('source_path'))}</div></td>"
            f"<td class=\"num\">{_e(r.get('n_posts'))}</td>"
            f"<td class=\"num\">{_pct(r.get('share_pro_us'))}</td>"
            f"<td class=\"num\">{_pct(r.get('share_pro_ussr'))}</td>"
            f"<td class=\"num\">{_pct(r.get('share_neutralist'))}</td>"
            f"<td class=\"num\">{_pct(r.get('share_none'))}</td>"
            f"<td>{thirds}</td>"
            f"<td class=\"num\">{_e(r.get('n_change_points'))}</td>"
            f"<td class=\"num\">{_pct(r.get('quote_agreement_rate'))}</td>"
            f"<td class=\"num\">{_signed(r.get('mean_sentiment'))}</td>"
            "</tr>"
        )
    head = (
        "<tr><th>Thread</th><th>Posts</th><th>Pro-US</th><th>Pro-USSR</th><th>Neutralist</th>"
        "<th>No stance</th><th>Majority by thirds</th><th>Changes</th><th>Quote agreement</th>"
        "<th>Sentiment</th></tr>"
    )
    has_threads = table.height > 0
    chart_html = (
        '<div class="chart" id="chart-comparison"></div>'
        if has_threads
        else '<p class="note">No threads yet.</p>'
    )
    body = (
        f'<header><p class="crumbs"><a href="{EVALUATION_PAGE}">Model evaluation</a></p>'
        f"<h1>Cold War alignment debates: all threads</h1>{_meta_list(_run_items(run_meta))}</header>"
        '<section class="panel"><h2>Threads</h2><p class="explain">Shares are of all posts in a '
        "thread. Majority by thirds: the most common side taken in the first, middle and last "
        "third of the thread. Changes: how often the rolling majority changes. Quote agreement: "
        "the share of quote links where reply and quoted post take the same side.</p>"
        f'<div class="detail-wrap"><table class="threads"><thead>{head}</thead><tbody>{"".join(rows)}</tbody>'
        "</table></div></section>"
        '<section class="panel"><h2>Threads compared</h2><p class="explain">Left: the share of '
        "posts with each stance. Right: mean sentiment of each thread, overall and in sentences "
        f"naming each side.</p>{chart_html}</section>"
        f"<footer>Made by discourse {html.escape(__version__)}. This page is self-contained and "
        "works offline.</footer>"
    )
    blocks = [_ChartBlock("chart-comparison", charts.comparison_plan(threads, summaries))] if has_threads else []
    page = _render_page(title="All threads", body_html=body, blocks=blocks)
    return write_bytes_atomic(Path(out_dir) / INDEX_PAGE, page)


# --- static images ----------------------------------------------------------------------------------
def export_images(
    thread: Mapping[str, Any],
    posts: pl.DataFrame,
    quotes: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame] | None,
    out_dir: Path,
    fmt: str = "png",
    *,
    run_meta: Mapping[str, Any] | None = None,
    scale: float = 2.0,
    window: int | None = None,
) -> list[Path]:
    """Write each chart of a thread as ``out_dir/<thread_id>-<chart>.<fmt>`` (png or svg)."""
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, got {fmt!r}")
    thread_id = str(thread[THREAD_ID])
    stem = page_name(thread_id).removesuffix(".html")
    data = prepare_thread(
        thread_id, posts, quotes, classified, tables, window=_window_of(run_meta or {}, window)
    )
    written = []
    version = _vl_version()
    for key, plan in thread_plans(data).items():
        spec = _spec(plan)
        # Images get the rows inline (vl-convert reads a spec, not a page).
        spec["datasets"] = {
            name: charts.json_safe(frame).to_dicts() for name, frame in plan.data.items()
        }
        path = Path(out_dir) / f"{stem}-{key}.{fmt}"
        if fmt == "png":
            written.append(write_bytes_atomic(path, vlc.vegalite_to_png(spec, vl_version=version, scale=scale)))
        else:
            written.append(write_text_atomic(path, vlc.vegalite_to_svg(spec, vl_version=version)))
    return written

