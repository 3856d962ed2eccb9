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
from discourse.schema import THREAD_ID

_SHARES = ("share_pro_us", "share_pro_ussr", "share_neutralist", "share_none")


def _row(r: Mapping[str, Any]) -> dict[str, Any]:
    """One thread's row of the table (plain text; the template escapes it)."""
    thread_id = r[THREAD_ID]
    try:
        href = url_quote(page_name(thread_id))
    except ValueError:  # an id that cannot be a file name has no page to link
        href = None
    return {
        "title": r.get("title") or thread_id,
        "href": href,
        "source_path": shown(r.get("source_path")),
        "quality": "; ".join(describe_quality(r)),
        "numbers": [shown(r.get("n_posts")), *(percent(r.get(k)) for k in _SHARES)],
        "thirds": thirds_text(r),
        "changes": shown(r.get("n_change_points")),
        "agreement": percent(r.get("quote_agreement_rate")),
        "sentiment": signed(r.get("mean_sentiment")),
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
    table = threads.join(summaries.drop("n_posts"), on=THREAD_ID, how="left").sort(THREAD_ID)
    context = {
        "meta": [meta_item(label, text) for label, text in run_items(run_meta)],
        "rows": [_row(r) for r in table.iter_rows(named=True)],
        "evaluation_href": evaluation_link(out_dir),
    }
    blocks = [plan_block("chart-comparison", charts.comparison_plan(threads, summaries))] if table.height else []
    page = render_page("index.html.j2", out_dir, title="All threads", context=context, blocks=blocks, standalone=standalone)
    return write_page(out_dir / INDEX_PAGE, page)
