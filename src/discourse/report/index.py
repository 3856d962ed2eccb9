"""The index page: every thread with a link and its figures, a comparison chart, run facts."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import quote as url_quote

import polars as pl

from discourse import charts, schema
from discourse.ingest.quality import describe_quality
from discourse.report.folder import INDEX_PAGE, evaluation_link, page_name
from discourse.report.formatting import meta_item, percent, run_items, shown, signed
from discourse.report.render import plan_block, render_page, write_page
from discourse.report.thread import thirds_text
from discourse.schema import (
    MEAN_SENTIMENT,
    N_CHANGE_POINTS,
    N_POSTS,
    QUOTE_AGREEMENT_RATE,
    SHARE_NEUTRALIST,
    SHARE_NONE,
    SHARE_PRO_US,
    SHARE_PRO_USSR,
    SOURCE_PATH,
    THREAD_ID,
    TITLE,
)

_SHARES = (SHARE_PRO_US, SHARE_PRO_USSR, SHARE_NEUTRALIST, SHARE_NONE)


def _row(r: Mapping[str, Any]) -> dict[str, Any]:
    """One thread's row of the table (plain text; the template escapes it)."""
    thread_id = r[THREAD_ID]
    try:
        href = url_quote(page_name(thread_id))
    except ValueError:  # an id that cannot be a file name has no page to link
        href = None
    return {
        "title": r.get(TITLE) or thread_id,
        "href": href,
        "source_path": shown(r.get(SOURCE_PATH)),
        "quality": "; ".join(describe_quality(r)),
        "numbers": [shown(r.get(N_POSTS)), *(percent(r.get(k)) for k in _SHARES)],
        "thirds": thirds_text(r),
        "changes": shown(r.get(N_CHANGE_POINTS)),
        "agreement": percent(r.get(QUOTE_AGREEMENT_RATE)),
        "sentiment": signed(r.get(MEAN_SENTIMENT)),
    }


def write_index(
    threads: pl.DataFrame,
    summaries: pl.DataFrame,
    out_dir: Path,
    run_meta: Mapping[str, Any],
    *,
    standalone: bool = False,
) -> Path:
    """Write ``out_dir/index.html``: every thread with a link, a comparison chart, run facts.

    The page links to the evaluation page only when ``out_dir`` holds one.
    """
    out_dir = Path(out_dir)
    threads = schema.conform(threads, schema.THREADS)
    summaries = schema.conform(summaries, schema.THREAD_SUMMARY)
    table = threads.join(summaries.drop(N_POSTS), on=THREAD_ID, how="left").sort(THREAD_ID)
    context = {
        "meta": [meta_item(label, text) for label, text in run_items(run_meta)],
        "rows": [_row(r) for r in table.iter_rows(named=True)],
        "evaluation_href": evaluation_link(out_dir),
    }
    blocks = [plan_block("chart-comparison", charts.comparison_plan(threads, summaries))] if table.height else []
    page = render_page("index.html.j2", out_dir, title="All threads", context=context, blocks=blocks, standalone=standalone)
    return write_page(out_dir / INDEX_PAGE, page)
