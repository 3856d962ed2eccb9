"""Offline dashboards: a page per thread, an index page and the evaluation page, plus images.

This package is the only writer of pages under ``reports/``. Every page comes from one
renderer (:mod:`.render`: Jinja2 templates under ``templates/`` with autoescaping, the
package's ``static/page.css`` and ``static/page.js``) and opens from ``file://`` with
networking off, making no request. By default a page loads Vega, Vega-Lite and vega-embed from
one shared file, ``reports/assets/vega-….js``, written once per reports folder
(:mod:`.assets`); a standalone page (``--standalone``) carries them inline and is a single file
to share. ``docs/dashboards.md`` describes the pages for readers.

Modules: :mod:`.thread` (thread pages and their chart data), :mod:`.index`,
:mod:`.evaluation`, :mod:`.images` (PNG/SVG export), :mod:`.render`, :mod:`.assets`,
:mod:`.folder` (page names, stale pages, leftovers), :mod:`.formatting`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from discourse.report.evaluation import write_evaluation_page
    from discourse.report.folder import EVALUATION_PAGE, INDEX_PAGE, clean_temp_files, page_is_current, page_name
    from discourse.report.formatting import run_items
    from discourse.report.images import IMAGE_FORMATS, export_images
    from discourse.report.index import write_index
    from discourse.report.render import PAGE_STYLE, columnar, pack_json, unpack_json
    from discourse.report.thread import (
        ThreadData,
        build_names,
        build_thread_charts,
        prepare_thread,
        prepare_threads,
        thread_plans,
        write_thread_report,
        write_thread_reports,
    )

#: Where each public name lives. Imported on first use: a run that only checks which pages are
#: current (``page_is_current``) must not pay for importing Altair and vl-convert.
_HOMES = {
    "EVALUATION_PAGE": "folder",
    "INDEX_PAGE": "folder",
    "clean_temp_files": "folder",
    "page_is_current": "folder",
    "page_name": "folder",
    "run_items": "formatting",
    "IMAGE_FORMATS": "images",
    "export_images": "images",
    "write_index": "index",
    "write_evaluation_page": "evaluation",
    "PAGE_STYLE": "render",
    "columnar": "render",
    "pack_json": "render",
    "unpack_json": "render",
    "ThreadData": "thread",
    "build_names": "thread",
    "build_thread_charts": "thread",
    "prepare_thread": "thread",
    "prepare_threads": "thread",
    "thread_plans": "thread",
    "write_thread_report": "thread",
    "write_thread_reports": "thread",
    # Private names that tests/test_stance_train.py and tests/test_charts.py import.
    "_run_items": "formatting:run_items",
    "_columnar": "render:columnar",
}

__all__ = sorted(name for name in _HOMES if not name.startswith("_"))


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module, _, attribute = home.partition(":")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute or name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_HOMES))
