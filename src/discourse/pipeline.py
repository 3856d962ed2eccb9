"""The run: plan → ingest and analysis by batches of files → one commit → pages → evaluation.

:func:`run_pipeline` is the only place that knows the order of a run. It hands every step to an
executor (:mod:`discourse.executors`): in-process by default, Prefect tasks in the flow, Dask
workers behind Prefect. The unit of work (:func:`process_files`) reads a batch of raw files
(:func:`batch_entries`) one by one, classifies and measures all their posts in one batch, writes
their threads' pages and returns their tables; only the process running the sequence writes the
database, in one transaction for the whole run, with the manifest and the ingest report
(:mod:`discourse.store`).

The CLI's ``ingest``, ``classify`` and ``report`` commands are slices of the same sequence
(:mod:`discourse.slices`), built from the same steps.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema, store
from discourse.atomic import sync_to_disk
from discourse.config import Settings
from discourse.executors import Executor, InProcess
from discourse.heap import release_memos, settled_heap
from discourse.ingest.build import FileIngest, list_thread_warnings
from discourse.ingest.quality import QUALITY_COLUMNS
from discourse.ingest.records import Notice
from discourse.ingest.run import RawEntry, read_entry, split_by_thread
from discourse.labels import LabelFileError
from discourse.model_evaluation import evaluate_model, evaluation_is_stale
from discourse.models import known_model_version, load_model, run_metadata
from discourse.names import check_thread_id
from discourse.pages import build_reports, write_page, write_pages
from discourse.plan import RunPlan, plan_run, run_version
from discourse.schema import (
    FORMAT,
    LINE,
    MODEL_VERSION,
    N_POSTS,
    N_THREADS,
    PROCESSED_AT,
    REASON,
    SOURCE_PATH,
    SOURCE_SHA256,
    STATUS,
    THREAD_IDS,
)

Progress = Callable[[str, int, int], None]


@dataclass
class RunSummary:
    """What a run did, for the CLI's exit status, the flow's artifacts and the logs."""

    plan: RunPlan
    results: list[FileIngest] = field(default_factory=list)
    thread_errors: dict[str, str] = field(default_factory=dict)
    reports: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    evaluation_error: str | None = None  # why the evaluation page could not be refreshed

    @property
    def failed_files(self) -> list[FileIngest]:
        return [r for r in self.results if not r.ok]

    @property
    def processed_threads(self) -> list[str]:
        return [t for r in self.results if r.ok for t in r.thread_ids if t not in self.thread_errors]

    @property
    def n_posts(self) -> int:
        return sum(r.n_posts for r in self.results if r.ok)

    @property
    def ok(self) -> bool:
        return not self.failed_files and not self.thread_errors

    @property
    def thread_warnings(self) -> list[str]:
        """One line per thread read this run that looks wrong (most posts without own text).

        Warnings do not make a run fail: the thread is stored and shown, with the counts.
        """
        return list_thread_warnings(self.results)


@dataclass(frozen=True)
class FileJob:
    """What the work on a batch needs besides its files: picklable, shared by every batch of a run.

    ``model`` None ingests only; ``run_meta`` None writes no pages.
    """

    settings: Settings
    checked_at: datetime
    model: Any = None
    run_meta: dict[str, Any] | None = None


#: A batch of files is analysed together up to about this many raw bytes (classifying and
#: measuring costs milliseconds per call before any work, so a call per thread of twenty posts
#: would cost more than its posts do) ...
BATCH_BYTES = 2 * 1024 * 1024
#: ... and up to this many files.
BATCH_FILES = 256


@dataclass(frozen=True)
class FileBatch:
    """Raw files that one unit of work reads one by one and then analyses together."""

    entries: tuple[RawEntry, ...]

    @property
    def label(self) -> str:
        """The first file's name, and how many more: what logs and task-run names show."""
        first = self.entries[0].source_path
        return first if len(self.entries) == 1 else f"{first} and {len(self.entries) - 1} more"


@dataclass
class FileOutcome:
    """One file's result: the read outcome (tables released), its failed threads, its pages."""

    result: FileIngest
    thread_errors: dict[str, str] = field(default_factory=dict)
    pages: list[Path] = field(default_factory=list)


@dataclass
class BatchOutcome:
    """A batch's files' outcomes, in the batch's order, and the rows of all of them to store."""

    files: list[FileOutcome]
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)


#: A file read for analysis: its outcome and its tables.
_Read = tuple[FileOutcome, dict[str, pl.DataFrame]]


def batch_entries(
    entries: list[RawEntry], *, max_bytes: int | None = None, max_files: int | None = None
) -> list[FileBatch]:
    """Cut ``entries`` into consecutive batches of at most ``max_files`` files and about
    ``max_bytes`` raw bytes (a larger file is a batch of its own), in their order; the limits
    default to :data:`BATCH_BYTES` and :data:`BATCH_FILES`.

    The batches depend on the files alone, never on the executor, so every executor hands the
    same units of work to the same function.
    """
    max_bytes = BATCH_BYTES if max_bytes is None else max_bytes
    max_files = BATCH_FILES if max_files is None else max_files
    batches: list[FileBatch] = []
    current: list[RawEntry] = []
    held = 0
    for entry in entries:
        size = _size(entry)
        if current and (held + size > max_bytes or len(current) >= max_files):
            batches.append(FileBatch(tuple(current)))
            current, held = [], 0
        current.append(entry)
        held += size
    if current:
        batches.append(FileBatch(tuple(current)))
    return batches


def _size(entry: RawEntry) -> int:
    """The file's size in bytes; 0 for what cannot be read (its read reports why)."""
    if entry.problem is not None:
        return 0
    try:
        return entry.path.stat().st_size
    except OSError:
        return 0


# --- the work on a batch of files --------------------------------------------------------------------
def process_files(job: FileJob, batch: FileBatch) -> BatchOutcome:
    """Read each file of ``batch``; with a model, classify and measure all their threads in one
    batch and write their pages.

    A file that cannot be read fails alone. A thread whose analysis or page fails is left out of
    the returned tables and named in its file's ``thread_errors``; the other threads are kept.
    An ``OSError`` (the disk, not the data) propagates so that the run stops and the next run
    redoes the files.
    """
    files: list[FileOutcome] = []
    read: list[_Read] = []
    for entry in batch.entries:
        outcome, tables = _read_file(job, entry)
        files.append(outcome)
        if tables:
            read.append((outcome, tables))
    if job.model is None:
        return BatchOutcome(files, _concat_tables([tables for _, tables in read]))
    stored = []
    for group in _disjoint_groups(read):
        tables, errors, pages = analyse_tables(job, _concat_tables([tables for _, tables in group]))
        stored.append(tables)
        for outcome, _ in group:
            ids = outcome.result.thread_ids
            outcome.thread_errors = {t: errors[t] for t in ids if t in errors}
            outcome.pages = [pages[t] for t in ids if t in pages]
    return BatchOutcome(files, _concat_tables(stored))


def _read_file(job: FileJob, entry: RawEntry) -> _Read:
    """Read one raw file: its outcome, and its tables (empty when it failed)."""
    settings = job.settings
    result = read_entry(
        entry,
        fmt=settings.fmt,
        columns=settings.columns or None,
        max_bytes=settings.max_bytes,
        now=job.checked_at,
        base_url=settings.base_url,
    )
    tables = result.tables
    try:
        for thread_id in result.thread_ids:
            check_thread_id(thread_id)
    except ValueError as error:  # never made by discourse.names; one bad id fails its file alone
        result.error, result.tables, tables = str(error), {}, {}
    result.release()
    return FileOutcome(result), tables if result.ok else {}


def _disjoint_groups(read: list[_Read]) -> list[list[_Read]]:
    """The read files in groups whose thread ids do not overlap, in order: files that name the
    same thread are never analysed as one (the store refuses such a run at its commit)."""
    groups: list[list[_Read]] = []
    seen: list[set[str]] = []
    for item in read:
        ids = set(item[0].result.thread_ids)
        for group, taken in zip(groups, seen, strict=True):
            if taken.isdisjoint(ids):
                group.append(item)
                taken |= ids
                break
        else:
            groups.append([item])
            seen.append(ids)
    return groups


def analyse_tables(
    job: FileJob, tables: dict[str, pl.DataFrame]
) -> tuple[dict[str, pl.DataFrame], dict[str, str], dict[str, Path]]:
    """Classify and measure the threads in ``tables`` (ingest tables), then write their pages.

    All posts are scored in one batch; when that fails, each thread is scored alone so that one
    bad thread costs only itself. Returns the ingest and analysis tables of the threads that
    succeeded, ``{thread_id: reason}`` of the others, and ``{thread_id: page}`` of the pages
    written.
    """
    errors: dict[str, str] = {}
    try:
        out = _analyse(job, tables)
    except OSError:
        raise
    except Exception:  # noqa: BLE001 - find the thread that fails; the others go on
        kept = []
        for thread_id, part in split_by_thread(tables).items():
            try:
                kept.append(_analyse(job, part))
            except OSError:
                raise
            except Exception as error:  # noqa: BLE001 - one bad thread must not stop the run
                errors[thread_id] = f"{type(error).__name__}: {error}"
        out = _concat_tables(kept, tables)
    pages: dict[str, Path] = {}
    if job.run_meta is not None:
        pages = _write_pages(job, out, errors)
    if errors:
        failed = list(errors)
        out = {name: frame.filter(~pl.col(schema.THREAD_ID).is_in(failed)) for name, frame in out.items()}
    return out, errors, pages


def _analyse(job: FileJob, tables: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    from discourse.classify import classify_posts
    from discourse.shifts import compute_shifts

    posts, quotes = tables["posts"], tables["quotes"]
    classified = classify_posts(posts, quotes, job.model)
    metrics = compute_shifts(posts, quotes, classified, window=job.settings.window)
    return {name: tables[name] for name in schema.INGEST_TABLES} | {"classified": classified, **metrics}


def _concat_tables(
    parts: list[dict[str, pl.DataFrame]], like: dict[str, pl.DataFrame] | None = None
) -> dict[str, pl.DataFrame]:
    """The tables of ``parts`` one after the other; with no parts, ``like``'s ingest tables emptied."""
    if len(parts) == 1:
        return parts[0]
    if not parts:
        return {name: frame.clear() for name, frame in (like or {}).items() if name in schema.INGEST_TABLES}
    return {name: pl.concat([part[name] for part in parts], how="vertical_relaxed") for name in parts[0]}


def _write_pages(job: FileJob, tables: dict[str, pl.DataFrame], errors: dict[str, str]) -> dict[str, Path]:
    """Write one page per thread in ``tables``; a page that fails is recorded in ``errors``."""
    try:
        pages, failed = write_pages(job.settings, tables, job.run_meta or {})
    except OSError:
        raise
    except Exception:  # noqa: BLE001 - the batch's chart data failed: page each thread alone
        pages, failed = {}, {}
        for thread_id, part in split_by_thread(tables).items():
            try:
                pages[thread_id] = write_page(job.settings, part, job.run_meta or {})
            except OSError:
                raise
            except Exception as error:  # noqa: BLE001 - one bad page must not stop the run
                failed[thread_id] = f"{type(error).__name__}: {error}"
    errors.update(failed)
    return pages


# --- the run ----------------------------------------------------------------------------------------
def run_pipeline(
    settings: Settings,
    *,
    force: bool = False,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> RunSummary:
    """Run every stage, in order, under the processed folder's lock; return what was done.

    Nothing is written when the plan finds nothing to do. Otherwise the changed files are
    processed (``executor.map``), their tables committed with the manifest and the ingest report
    in one transaction, the Parquet exports switched, then the missing pages, the index and, when
    the labels or the model changed, the evaluation page are written.
    """
    started = time.perf_counter()
    run = executor or InProcess()
    with store.run_lock(settings.processed_dir):
        store.clean_leftovers(settings.processed_dir)
        with store.open_store(settings.processed_dir) as db:
            model, metadata, plan = _load_and_plan(run, settings, db, force)
            summary = RunSummary(plan=plan)
            if plan.nothing_to_do:
                summary.seconds = time.perf_counter() - started
                return summary
            job = FileJob(settings, datetime.now(UTC), model, run_metadata(metadata, settings))
            with db.transaction() as tx, settled_heap() as settle:  # full GC scans stay small
                tx.remove_threads([*plan.replaced_threads, *plan.removed_threads])
                outcomes = run.map("process-files", process_files, job, batch_entries(plan.to_process))
                collect_outcomes(summary, outcomes, tx, plan.hashes, progress, settle)
                release_memos()  # the commit and the export need the memory more
                run.stage("record-run", record_run, tx, plan, summary, job.checked_at)
            summary.reports += run.stage("build-reports", build_reports, settings, db, plan.stale_reports, job.run_meta)
        if plan.evaluation_stale:
            try:
                summary.reports += run.stage("evaluate-model", _evaluate, settings, metadata)
            except LabelFileError as error:  # a bad label file costs the evaluation page, not the run
                summary.evaluation_error = str(error)
    summary.seconds = time.perf_counter() - started
    return summary


def plan_only(settings: Settings) -> RunSummary:
    """Plan a run without doing it: what ``discourse run`` checks before it starts Prefect."""
    started = time.perf_counter()
    with store.run_lock(settings.processed_dir), store.open_store(settings.processed_dir) as db:
        version = known_model_version(settings)
        metadata = {"model_version": version} if version else load_model(settings)[1]
        plan = _plan(settings, db, run_version(metadata, settings), False, metadata)
    return RunSummary(plan=plan, seconds=time.perf_counter() - started)


def _load_and_plan(
    run: Executor, settings: Settings, db: store.Store, force: bool
) -> tuple[Any, dict[str, Any], RunPlan]:
    """The run's model and plan. When the model's version is known without loading it
    (:func:`discourse.models.known_model_version`) the plan comes first, and a run with nothing
    to do never loads the model (the model is None then)."""
    version = None if force else known_model_version(settings)
    if version is not None:
        metadata: dict[str, Any] = {"model_version": version}
        plan = run.stage("plan-run", _plan, settings, db, run_version(metadata, settings), force, metadata)
        if plan.nothing_to_do:
            return None, metadata, plan
    model, metadata = run.stage("load-model", load_model, settings)
    if metadata["model_version"] != version:  # not known, or it changed after all: plan with it
        plan = run.stage("plan-run", _plan, settings, db, run_version(metadata, settings), force, metadata)
    return model, metadata, plan


def _plan(settings: Settings, db: store.Store, version: str, force: bool, metadata: dict[str, Any]) -> RunPlan:
    plan = plan_run(settings, version, db.read("manifest"), set(db.thread_ids()), force=force)
    plan.evaluation_stale = evaluation_is_stale(settings, metadata)
    return plan


def _evaluate(settings: Settings, metadata: dict[str, Any]) -> list[Path]:
    return evaluate_model(settings, metadata)[1]


def collect_outcomes(
    summary: RunSummary,
    outcomes: Iterator[tuple[FileBatch, BatchOutcome | BaseException]],
    tx: store.Transaction,
    hashes: dict[str, str],
    progress: Progress | None,
    settle: Callable[[], None] = lambda: None,
) -> None:
    """Store each batch's outcome as it arrives; a crashed unit counts as failed files."""
    total = len(summary.plan.to_process)
    done = 0
    for batch, outcome in outcomes:
        if isinstance(outcome, BaseException):
            reason = f"{type(outcome).__name__}: {outcome}"
            failed = [FileIngest(e.source_path, hashes.get(e.source_path), None, error=reason) for e in batch.entries]
            outcome = BatchOutcome([FileOutcome(result) for result in failed])
        for file in outcome.files:
            summary.results.append(file.result)
            summary.thread_errors.update(file.thread_errors)
            summary.reports += file.pages
        tx.append(outcome.tables)
        del outcome
        settle()
        if progress is not None:
            for entry in batch.entries:
                done += 1
                progress(entry.source_path, done, total)


def record_run(tx: store.Transaction, plan: RunPlan, summary: RunSummary, now: datetime) -> None:
    """Put the manifest and the ingest report in the run's transaction (committed with its tables)."""
    rows = [dict(row) for row in plan.unchanged]
    for result in summary.results:
        failed_threads = [t for t in result.thread_ids if t in summary.thread_errors]
        reason = result.error or (
            "; ".join(f"{t}: {summary.thread_errors[t]}" for t in failed_threads) if failed_threads else None
        )
        rows.append(
            {
                SOURCE_PATH: result.source_path,
                SOURCE_SHA256: result.source_sha256 or plan.hashes.get(result.source_path),
                THREAD_IDS: [t for t in result.thread_ids if t not in summary.thread_errors],
                MODEL_VERSION: plan.model_version,
                STATUS: "ok" if reason is None else "failed",
                REASON: reason,
                PROCESSED_AT: now,
            }
        )
    manifest = pl.DataFrame(rows, schema=schema.MANIFEST, orient="row") if rows else schema.empty(schema.MANIFEST)
    # Pages were written without an fsync each; make them durable before the manifest that
    # says they are done is committed.
    sync_to_disk()
    tx.replace_table("manifest", manifest)
    tx.replace_table("ingest_report", _ingest_report(tx, plan, summary.results, now))


def _ingest_report(tx: store.Transaction, plan: RunPlan, results: list[FileIngest], now: datetime) -> pl.DataFrame:
    """This run's files, and the unchanged files' rows of the last report with their stored counts."""
    unchanged = {row[SOURCE_PATH] for row in plan.unchanged}
    earlier = tx.read("ingest_report") if unchanged else schema.empty(schema.INGEST_REPORT)
    notices = _earlier_notices(earlier, unchanged)
    carried = [
        FileIngest(row[SOURCE_PATH], row[SOURCE_SHA256], None, error=row[REASON], notices=notices.get(row[SOURCE_PATH], []))
        for row in plan.unchanged
    ]
    report = ingest_report_frame([*results, *carried], now)
    ok_unchanged = {row[SOURCE_PATH] for row in plan.unchanged if row[STATUS] == "ok"}
    if not ok_unchanged:
        return report
    counts = tx.read("threads").group_by(SOURCE_PATH).agg(
        pl.len().alias("_threads"), pl.col(N_POSTS).sum().alias("_posts"), pl.col(FORMAT).first().alias("_format"),
        # null when the stored threads do not have the count (a table written before it existed)
        *[pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(f"_{c}") for c in QUALITY_COLUMNS],
    )
    is_unchanged = pl.col(SOURCE_PATH).is_in(list(ok_unchanged)) & ~pl.col(STATUS).is_in(schema.REPORT_PROBLEMS)
    return (
        report.join(counts, on=SOURCE_PATH, how="left", maintain_order="left")
        .with_columns(
            pl.when(is_unchanged).then(pl.lit("unchanged")).otherwise(pl.col(STATUS)).alias(STATUS),
            pl.when(is_unchanged).then(pl.col("_threads").fill_null(0)).otherwise(pl.col(N_THREADS)).alias(N_THREADS),
            pl.when(is_unchanged).then(pl.col("_posts").fill_null(0)).otherwise(pl.col(N_POSTS)).alias(N_POSTS),
            pl.col(FORMAT).fill_null(pl.col("_format")),
            *[pl.when(is_unchanged).then(pl.col(f"_{c}")).otherwise(pl.col(c)).alias(c) for c in QUALITY_COLUMNS],
        )
        .sort(SOURCE_PATH, maintain_order=True)  # a file's row stays before its problems' rows
        .select(list(schema.INGEST_REPORT))
    )


def _earlier_notices(report: pl.DataFrame, sources: set[str]) -> dict[str, list[Notice]]:
    """The bad rows and warnings the last report listed for files that are not read again."""
    earlier = report.filter(pl.col(STATUS).is_in(schema.REPORT_PROBLEMS) & pl.col(SOURCE_PATH).is_in(list(sources)))
    notices: dict[str, list[Notice]] = {}
    for row in earlier.iter_rows(named=True):
        notices.setdefault(row[SOURCE_PATH], []).append(Notice(row[STATUS], row[REASON], row[LINE]))
    return notices


def ingest_report_frame(results: list[FileIngest], now: datetime) -> pl.DataFrame:
    """The per-file outcomes, each followed by its bad rows and warnings, as an ``ingest_report`` frame."""
    rows = [row for r in results for row in r.report_rows(now)]
    return pl.DataFrame(rows, schema=schema.INGEST_REPORT, orient="row") if rows else schema.empty(schema.INGEST_REPORT)
