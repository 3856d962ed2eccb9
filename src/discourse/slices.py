"""The CLI's ``ingest``, ``classify`` and ``report`` commands: slices of the run sequence.

Each is built from the steps of :mod:`discourse.pipeline` — the work on batches of files, the
analysis of ingest tables, one transaction, the pages — applied to a different input: files
named on the command line, or the threads already stored.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema, store
from discourse.config import Settings
from discourse.executors import InProcess
from discourse.ingest.run import find_raw_files, split_by_thread
from discourse.models import load_model, model_metadata, run_metadata
from discourse.pages import build_reports, read_thread_batches, write_stored_pages
from discourse.pipeline import (
    BatchOutcome,
    FileBatch,
    FileJob,
    Progress,
    RunSummary,
    analyse_tables,
    batch_entries,
    collect_outcomes,
    ingest_report_frame,
    process_files,
)
from discourse.plan import RunPlan
from discourse.schema import SOURCE_PATH, THREAD_ID, THREAD_IDS


def ingest_files(
    settings: Settings, paths: list[Path], *, progress: Callable[[str], None] | None = None
) -> RunSummary:
    """Ingest every file under ``paths`` (no model): store their threads, posts and quotes.

    Each file's threads replace their earlier rows in every table (their classification and
    metrics included) and the manifest forgets the files that named them, so the next
    ``discourse run`` analyses them again. The ingest report lists this run's files.
    """
    started = time.perf_counter()
    with store.run_lock(settings.processed_dir):
        store.clean_leftovers(settings.processed_dir)
        with store.open_store(settings.processed_dir) as db:
            stored = db.read("threads").select(SOURCE_PATH, THREAD_ID)
            outputs = (settings.processed_dir, settings.reports_dir, settings.models_dir)
            entries = find_raw_files(paths, exclude=outputs, previous_ids=_file_ids(stored))
            summary = RunSummary(plan=RunPlan(model_version="", to_process=entries))
            job = FileJob(settings, datetime.now(UTC))
            with db.transaction() as tx:
                # The listed files' stored threads go in one statement per table; a thread id
                # a file brings back that another source held is removed as it arrives.
                sources = {entry.source_path for entry in entries}
                removed = {t for source, t in stored.iter_rows() if source in sources}
                tx.remove_threads(removed)
                held = set(stored[THREAD_ID]) - removed
                batches = batch_entries(entries)
                outcomes = _replacing(InProcess().map("process-files", process_files, job, batches), tx, held)
                collect_outcomes(summary, outcomes, tx, {}, None if progress is None else lambda path, *_: progress(path))
                new_ids = [t for result in summary.results for t in result.thread_ids]
                manifest = tx.read("manifest")
                named = pl.col(THREAD_IDS).list.eval(pl.element().is_in(new_ids)).list.any().fill_null(False)
                tx.replace_table("manifest", manifest.filter(~named))
                tx.replace_table("ingest_report", ingest_report_frame(summary.results, job.checked_at))
    summary.seconds = time.perf_counter() - started
    return summary


def _replacing(
    outcomes: Iterator[tuple[FileBatch, BatchOutcome]], tx: store.Transaction, held: set[str]
) -> Iterator[tuple[FileBatch, BatchOutcome]]:
    """Pass each outcome on, first removing the stored threads in ``held`` that it brings back."""
    for batch, outcome in outcomes:
        taken = held.intersection(t for file in outcome.files for t in file.result.thread_ids)
        if taken:
            tx.remove_threads(taken)
            held -= taken
        yield batch, outcome


def _file_ids(stored: pl.DataFrame) -> dict[str, str]:
    """Source path -> file id of the stored threads (keeps ids stable across runs)."""
    from discourse.names import file_id_of

    return {source: file_id_of(thread_id) for source, thread_id in stored.iter_rows() if source and thread_id}


class ClassifyError(RuntimeError):
    """A stored thread could not be classified; nothing was changed."""


def classify_stored(settings: Settings, *, progress: Progress | None = None) -> tuple[int, int, dict[str, Any]]:
    """Classify and measure every stored thread again with the current model; no pages.

    Returns (threads, posts, model metadata). All threads are replaced in one transaction; when
    one fails, :class:`ClassifyError` names it and nothing is changed. The manifest is left as it is: a later
    ``discourse run`` decides from the run version whether its files need processing again.
    """
    with store.run_lock(settings.processed_dir), store.open_store(settings.processed_dir) as db:
        threads = db.read("threads")
        if threads.is_empty():
            raise FileNotFoundError(f"no ingested threads in {settings.processed_dir}; run 'discourse ingest' first")
        model, metadata = load_model(settings)
        job = FileJob(settings, datetime.now(UTC), model)
        posts = done = 0
        with db.transaction() as tx:
            for batch in read_thread_batches(db, threads, schema.INGEST_TABLES):
                tables, failed, _pages = analyse_tables(job, batch)
                if failed:  # rolls the transaction back: a failed thread never loses its posts
                    raise ClassifyError("; ".join(f"{t}: {reason}" for t, reason in failed.items()))
                ids = batch["threads"][schema.THREAD_ID].to_list()
                tx.remove_threads(ids, schema.ANALYSIS_TABLES)
                tx.append({name: tables[name] for name in schema.ANALYSIS_TABLES})
                posts += tables["posts"].height
                done += len(ids)
                if progress is not None:
                    progress(ids[-1], done, threads.height)
    return threads.height, posts, metadata


def report_stored(settings: Settings) -> list[Path]:
    """Measure every stored thread again (``settings.window``), store the metric tables, and
    write every thread's page and the index."""
    with store.run_lock(settings.processed_dir), store.open_store(settings.processed_dir) as db:
        thread_ids = db.thread_ids()
        if not thread_ids:
            raise FileNotFoundError(f"no ingested threads in {settings.processed_dir}; run 'discourse ingest' first")
        classified = set(db.read("classified")[schema.THREAD_ID].unique().to_list())
        missing = [t for t in thread_ids if t not in classified]
        if missing:
            raise ValueError(
                f"{len(missing)} thread(s) are not classified yet (e.g. {missing[0]}); run 'discourse classify' first"
            )
        from discourse.shifts import compute_shifts

        run_meta = run_metadata(model_metadata(settings), settings)
        pages: list[Path] = []
        with db.transaction() as tx:
            for batch in read_thread_batches(db, db.read("threads"), (*schema.INGEST_TABLES, "classified")):
                metrics = compute_shifts(batch["posts"], batch["quotes"], batch["classified"], window=settings.window)
                tx.remove_threads(batch["threads"][schema.THREAD_ID], schema.METRIC_TABLES)
                tx.append(metrics)
                pages += write_stored_pages(settings, batch | metrics, run_meta)
        return pages + build_reports(settings, db, [], run_meta)


def export_images(settings: Settings, fmt: str) -> list[Path]:
    """Export every chart of every stored thread as PNG or SVG files beside the pages."""
    from discourse.report import export_images as export_thread_images

    written: list[Path] = []
    with store.run_lock(settings.processed_dir), store.open_store(settings.processed_dir) as db:
        for batch in read_thread_batches(db, db.read("threads"), (*schema.INGEST_TABLES, *schema.ANALYSIS_TABLES)):
            for part in split_by_thread(batch).values():
                written += export_thread_images(
                    part["threads"].row(0, named=True), part["posts"], part["classified"],
                    {name: part[name] for name in schema.METRIC_TABLES}, settings.reports_dir / "images", fmt=fmt,
                )
    return written
