"""Pages from the committed tables: the pages a run did not write itself, the index, orphans.

Thread pages of the files a run processes are written by the work on each batch of files
(:func:`discourse.pipeline.process_files`); what is left — pages gone missing for unchanged
threads, every page for ``discourse report``, the index — is written here from the database,
a batch of threads at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import polars as pl

from discourse import store
from discourse.atomic import sync_to_disk
from discourse.config import Settings
from discourse.schema import ANALYSIS_TABLES, INGEST_TABLES, METRIC_TABLES, N_POSTS, THREAD_ID

#: Posts read from the database per batch when stored threads are analysed or paged again.
READ_BATCH_POSTS = 50_000


def write_page(settings: Settings, part: dict[str, pl.DataFrame], run_meta: dict[str, Any]) -> Path:
    """Write one thread's page from its tables (``part``: every per-thread table of the thread)."""
    from discourse.report import write_thread_report

    return write_thread_report(
        part["threads"].row(0, named=True), part["posts"], part["classified"],
        {name: part[name] for name in METRIC_TABLES}, settings.reports_dir, run_meta,
        standalone=settings.standalone,
    )


def write_pages(
    settings: Settings, tables: dict[str, pl.DataFrame], run_meta: dict[str, Any]
) -> tuple[dict[str, Path], dict[str, str]]:
    """Write the page of every thread in ``tables`` (every per-thread table of those threads,
    many threads at once); return ``{thread_id: page}`` and ``{thread_id: reason}`` of the pages
    that could not be made."""
    from discourse.report import write_thread_reports

    return write_thread_reports(
        tables["threads"], tables["posts"], tables["classified"],
        {name: tables[name] for name in METRIC_TABLES}, settings.reports_dir, run_meta,
        standalone=settings.standalone,
    )


def write_stored_pages(settings: Settings, tables: dict[str, pl.DataFrame], run_meta: dict[str, Any]) -> list[Path]:
    """:func:`write_pages` for threads read back from the store, which were paged before: a page
    that cannot be made is a bug, not bad input, and raises RuntimeError naming the thread."""
    pages, errors = write_pages(settings, tables, run_meta)
    if errors:
        thread_id, reason = next(iter(errors.items()))
        raise RuntimeError(f"the page of thread {thread_id!r} could not be written: {reason}")
    return list(pages.values())


def build_reports(
    settings: Settings, db: store.Store, thread_ids: list[str] | None, run_meta: dict[str, Any] | None
) -> list[Path]:
    """Write the pages of the given threads (all when None) and the index; return their paths.

    Pages of threads absent from the store are deleted, so the reports folder matches it; so are
    temporary files that interrupted writes left behind.
    """
    from discourse.report import clean_temp_files, write_index

    clean_temp_files(settings.reports_dir)
    threads = db.read("threads")
    all_ids = threads[THREAD_ID].to_list()
    wanted = threads if thread_ids is None else threads.filter(pl.col(THREAD_ID).is_in(list(thread_ids)))
    written: list[Path] = []
    for batch in read_thread_batches(db, wanted, (*INGEST_TABLES, *ANALYSIS_TABLES)):
        written += write_stored_pages(settings, batch, run_meta or {})
    remove_orphan_reports(settings.reports_dir, set(all_ids))
    sync_to_disk()  # thread pages are written without an fsync each; flush them before the index
    summaries = db.read("thread_summary")
    written.append(write_index(threads, summaries, settings.reports_dir, run_meta or {}, standalone=settings.standalone))
    return written


def read_thread_batches(
    db: store.Store, threads: pl.DataFrame, tables: Iterable[str]
) -> Iterator[dict[str, pl.DataFrame]]:
    """The stored tables of the threads in ``threads`` (rows of the threads table), a batch of
    threads at a time (about READ_BATCH_POSTS posts)."""
    batch: list[str] = []
    posts = 0
    for thread_id, n_posts in threads.select(THREAD_ID, N_POSTS).iter_rows():
        batch.append(thread_id)
        posts += n_posts or 0
        if posts >= READ_BATCH_POSTS:
            yield {name: db.read(name, batch) for name in tables}
            batch, posts = [], 0
    if batch:
        yield {name: db.read(name, batch) for name in tables}


def remove_orphan_reports(reports_dir: Path, keep: set[str]) -> list[str]:
    """Delete thread pages whose thread is gone; keep the index and the evaluation page."""
    removed: list[str] = []
    if not reports_dir.is_dir():
        return removed
    for page in reports_dir.glob("*.html"):
        if page.stem in ("index", "evaluation") or page.stem in keep:
            continue
        page.unlink(missing_ok=True)
        removed.append(page.stem)
    return removed
