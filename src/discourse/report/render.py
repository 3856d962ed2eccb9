"""The one page renderer: thread, index and evaluation pages from Jinja2 templates.

A page is a template under ``templates/`` (each extends ``base.html.j2``) filled with plain
values, plus the page's charts. Hostile text (posts, author names, titles, ids) is shown as
text and runs nothing:

* the environment autoescapes every value, always (``autoescape=True``, not by file name), and
  the templates never switch it off; the only values placed unescaped are built here — the
  package's own CSS and JS, the chart library and the packed data block — wrapped in
  :class:`markupsafe.Markup` by this module;
* the data block is JSON packed by :data:`DATA_ENCODING` (raw DEFLATE, then base64): it holds
  only base64 characters, so neither ``</script>`` nor ``<!--`` can end or change it, and the
  text it carries reaches the page only as values ``static/page.js`` unpacks;
* data never becomes a Vega expression, a field name or markup: the detail list is built with
  ``textContent`` (``static/page.js``); tooltips are escaped by vega-tooltip;
* a Content-Security-Policy allows only the page's own script (by SHA-256 hash) and the chart
  library: the shared file through ``'self'`` (which Chromium matches for a sibling file of a
  ``file://`` page), or, on a standalone page, the inline copy by its hash. An injected inline
  script or event handler is refused even if escaping failed, and ``default-src 'none'``
  forbids every network fetch.

Charts: each chart's spec goes in without data; each dataset is written once, by name, in
column form straight from its Polars frame, and ``static/page.js`` hands the rows to the
charts that name it.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from typing import Any

import altair as alt
import jinja2
import orjson
import polars as pl
from markupsafe import Markup

from discourse import __version__, charts
from discourse.atomic import write_bytes_atomic
from discourse.report import assets
from discourse.report.folder import INLINE

#: Most rows the detail list shows at once.
DETAIL_LIMIT = 300

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


# --- the environment and the package files -----------------------------------------------------
@functools.cache
def environment() -> jinja2.Environment:
    """The Jinja2 environment of every page: package templates, autoescape always on, and an
    error (not an empty string) for a name the template uses but the page did not give."""
    return jinja2.Environment(
        loader=jinja2.PackageLoader("discourse.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@functools.cache
def static_text(name: str) -> str:
    """A file of the package's ``static/`` folder (read once per process)."""
    return (files("discourse.report") / "static" / name).read_text(encoding="utf-8")


def _sha256_source(text: str) -> str:
    """A CSP hash source for an inline script's text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


@functools.lru_cache(maxsize=4)
def script_hash(text: str) -> str:
    """:func:`_sha256_source` of ``text``, computed once per process for each script."""
    return _sha256_source(text)


def page_csp(script_sources: tuple[str, ...]) -> str:
    """The Content-Security-Policy of a page whose scripts are allowed by ``script_sources``.

    ``'unsafe-eval'`` because Vega compiles its expressions with ``Function``; styles inline
    because Vega's tooltip and vega-embed add ``style`` elements.
    """
    return (
        "default-src 'none'; "
        f"script-src {' '.join(script_sources)} 'unsafe-eval'; "
        "style-src 'unsafe-inline'; img-src data: blob:; font-src data:; "
        "connect-src 'none'; form-action 'none'; base-uri 'none'"
    )


# --- charts and the data block -----------------------------------------------------------------
@dataclass(frozen=True)
class ChartBlock:
    """One chart of a page: the element it is drawn in, its spec without data, its datasets by
    name, and the name of its brush selection (the detail list follows it)."""

    element_id: str
    spec: dict[str, Any]
    data: Mapping[str, pl.DataFrame]
    brush: str | None = None


def styled(config: Mapping[str, Any] | None) -> dict[str, Any]:
    """``config`` with :data:`PAGE_STYLE` merged in, one level deep (a new dict)."""
    out = dict(config or {})
    for key, value in PAGE_STYLE.items():
        old = out.get(key)
        out[key] = {**old, **value} if isinstance(value, dict) and isinstance(old, dict) else value
    return out


def plan_spec(plan: charts.ChartPlan) -> dict[str, Any]:
    """The plan's styled Vega-Lite spec without ``$schema`` and without its data.

    Not validated against the Vega-Lite schema here (that cost ~0.5 s per page); the chart
    tests validate every layout.
    """
    spec = plan.spec()
    spec["config"] = styled(spec.get("config"))
    return spec


def plan_block(element_id: str, plan: charts.ChartPlan, brush: str | None = None) -> ChartBlock:
    """A chart block from a :class:`discourse.charts.ChartPlan` (no Altair call per page)."""
    return ChartBlock(element_id, plan_spec(plan), plan.data, brush)


def altair_block(element_id: str, chart: alt.TopLevelMixin) -> ChartBlock:
    """A chart block from a full Altair chart: its inline datasets become page datasets."""
    spec = chart.to_dict()
    spec.pop("$schema", None)
    rows = spec.pop("datasets", {})
    spec["config"] = styled(spec.get("config"))
    data = {name: pl.DataFrame(values, infer_schema_length=None) for name, values in rows.items()}
    return ChartBlock(element_id, spec, data)


def _column(series: pl.Series) -> list[Any]:
    values = series.to_list()
    if series.dtype.is_float():  # JSON has no NaN or infinity
        return [v if v is None or math.isfinite(v) else None for v in values]
    return values


def columnar(frame: pl.DataFrame, *, finite: bool = True) -> dict[str, Any]:
    """A frame as column lists (every key written once), NaN and infinities as null.

    ``finite=False`` leaves NaN and infinities in the lists, for :func:`pack_json`, which
    writes them as null itself (a pass over every float column of a page saved).
    """
    values = [_column(series) if finite else series.to_list() for series in frame.iter_columns()]
    return {"columns": frame.columns, "n": frame.height, "values": values}


#: How a page's data block is packed (its ``data-encoding``): the JSON's UTF-8 bytes compressed
#: with raw DEFLATE, then base64. ``static/page.js`` unpacks it with the browser's
#: ``DecompressionStream``.
DATA_ENCODING = "deflate-raw;base64"
# Level 3: a thread page's data packs to about a third of its JSON (base64 included) for about
# half a millisecond; higher levels save a tenth more for twice the time.
_DEFLATE_LEVEL = 3


def pack_json(obj: Any) -> str:
    """``obj`` as JSON packed by :data:`DATA_ENCODING`: only base64 characters (letters,
    digits, ``+``, ``/``, ``=``), so nothing in it can end or change the element it sits in.

    The JSON is compact UTF-8 from orjson (several times faster than the standard library on
    a page's column lists); a value JSON cannot hold goes through ``str`` (dates and times
    included, as ``str`` writes them), and a NaN or infinity becomes ``null``.
    """
    data = orjson.dumps(obj, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS)
    packer = zlib.compressobj(_DEFLATE_LEVEL, zlib.DEFLATED, -15)  # negative window: raw DEFLATE
    return base64.b64encode(packer.compress(data) + packer.flush()).decode("ascii")


def unpack_json(packed: str) -> Any:
    """The value :func:`pack_json` packed (for tools and tests that read a page's data)."""
    return json.loads(zlib.decompress(base64.b64decode(packed, validate=True), -15).decode("utf-8"))


def page_data(
    blocks: list[ChartBlock], renderer: str, detail_columns: tuple[str, ...] | None
) -> dict[str, Any]:
    """The JSON data block: charts, datasets by name, and the detail list's settings.

    The detail list uses the first dataset that has every one of ``detail_columns``.
    """
    datasets: dict[str, dict[str, Any]] = {}
    chart_entries = []
    detail_name = None
    for block in blocks:
        for name, frame in block.data.items():
            if name not in datasets:
                datasets[name] = columnar(frame, finite=False)  # packed by pack_json
            if detail_columns and detail_name is None and set(detail_columns) <= set(frame.columns):
                detail_name = name
        chart_entries.append(
            {"id": block.element_id, "spec": block.spec, "datasets": list(block.data), "brush": block.brush}
        )
    data: dict[str, Any] = {"renderer": renderer, "datasets": datasets, "charts": chart_entries}
    if detail_columns:
        if detail_name is None:  # every post view has these columns; an empty one too
            detail_name = "__empty__"
            datasets[detail_name] = {"columns": list(detail_columns), "n": 0, "values": [[] for _ in detail_columns]}
        data["detail"] = {
            "dataset": detail_name,
            "limit": DETAIL_LIMIT,
            "colors": charts.STANCE_COLORS,
            "labels": charts.STANCE_LABELS,
        }
    return data


# --- pages -------------------------------------------------------------------------------------
def render_page(
    template: str,
    out_dir: Path,
    *,
    title: str,
    context: Mapping[str, Any],
    blocks: list[ChartBlock],
    standalone: bool = False,
    renderer: str = "svg",
    detail_columns: tuple[str, ...] | None = None,
) -> bytes:
    """Render ``templates/<template>`` for a page of ``out_dir``; return it as UTF-8.

    ``context`` holds the template's own values (plain text: the template escapes them).
    Without ``standalone`` the page loads the chart library from ``out_dir/assets/`` (written
    there first if missing); with it the page carries the library inline and needs no other
    file.
    """
    main_js = static_text("page.js")
    if standalone:
        bundle = assets.inline_bundle(out_dir)
        sources = (script_hash(bundle), script_hash(main_js))
        scripts = {"bundle_src": None, "bundle_inline": Markup(bundle), "scripts_note": INLINE}
    else:
        src = assets.ensure_bundle(out_dir)
        sources = ("'self'", script_hash(main_js))
        scripts = {"bundle_src": src, "bundle_inline": None, "scripts_note": src}
    text = environment().get_template(template).render(
        **context,
        **scripts,
        title=title,
        standalone=standalone,
        version=__version__,
        # Built here from constants and base64: no character that needs escaping in an attribute.
        csp=Markup(page_csp(sources)),
        css=Markup(static_text("page.css")),
        main_js=Markup(main_js),
        data_encoding=DATA_ENCODING,
        page_json=Markup(pack_json(page_data(blocks, renderer, detail_columns))),
    )
    return text.encode("utf-8")


def write_page(path: Path, page: bytes, *, durable: bool = True) -> Path:
    """Write a rendered page atomically (a reader never sees half a page); return its path.

    Thread pages are written in bulk with ``durable=False``: the run flushes them with one
    :func:`discourse.atomic.sync_to_disk` before its commit, and the page builder before the
    index that links them.
    """
    return write_bytes_atomic(path, page, durable=durable)
