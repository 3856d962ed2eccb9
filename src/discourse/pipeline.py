"""The whole run as plain library calls: plan, per-file ingest, per-thread work, finish, report.

The Prefect flow in ``flows/pipeline.py`` calls exactly these functions, one task each, and
``run_pipeline`` calls them in sequence for users and tests that want no orchestrator.

Per thread, the sequential run works in memory: the ingested tables go straight to
classification, metrics and the page, and the thread's part files are written once per stage
(:func:`analyse_thread`). The flow runs the same function per thread, reading the ingested
part files instead, so a worker needs nothing but the processed folder.

Incremental reruns rest on the manifest (``manifest.parquet``): a raw file whose content hash
and model version match its manifest row, and whose threads are all still stored, is not read
again. A changed or new file is processed alone; a deleted file's threads are removed; a new
model version reprocesses everything.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema, store
from discourse.atomic import sync_to_disk
from discourse.config import Settings
from discourse.heap import settled_heap
from discourse.ingest.build import FileIngest, list_thread_warnings
from discourse.ingest.quality import QUALITY_COLUMNS
from discourse.ingest.records import Notice
from discourse.ingest.run import (
    RawEntry,
    find_raw_files,
    read_entry,
    split_by_thread,
    store_file_tables,
    write_ingest_report,
)
from discourse.labels import LabelFileError, label_files, second_annotation_files
from discourse.names import file_id_of

#: The per-thread metric tables :func:`discourse.shifts.compute_shifts` returns.
METRIC_TABLES: tuple[str, ...] = ("shifts", "change_points", "transitions", "author_tracks", "thread_summary")


@dataclass
class RunPlan:
    """What a run must do, decided from the raw folder, the manifest and the model version."""

    model_version: str
    to_process: list[RawEntry] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)  # manifest rows kept as they are
    removed_threads: list[str] = field(default_factory=list)
    stale_reports: list[str] = field(default_factory=list)  # unchanged threads whose page is missing
    hashes: dict[str, str] = field(default_factory=dict)  # source_path -> sha256 of current content

    index_missing: bool = False

    @property
    def nothing_to_do(self) -> bool:
        return not (self.to_process or self.removed_threads or self.stale_reports or self.index_missing)


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
    def ok(self) -> bool:
        return not self.failed_files and not self.thread_errors

    @property
    def thread_warnings(self) -> list[str]:
        """One line per thread read this run that looks wrong (most posts without own text).

        Warnings do not make a run fail: the thread is stored and shown, with the counts.
        """
        return list_thread_warnings(self.results)


def hash_file(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def plan_run(settings: Settings, model_version: str, *, force: bool = False) -> RunPlan:
    """Compare the raw folder with the manifest and decide which files to (re)process."""
    from discourse.report import INDEX_PAGE, page_is_current

    plan = RunPlan(model_version=model_version)
    # A page written in the other mode (--standalone or not), or whose chart library file is
    # gone, is rewritten like a missing one.
    plan.index_missing = not page_is_current(settings.reports_dir / INDEX_PAGE, standalone=settings.standalone)
    manifest = store.read_table(settings.processed_dir, "manifest")
    known = {row["source_path"]: row for row in manifest.iter_rows(named=True)}
    stored = set(store.list_threads(settings.processed_dir))
    present: set[str] = set()
    previous_ids = {path: file_id_of(row["thread_ids"][0]) for path, row in known.items() if row["thread_ids"]}
    outputs = (settings.processed_dir, settings.reports_dir, settings.models_dir)  # never read back as input
    for entry in find_raw_files([settings.raw_dir], exclude=outputs, previous_ids=previous_ids):
        present.add(entry.source_path)
        if entry.problem is not None:
            plan.to_process.append(entry)
            continue
        try:
            plan.hashes[entry.source_path] = hash_file(entry.path)
        except OSError:
            plan.to_process.append(entry)  # read_entry reports the reason
            continue
        row = known.get(entry.source_path)
        if (
            not force
            and row is not None
            and row["source_sha256"] == plan.hashes[entry.source_path]
            and row["model_version"] == model_version
            and set(row["thread_ids"] or []) <= stored
            and previous_ids.get(entry.source_path, entry.file_id) == entry.file_id
        ):
            plan.unchanged.append(row)
            for thread_id in row["thread_ids"] or []:
                if not page_is_current(settings.reports_dir / f"{thread_id}.html", standalone=settings.standalone):
                    plan.stale_reports.append(thread_id)
        else:
            plan.to_process.append(entry)
    for source_path, row in known.items():
        if source_path not in present:
            plan.removed_threads.extend(row["thread_ids"] or [])
    # Threads stored without any manifest row (an interrupted run) are stale too.
    listed = {t for row in known.values() for t in (row["thread_ids"] or [])}
    plan.removed_threads.extend(sorted(stored - listed - set(plan.removed_threads)))
    return plan


def ingest_entry(settings: Settings, entry: RawEntry, *, keep_tables: bool = True) -> FileIngest:
    """Read one raw file and store each of its threads' ingest tables (bad files: error set).

    With ``keep_tables=False`` the result keeps only its ``threads`` table (the posts are in
    the part files), which is what a caller that holds many results at once wants.
    """
    result = read_entry(
        entry,
        fmt=settings.fmt,
        columns=settings.columns or None,
        max_bytes=settings.max_bytes,
        now=datetime.now(UTC),
        base_url=settings.base_url,
    )
    if result.ok:
        store_file_tables(settings.processed_dir, result)
    return result if keep_tables else result.release()


def classify_thread(settings: Settings, thread_id: str, model: Any) -> int:
    """Classify one stored thread's posts and store ``classified``; return the post count."""
    from discourse.classify import classify_posts

    posts = store.read_thread(settings.processed_dir, thread_id, "posts")
    quotes = store.read_thread(settings.processed_dir, thread_id, "quotes")
    classified = classify_posts(posts, quotes, model)
    store.update_thread(settings.processed_dir, thread_id, {"classified": classified})
    return classified.height


def measure_thread(settings: Settings, thread_id: str) -> int:
    """Compute one thread's shift metrics from its stored tables; return the rows of ``shifts``."""
    from discourse.shifts import compute_shifts

    posts = store.read_thread(settings.processed_dir, thread_id, "posts")
    quotes = store.read_thread(settings.processed_dir, thread_id, "quotes")
    classified = store.read_thread(settings.processed_dir, thread_id, "classified")
    tables = compute_shifts(posts, quotes, classified, window=settings.window)
    store.update_thread(settings.processed_dir, thread_id, tables)
    return tables["shifts"].height


def analyse_thread(
    settings: Settings,
    thread_id: str,
    model: Any,
    run_meta: dict[str, Any],
    ingested: dict[str, pl.DataFrame] | None = None,
) -> int:
    """Classify and measure one ingested thread, store the results and write its page.

    ``ingested`` holds the thread's ``threads``/``posts``/``quotes`` rows when the caller has
    them in memory; otherwise they are read from the thread's part files. Every table is
    computed in memory and written once; returns the post count.
    """
    from discourse.classify import classify_posts
    from discourse.report import write_thread_report
    from discourse.shifts import compute_shifts

    processed = settings.processed_dir
    tables = ingested or {name: store.read_thread(processed, thread_id, name) for name in ("threads", "posts", "quotes")}
    threads, posts, quotes = tables["threads"], tables["posts"], tables["quotes"]
    classified = classify_posts(posts, quotes, model)
    metrics = compute_shifts(posts, quotes, classified, window=settings.window)
    store.update_thread(processed, thread_id, {"classified": classified, **metrics})
    if threads.height:
        write_thread_report(
            threads.row(0, named=True), posts, quotes, classified, metrics, settings.reports_dir, run_meta,
            standalone=settings.standalone,
        )
    return classified.height


def finish_run(settings: Settings, plan: RunPlan, results: list[FileIngest], thread_errors: dict[str, str]) -> None:
    """Drop threads whose source is gone (or failed), then rebuild the consolidated tables."""
    stale = set(plan.removed_threads)
    # A changed file that now yields fewer threads leaves the others behind: remove them too.
    previous = {
        row["source_path"]: set(row["thread_ids"] or [])
        for row in store.read_table(settings.processed_dir, "manifest").iter_rows(named=True)
    }
    for result in results:
        stale |= previous.get(result.source_path, set()) - set(result.thread_ids)
    stale -= {t for result in results for t in result.thread_ids}  # just written by this run
    # Never a thread an unchanged file still names (ids shared by two files in old manifests).
    stale -= {t for row in plan.unchanged for t in row["thread_ids"] or []}
    stale |= set(thread_errors)
    store.remove_threads(settings.processed_dir, sorted(stale))
    store.consolidate(settings.processed_dir)


def record_run(settings: Settings, plan: RunPlan, results: list[FileIngest], thread_errors: dict[str, str]) -> None:
    """Write the manifest and the ingest report: the last step, so a run killed before it is redone."""
    now = datetime.now(UTC)
    rows = [dict(row) for row in plan.unchanged]
    for result in results:
        failed_threads = [t for t in result.thread_ids if t in thread_errors]
        reason = result.error or (
            "; ".join(f"{t}: {thread_errors[t]}" for t in failed_threads) if failed_threads else None
        )
        rows.append(
            {
                "source_path": result.source_path,
                "source_sha256": result.source_sha256 or plan.hashes.get(result.source_path),
                "thread_ids": [t for t in result.thread_ids if t not in thread_errors],
                "model_version": plan.model_version,
                "status": "ok" if reason is None else "failed",
                "reason": reason,
                "processed_at": now,
            }
        )
    manifest = pl.DataFrame(rows, schema=schema.MANIFEST, orient="row") if rows else schema.empty(schema.MANIFEST)
    # Part files and pages were written without a per-file fsync; make them durable before
    # the manifest says they are done.
    sync_to_disk()
    store.write_table(settings.processed_dir, "manifest", manifest.sort("source_path"))

    report_results = list(results)
    notices = _earlier_notices(settings.processed_dir, {row["source_path"] for row in plan.unchanged})
    for row in plan.unchanged:
        carried = FileIngest(
            row["source_path"], row["source_sha256"], None, error=row["reason"], notices=notices.get(row["source_path"], [])
        )
        report_results.append(carried)
    write_ingest_report(settings.processed_dir, report_results, now)
    _mark_unchanged(settings.processed_dir, {row["source_path"] for row in plan.unchanged if row["status"] == "ok"})


def _earlier_notices(processed_dir: Path, sources: set[str]) -> dict[str, list[Notice]]:
    """The bad rows and warnings the last report listed for files that are not read again."""
    report = store.read_table(processed_dir, "ingest_report")
    earlier = report.filter(pl.col("status").is_in(schema.REPORT_PROBLEMS) & pl.col("source_path").is_in(list(sources)))
    notices: dict[str, list[Notice]] = {}
    for row in earlier.iter_rows(named=True):
        notices.setdefault(row["source_path"], []).append(Notice(row["status"], row["reason"], row["line"]))
    return notices


def _mark_unchanged(processed_dir: Path, sources: set[str]) -> None:
    if not sources:
        return
    report = store.read_table(processed_dir, "ingest_report")
    threads = store.read_table(processed_dir, "threads")
    counts = threads.group_by("source_path").agg(
        pl.len().alias("_threads"), pl.col("n_posts").sum().alias("_posts"), pl.col("format").first().alias("_format"),
        # null when the stored threads do not have the count (a table written before it existed)
        *[pl.when(pl.col(c).is_not_null().any()).then(pl.col(c).sum()).alias(f"_{c}") for c in QUALITY_COLUMNS],
    )
    unchanged = pl.col("source_path").is_in(list(sources)) & ~pl.col("status").is_in(schema.REPORT_PROBLEMS)
    report = (
        report.join(counts, on="source_path", how="left", maintain_order="left")
        .with_columns(
            pl.when(unchanged).then(pl.lit("unchanged")).otherwise(pl.col("status")).alias("status"),
            pl.when(unchanged).then(pl.col("_threads").fill_null(0)).otherwise(pl.col("n_threads")).alias("n_threads"),
            pl.when(unchanged).then(pl.col("_posts").fill_null(0)).otherwise(pl.col("n_posts")).alias("n_posts"),
            pl.col("format").fill_null(pl.col("_format")),
            *[pl.when(unchanged).then(pl.col(f"_{c}")).otherwise(pl.col(c)).alias(c) for c in QUALITY_COLUMNS],
        )
        .sort("source_path", maintain_order=True)  # a file's row stays before its problems' rows
    )
    store.write_table(processed_dir, "ingest_report", report)


def build_reports(settings: Settings, thread_ids: list[str] | None, run_meta: dict[str, Any]) -> list[Path]:
    """Write the pages of the given threads (all when None) and the index; return their paths.

    Pages of threads absent from the processed folder are deleted, so the reports folder matches
    it; so are temporary files that interrupted writes left behind.
    """
    from discourse.report import clean_temp_files, write_index, write_thread_report

    clean_temp_files(settings.reports_dir)
    processed = settings.processed_dir
    threads = store.read_table(processed, "threads")
    all_ids = threads[schema.THREAD_ID].to_list()
    wanted = all_ids if thread_ids is None else list(set(thread_ids) & set(all_ids))
    written: list[Path] = []
    for thread in threads.filter(pl.col(schema.THREAD_ID).is_in(wanted)).iter_rows(named=True):
        thread_id = thread[schema.THREAD_ID]
        written.append(
            write_thread_report(
                thread,
                store.read_thread(processed, thread_id, "posts"),
                store.read_thread(processed, thread_id, "quotes"),
                store.read_thread(processed, thread_id, "classified"),
                {name: store.read_thread(processed, thread_id, name) for name in METRIC_TABLES},
                settings.reports_dir,
                run_meta,
                standalone=settings.standalone,
            )
        )
    remove_orphan_reports(settings.reports_dir, set(all_ids))
    written.append(
        write_index(
            threads, store.read_table(processed, "thread_summary"), settings.reports_dir, run_meta,
            standalone=settings.standalone,
        )
    )
    return written


def remove_orphan_reports(reports_dir: Path, keep: set[str]) -> list[str]:
    """Delete thread pages whose thread is gone; keep the index and the evaluation page."""
    removed = []
    if not reports_dir.is_dir():
        return removed
    for page in reports_dir.glob("*.html"):
        if page.stem in ("index", "evaluation") or page.stem in keep:
            continue
        page.unlink(missing_ok=True)
        removed.append(page.stem)
    return removed


def run_pipeline(
    settings: Settings,
    *,
    force: bool = False,
    progress: Callable[[str, int, int], None] | None = None,
) -> RunSummary:
    """Run every stage in this process, in order, under the processed folder's lock."""
    started = time.perf_counter()
    with store.run_lock(settings.processed_dir):
        store.clean_leftovers(settings.processed_dir)
        model, metadata = load_model(settings)
        plan = plan_run(settings, run_version(metadata, settings), force=force)
        summary = RunSummary(plan=plan)
        if plan.nothing_to_do:
            summary.seconds = time.perf_counter() - started
            return summary
        run_meta = run_metadata(metadata, settings)
        total = len(plan.to_process)
        with settled_heap() as settle:  # full GC scans stay small as the sentence memos fill
            for done, entry in enumerate(plan.to_process, start=1):
                result = ingest_entry(settings, entry)
                summary.results.append(result)
                by_thread = split_by_thread(result.tables) if result.ok else {}
                result.release()  # the posts live in by_thread until this file is done
                for thread_id in result.thread_ids:
                    try:
                        analyse_thread(settings, thread_id, model, run_meta, by_thread.pop(thread_id, None))
                    except OSError:
                        raise  # the disk or the folders, not the thread: stop; the next run redoes it
                    except Exception as error:  # noqa: BLE001 - one bad thread must not stop the run
                        summary.thread_errors[thread_id] = f"{type(error).__name__}: {error}"
                del by_thread
                settle()
                if progress is not None:
                    progress(entry.source_path, done, total)
        finish_run(settings, plan, summary.results, summary.thread_errors)
        summary.reports = [settings.reports_dir / f"{t}.html" for t in summary.processed_threads]
        summary.reports += build_reports(settings, plan.stale_reports, run_meta)
        if evaluation_is_stale(settings, metadata):
            try:
                summary.reports += evaluate_model(settings, metadata)[1]
            except LabelFileError as error:  # a bad label file costs the evaluation page, not the run
                summary.evaluation_error = str(error)
        record_run(settings, plan, summary.results, summary.thread_errors)
    summary.seconds = time.perf_counter() - started
    return summary


def run_version(model_metadata: dict[str, Any], settings: Settings) -> str:
    """The manifest's version key: the model plus every setting that changes stored results."""
    version = f"{model_metadata['model_version']}|min_confidence={settings.min_confidence}|window={settings.window}"
    # Only when set, so that manifests written before the options existed stay valid.
    version += "" if settings.thread_prior else "|thread_prior=off"
    return version + (f"|base_url={settings.base_url}" if settings.base_url else "")


def run_metadata(model_metadata: dict[str, Any], settings: Settings) -> dict[str, Any]:
    """What every page says about the run that made it."""
    from discourse import __version__

    return {
        "model_version": model_metadata.get("model_version"),
        "window": settings.window,
        "min_confidence": settings.min_confidence,
        "thread_prior": "on" if settings.thread_prior else "off",
        "discourse_version": __version__,
        "generated_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "metrics": model_metadata.get("metrics", {}),
    }


# --- model, evaluation and labels: what the CLI's train/evaluate/label commands call --------------
def load_model(settings: Settings) -> tuple[Any, dict[str, Any]]:
    """The stance model a run uses, and its metadata.

    The saved model in ``settings.models_dir`` is used when it loads cleanly and is current: a
    model ``discourse train`` fitted with user labels is kept as long as its code version
    matches; otherwise the model must have been trained on today's authored set. Anything else
    (no model, a stale or damaged one) is replaced by a model trained on the authored set alone,
    which keeps the dashboards' figures out-of-sample for every labelled thread.
    ``settings.min_confidence`` and ``settings.thread_prior`` are applied to the loaded model, so
    abstention and thread-prior adaptation can be changed per run without retraining.
    """
    import warnings

    from discourse.stance.model import CODE_VERSION
    from discourse.stance.priors import DEFAULT_STRENGTH
    from discourse.stance.train import MODEL_FILE, ModelLoadError, default_model, read_sidecar
    from discourse.stance.train import load_model as load_saved

    path = settings.models_dir / MODEL_FILE
    model = metadata = None
    recorded = read_sidecar(path)  # says which case this is: unpickling twice cost every run ~0.3 s
    if recorded.get("code_version") == CODE_VERSION and recorded.get("n_user_labels"):
        try:
            model, metadata = load_saved(path)
        except ModelLoadError as error:
            warnings.warn(f"retraining the stance model: {error}", RuntimeWarning, stacklevel=2)
    if model is None:
        model, metadata = default_model(settings.models_dir, include_user_labels=False)
    if getattr(model, "min_confidence", None) != settings.min_confidence:
        model.set_params(min_confidence=settings.min_confidence)
    trained = getattr(model, "adapt_prior", None)
    wanted = (trained if trained is not None else DEFAULT_STRENGTH) if settings.thread_prior else None
    if trained != wanted:
        model.set_params(adapt_prior=wanted)
    return model, metadata


def train_and_save(settings: Settings) -> dict[str, Any]:
    """Retrain on the authored set plus every label CSV in the labels folder; save; return metadata.

    Labels refer to posts by id, so their text comes from the processed folder's posts table.
    """
    from discourse.stance.train import MODEL_FILE, save_model, train_model

    posts = store.read_table(settings.processed_dir, "posts")
    model, metadata = train_model(labels_dir=settings.labels_dir, posts=posts, include_user_labels=True)
    save_model(model, metadata, settings.models_dir / MODEL_FILE)
    return metadata


def evaluate_model(
    settings: Settings, model_metadata: dict[str, Any] | None = None
) -> tuple[str, list[Path]]:
    """Evaluate on the seed gold and by grouped cross-validation; write JSON and HTML.

    ``settings.thread_prior`` False evaluates models that score every post on its own.
    ``model_metadata`` is the run model's sidecar (what the page's staleness key records); a
    caller that already holds it passes it, otherwise the model is loaded to read it. Returns a
    plain-text summary and the written paths. When this writes the folder's first evaluation
    page, an existing index is rewritten too, since pages link to that page only when it exists.
    """
    from discourse.report import EVALUATION_PAGE, INDEX_PAGE, write_index
    from discourse.stance.evaluate import run_evaluation, write_report

    posts = store.read_table(settings.processed_dir, "posts")
    quotes = store.read_table(settings.processed_dir, "quotes")
    if posts.is_empty():
        raise FileNotFoundError(f"no posts in {settings.processed_dir}; run 'discourse ingest' first")
    params = None if settings.thread_prior else {"adapt_prior": None}
    results = run_evaluation(posts, quotes, settings.labels_dir, params=params)
    results["thread_prior"] = settings.thread_prior
    if model_metadata is None:
        model_metadata = load_model(settings)[1]
    # What evaluation_is_stale compares.
    results["run"] = _evaluation_key(_evaluation_inputs(settings.labels_dir), model_metadata, settings.thread_prior)
    first_page = not (settings.reports_dir / EVALUATION_PAGE).is_file()
    paths = write_report(results, settings.reports_dir, standalone=settings.standalone)
    written = [paths["json"], paths["html"]]
    if first_page and (settings.reports_dir / INDEX_PAGE).is_file():
        threads = store.read_table(settings.processed_dir, "threads")
        summaries = store.read_table(settings.processed_dir, "thread_summary")
        meta = run_metadata(model_metadata, settings)
        written.append(write_index(threads, summaries, settings.reports_dir, meta, standalone=settings.standalone))
    return format_evaluation(results), written


def evaluation_is_stale(settings: Settings, model_metadata: dict[str, Any]) -> bool:
    """True when there are label files and no evaluation page for the current model and labels."""
    import json

    label_files = _evaluation_inputs(settings.labels_dir)
    if not label_files:
        return False
    from discourse.report import EVALUATION_PAGE, page_is_current

    path = settings.reports_dir / "evaluation.json"
    page = settings.reports_dir / EVALUATION_PAGE
    if not path.is_file() or not page_is_current(page, standalone=settings.standalone):
        return True
    try:
        recorded = json.loads(path.read_text(encoding="utf-8")).get("run", {})
    except (OSError, ValueError):
        return True
    return recorded != _evaluation_key(label_files, model_metadata, settings.thread_prior)


def _evaluation_inputs(labels_dir: Path) -> list[Path]:
    """The files an evaluation reads: gold and user labels, second annotations, the development set.

    The development set counts with its manifest, its second annotation and the texts present,
    so a page made without the texts is refreshed once they are rebuilt.
    """
    from discourse.devset import MANIFEST_FILE, SECOND_FILE, devset_dir, texts_dir

    folder = devset_dir(labels_dir)
    devset = [p for p in (folder / MANIFEST_FILE, folder / SECOND_FILE) if p.is_file()]
    if devset:
        devset += sorted(texts_dir(labels_dir).glob("*.txt"))
    return label_files(labels_dir) + second_annotation_files(labels_dir) + devset


def _evaluation_key(label_files: list[Path], model_metadata: dict[str, Any], thread_prior: bool) -> dict[str, Any]:
    return {
        "model_version": model_metadata.get("model_version"),
        "labels_sha256": hashlib.sha256(b"".join(hash_file(f).encode() for f in label_files)).hexdigest(),
        "thread_prior": thread_prior,
    }


def format_evaluation(results: dict[str, Any]) -> str:
    """The evaluation figures as a few readable lines."""
    lines = [] if results.get("thread_prior", True) else ["thread prior off: every post scored on its own"]
    lines += _format_devset(results.get("devset"))
    seed = results.get("seed") or {}
    blocks = [("seed gold (model trained on the authored set only)", seed)]
    blocks += [(f"  of which {thread_id}", block) for thread_id, block in seed.get("by_thread", {}).items()]
    blocks.append(("grouped cross-validation (all labels)", results.get("cv")))
    for name, block in blocks:
        if not block:
            continue
        model = block.get("model", block)
        baseline = block.get("baseline", {})
        intervals = block.get("intervals") or {}
        lines.append(
            f"{name}: macro-F1 {model.get('macro_f1', float('nan')):.3f}{_interval(intervals, 'model')}, "
            f"F_avg {model.get('f_avg', float('nan')):.3f}, accuracy {model.get('accuracy', float('nan')):.3f}"
            + (f"; majority baseline macro-F1 {baseline['macro_f1']:.3f}; model − baseline "
               f"{model['macro_f1'] - baseline['macro_f1']:.3f}{_interval(intervals, 'difference')}"
               if "macro_f1" in baseline and "macro_f1" in model else "")
        )
    sentiment = (results.get("seed") or {}).get("sentiment")
    if sentiment and sentiment.get("n"):
        kappa = sentiment.get("kappa")
        lines.append(
            f"sentiment (label vs gold, n={sentiment['n']}): agreement {sentiment['agreement']:.3f}, "
            f"Cohen's kappa {_fmt(kappa)}"
        )
    for name, block in (results.get("annotators") or {}).items():
        stance, tone = block["stance"], block["sentiment"]
        vs_model = block.get("model_vs_annotator", {}).get("model", {})
        lines.append(
            f"second annotation {name} vs gold (n={block['n']}): stance agreement {_fmt(stance['agreement'])}, "
            f"kappa {_fmt(stance['kappa'])}; sentiment agreement {_fmt(tone['agreement'])}, "
            f"kappa {_fmt(tone['kappa'])}"
            + (f"; model macro-F1 against it {_fmt(vs_model.get('macro_f1'))}" if vs_model else "")
        )
    return "\n".join(lines) or "no labels to evaluate against"


def _format_devset(devset: dict[str, Any] | None) -> list[str]:
    """The development set's headline lines (or why it is absent); nothing without a manifest."""
    if not devset or devset.get("reason") == "no manifest":
        return []
    if not devset.get("present"):
        texts = devset.get("texts", {})
        return [f"real development set: not present ({texts.get('missing', 0)} texts missing; "
                "see docs/devset.md: discourse devset rebuild)"]
    lines = []
    for key, name in (("all", "all texts"), ("forum", "discussion posts")):
        block = devset.get(key)
        if not block:
            continue
        stance, tone = block["stance"], block["sentiment"]
        model, baseline, intervals = stance["model"], stance["baseline"], stance.get("intervals") or {}
        lines.append(
            f"real development set, {name} (n={model['n']}, {stance['n_pages']} pages): macro-F1 "
            f"{model['macro_f1']:.3f}{_interval(intervals, 'model')}, F_avg(pro_us, pro_ussr) "
            f"{model['f_avg_blocs']:.3f}; majority baseline {baseline['macro_f1']:.3f}; model − baseline "
            f"{model['macro_f1'] - baseline['macro_f1']:.3f}{_interval(intervals, 'difference')}; "
            f"sentiment agreement {_fmt(tone['agreement'])}, kappa {_fmt(tone['kappa'])}"
        )
    second = devset.get("second_annotation")
    if second and second.get("n"):
        lines.append(
            f"real development set, second annotation (n={second['n']}): stance agreement "
            f"{_fmt(second['stance']['agreement'])}, kappa {_fmt(second['stance']['kappa'])}; sentiment "
            f"agreement {_fmt(second['sentiment']['agreement'])}, kappa {_fmt(second['sentiment']['kappa'])}"
        )
    altered = devset.get("texts", {}).get("altered") or []
    if altered:
        lines.append(f"real development set: {len(altered)} text(s) differ from the manifest and were left out")
    return lines


def _interval(intervals: dict[str, Any], key: str) -> str:
    from discourse.stance.evaluate import format_interval

    text = format_interval(intervals.get(key))
    return f" ({intervals.get('level', 0.95):.0%} CI {text})" if text else ""


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def export_labels(settings: Settings, n: int, out: Path | None) -> tuple[Path, int]:
    """Write the ``n`` posts most worth labelling (not labelled yet) to a CSV; return (path, rows)."""
    from discourse.labels import export_for_labelling, write_for_labelling
    from discourse.stance.train import load_label_files

    posts = store.read_table(settings.processed_dir, "posts")
    classified = store.read_table(settings.processed_dir, "classified")
    if classified.is_empty():
        raise FileNotFoundError(f"no classified posts in {settings.processed_dir}; run 'discourse run' first")
    frame = export_for_labelling(posts, classified, n, labelled=load_label_files(settings.labels_dir))
    # Not *.csv by default: a half-filled export must not be read as labels by training.
    path = out or settings.labels_dir / "to_label.csv.todo"
    return write_for_labelling(frame, path), frame.height


def import_labels(settings: Settings, csv_path: Path) -> tuple[Path, int]:
    """Validate a labelled CSV against the posts and add it to the labels folder."""
    from discourse.labels import import_labels as import_file

    posts = store.read_table(settings.processed_dir, "posts")
    path = import_file(csv_path, settings.labels_dir, posts)
    return path, pl.read_csv(path, infer_schema=False).height


def export_images(settings: Settings, thread_ids: list[str], fmt: str) -> list[Path]:
    """Export every chart of the given threads as PNG or SVG files beside the pages."""
    from discourse.report import export_images as export_thread_images

    written: list[Path] = []
    threads = store.read_table(settings.processed_dir, "threads")
    for thread in threads.filter(pl.col(schema.THREAD_ID).is_in(thread_ids)).iter_rows(named=True):
        thread_id = thread[schema.THREAD_ID]
        tables = {name: store.read_thread(settings.processed_dir, thread_id, name)
                  for name in ("shifts", "change_points", "transitions", "author_tracks", "thread_summary")}
        written += export_thread_images(
            thread,
            store.read_thread(settings.processed_dir, thread_id, "posts"),
            store.read_thread(settings.processed_dir, thread_id, "quotes"),
            store.read_thread(settings.processed_dir, thread_id, "classified"),
            tables,
            settings.reports_dir / "images",
            fmt=fmt,
        )
    return written
