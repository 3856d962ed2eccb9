"""The ``discourse_pipeline`` Prefect flow: the library's run (``discourse.pipeline``) as tasks.

Stages, each task one call into :mod:`discourse.pipeline`:

    load-model -> plan-run -> ingest-file (one per new or changed raw file, concurrent)
      -> analyse-thread (one per thread, concurrent: classify, measure, write its page)
      -> finish-run -> build-reports (missing pages, index) -> [evaluate-model]
      -> record-run -> artifacts

The flow makes the same library calls as :func:`discourse.pipeline.run_pipeline` (the tests
check it call for call and table for table), under the processed folder's lock for the whole
run (``discourse run`` takes it before importing this module; the flow re-enters it, or takes
it itself when a worker or ``serve`` starts the run); only the order within the ingest and per-thread stages differs (they run concurrently),
and the per-thread tasks read the ingested part files where the sequential run hands the
tables over in memory.

Choices (docs/orchestration.md):

* Per-thread tasks run on the flow's ThreadPoolTaskRunner, or on a Dask cluster with
  ``task_runner="dask"`` (``dask_address`` of an existing scheduler, else a temporary
  LocalCluster). Ingest, finish and report always run in the flow's process.
* The model is loaded once per flow run (``load-model``) and handed to every thread task.
  It is a picklable scikit-learn estimator (about 0.3 MB pickled), so on Dask it travels with
  each thread task; workers never train or read the models folder. Workers must see the
  processed and reports folders (one machine, or a shared file system).
* Batching: one task per thread (never per post); an ingest task returns only the file's
  thread list, not its posts, so the flow's memory does not grow with the corpus.
* No Prefect result caching: the tasks write the processed folder, so a cached result would
  skip the write. The manifest is the cache, keyed on each file's sha256 and the run version
  (model + settings), never on paths.
* Task retries (2, one second apart) only for I/O errors (``OSError``); a thread that fails
  for any other reason fails at once, is recorded in ``thread_errors`` and the others go on.
"""

import os
import time
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlparse

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture
from prefect.task_runners import ThreadPoolTaskRunner

from discourse import pipeline as lib
from discourse import store
from discourse.config import DEFAULT_MIN_CONFIDENCE, DEFAULT_WINDOW, Settings
from discourse.ingest.build import FileIngest
from discourse.ingest.run import RawEntry
from discourse.labels import LabelFileError
from discourse.orchestrate import hold_run_lock
from discourse.pipeline import RunPlan, RunSummary

# No ``from __future__ import annotations``: Prefect builds the flow's parameter model from the
# annotations, which must then be objects, not names to look up.

FLOW_NAME = "discourse-pipeline"
TaskRunnerName = Literal["thread", "dask"]
#: Threads of the default task runner: per-thread work is partly I/O, partly GIL-bound.
MAX_THREADS = min(8, (os.cpu_count() or 1) + 4)
RETRIES = 2
RETRY_DELAY_SECONDS = 1
#: Artifact keys (lowercase, digits, dashes): each run adds a new version under the same key.
KEY_SUMMARY = "discourse-run-summary"
KEY_FILES = "discourse-files"
KEY_SHARES = "discourse-stance-shares"
KEY_INDEX = "discourse-report-index"
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def retry_on_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a failed task run only when it failed with an I/O error (``OSError``)."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:  # noqa: BLE001 - anything else is deterministic: do not retry
        return False
    return False


_IO = {
    "retries": RETRIES,
    "retry_delay_seconds": RETRY_DELAY_SECONDS,
    "retry_condition_fn": retry_on_io_error,
    "cache_policy": NO_CACHE,
}


# --- tasks: one library call each -----------------------------------------------------------------
@task(name="load-model", task_run_name="load-model", **_IO)
def load_model(settings: Settings) -> tuple[Any, dict[str, Any]]:
    """Load the saved stance model (trained and saved first if missing or stale)."""
    model, metadata = lib.load_model(settings)
    get_run_logger().info("stance model %s", metadata.get("model_version"))
    return model, metadata


@task(name="plan-run", task_run_name="plan-run", **_IO)
def plan_run(settings: Settings, version: str, force: bool) -> RunPlan:
    """Compare the raw folder with the manifest by content hash and decide what to process."""
    return lib.plan_run(settings, version, force=force)


@task(name="ingest-file", task_run_name="ingest-file[{entry.source_path}]", **_IO)
def ingest_file(settings: Settings, entry: RawEntry, sha256: str | None) -> FileIngest:
    """Read one raw file (content hash ``sha256``) and store its threads' ingest tables."""
    result = lib.ingest_entry(settings, entry, keep_tables=False)
    logger = get_run_logger()
    if result.ok:
        logger.info("ingested %s (sha256 %.12s): %d thread(s)", entry.source_path, sha256, len(result.thread_ids))
    else:
        logger.warning("could not ingest %s: %s", entry.source_path, result.error)
    return result


@task(name="analyse-thread", task_run_name="analyse-thread[{thread_id}]", **_IO)
def analyse_thread(settings: Settings, thread_id: str, model: Any, run_meta: dict[str, Any]) -> int:
    """Classify and measure one thread, store its tables, write its page; return the post count."""
    posts = lib.analyse_thread(settings, thread_id, model, run_meta)
    get_run_logger().info("analysed %s: %d post(s)", thread_id, posts)
    return posts


@task(name="finish-run", task_run_name="finish-run", **_IO)
def finish_run(settings: Settings, plan: RunPlan, results: list[FileIngest], thread_errors: dict[str, str]) -> None:
    """Drop removed and failed threads, then rebuild the consolidated tables."""
    lib.finish_run(settings, plan, results, thread_errors)


@task(name="record-run", task_run_name="record-run", **_IO)
def record_run(settings: Settings, plan: RunPlan, results: list[FileIngest], thread_errors: dict[str, str]) -> None:
    """Write the manifest and the ingest report (last, so a run stopped before it is redone)."""
    lib.record_run(settings, plan, results, thread_errors)


@task(name="build-reports", task_run_name="build-reports", **_IO)
def build_reports(settings: Settings, thread_ids: list[str], run_meta: dict[str, Any]) -> list[Path]:
    """Write the pages of the given (unchanged) threads and the index; return the written paths."""
    pages = lib.build_reports(settings, thread_ids, run_meta)
    get_run_logger().info("wrote %d page(s) to %s", len(pages), settings.reports_dir)
    return pages


@task(name="evaluate-model", task_run_name="evaluate-model", **_IO)
def evaluate_model(settings: Settings, model_metadata: dict[str, Any]) -> list[Path]:
    """Evaluate the model against the label files and write the evaluation page; return its paths."""
    text, paths = lib.evaluate_model(settings, model_metadata)
    get_run_logger().info("model evaluation:\n%s", text)
    return paths


# --- the flow ---------------------------------------------------------------------------------------
@flow(name=FLOW_NAME, task_runner=ThreadPoolTaskRunner(max_workers=MAX_THREADS), persist_result=False)
def discourse_pipeline(
    raw_dir: str | None = None,
    processed_dir: str | None = None,
    reports_dir: str | None = None,
    models_dir: str | None = None,
    window: int = DEFAULT_WINDOW,
    min_confidence: float = DEFAULT_MIN_CONFIDENCE,
    force: bool = False,
    thread_prior: bool = True,
    task_runner: TaskRunnerName = "thread",
    dask_address: str | None = None,
    labels_dir: str | None = None,
    max_bytes: int | None = None,
    fmt: str | None = None,
    columns: dict[str, str] | None = None,
    base_url: str | None = None,
    standalone: bool = False,
) -> RunSummary:
    """Ingest changed raw files, classify and measure their threads, rebuild the reports.

    Folders default to the project's (``$DISCOURSE_HOME`` or the checkout): ``data/raw``,
    ``data/processed``, ``reports``, ``models``. ``force`` reprocesses unchanged files too.
    ``task_runner="dask"`` runs the per-thread tasks on the Dask scheduler at ``dask_address``
    (or on a temporary local cluster). ``standalone`` puts the chart library inside every page
    written instead of the reports folder's shared ``assets/`` file (docs/dashboards.md).
    """
    started = time.perf_counter()
    logger = get_run_logger()
    if dask_address and task_runner != "dask":
        raise ValueError("dask_address needs task_runner='dask'")
    settings = Settings.default(
        None,
        raw_dir=raw_dir,
        processed_dir=processed_dir,
        reports_dir=reports_dir,
        models_dir=models_dir,
        labels_dir=labels_dir,
        window=window,
        min_confidence=min_confidence,
        thread_prior=thread_prior,
        max_bytes=max_bytes,
        fmt=fmt,
        columns=columns or None,
        base_url=base_url,
        standalone=standalone,
    )
    if not settings.raw_dir.is_dir():
        raise FileNotFoundError(f"raw folder {settings.raw_dir} does not exist")

    with hold_run_lock(settings.processed_dir):
        store.clean_leftovers(settings.processed_dir)
        model, metadata = load_model(settings)
        plan = plan_run(settings, lib.run_version(metadata, settings), force)
        summary = RunSummary(plan=plan)
        logger.info(
            "plan: %d file(s) to process, %d unchanged, %d thread(s) to remove, %d page(s) missing",
            len(plan.to_process),
            len(plan.unchanged),
            len(plan.removed_threads),
            len(plan.stale_reports),
        )
        if plan.nothing_to_do:
            logger.info("nothing changed in %s", settings.raw_dir)
        else:
            run_meta = lib.run_metadata(metadata, settings)
            summary.results = _ingest_all(settings, plan)
            thread_ids = [t for r in summary.results if r.ok for t in r.thread_ids]
            summary.thread_errors = _process_threads(settings, thread_ids, model, run_meta, task_runner, dask_address)
            finish_run(settings, plan, summary.results, summary.thread_errors)
            summary.reports = [settings.reports_dir / f"{t}.html" for t in summary.processed_threads]
            summary.reports += build_reports(settings, plan.stale_reports, run_meta)
            if lib.evaluation_is_stale(settings, metadata):
                try:
                    summary.reports += evaluate_model(settings, metadata)
                except LabelFileError as error:  # the page stays stale; the run's results stand
                    summary.evaluation_error = str(error)
                    logger.warning("evaluation page not refreshed: %s", error)
            record_run(settings, plan, summary.results, summary.thread_errors)
            for warning in summary.thread_warnings:
                logger.warning("%s", warning)
        summary.seconds = time.perf_counter() - started
        publish_artifacts(settings, summary, metadata)
    logger.info(
        "done in %.1f s: %d file(s) processed, %d thread(s), %d unchanged, %d failed file(s), %d failed thread(s)",
        summary.seconds,
        len(summary.results),
        len(summary.processed_threads),
        len(plan.unchanged),
        len(summary.failed_files),
        len(summary.thread_errors),
    )
    return summary


def _ingest_all(settings: Settings, plan: RunPlan) -> list[FileIngest]:
    """Ingest every planned file concurrently; a task that crashed counts as a failed file."""
    logger = get_run_logger()
    futures = [ingest_file.submit(settings, entry, plan.hashes.get(entry.source_path)) for entry in plan.to_process]
    results: list[FileIngest] = []
    for done, (entry, future) in enumerate(zip(plan.to_process, futures, strict=True), start=1):
        error = _failure(future)
        if error is None:
            results.append(future.result())
        else:
            logger.error("ingest of %s crashed: %s", entry.source_path, error)
            results.append(FileIngest(entry.source_path, plan.hashes.get(entry.source_path), None, error=error))
        logger.info("files: %d/%d read", done, len(plan.to_process))
    return results


def _process_threads(
    settings: Settings,
    thread_ids: list[str],
    model: Any,
    run_meta: dict[str, Any],
    task_runner: str,
    dask_address: str | None,
) -> dict[str, str]:
    """Analyse every thread concurrently; return ``{thread_id: reason}`` of failures."""
    if not thread_ids:
        return {}
    if task_runner == "thread":
        context = FlowRunContext.get()
        assert context is not None
        return _submit_threads(context.task_runner, settings, thread_ids, model, run_meta)
    return _process_threads_on_dask(settings, thread_ids, model, run_meta, dask_address)


def _process_threads_on_dask(
    settings: Settings, thread_ids: list[str], model: Any, run_meta: dict[str, Any], dask_address: str | None
) -> dict[str, str]:
    """Run the per-thread tasks on a Dask cluster through ``prefect_dask.DaskTaskRunner``."""
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
    from prefect_dask import DaskTaskRunner

    updates: dict[Any, Any] = {}
    if not get_current_settings().api.url:
        updates[PREFECT_API_URL] = _embedded_api_url(dask_address)
    runner = DaskTaskRunner(address=dask_address) if dask_address else DaskTaskRunner()
    # The task runs carry this process's settings to the workers, the API URL included.
    with temporary_settings(updates=updates), runner:
        return _submit_threads(runner, settings, thread_ids, model, run_meta)


def _embedded_api_url(dask_address: str | None) -> str:
    """The embedded API's URL, for workers on this machine (else each would start its own)."""
    if dask_address and urlparse(dask_address).hostname not in _LOCAL_HOSTS:
        raise RuntimeError(
            "task_runner='dask' with a scheduler on another machine needs a Prefect server the "
            "workers can reach: start one ('prefect server start') and set PREFECT_API_URL"
        )
    context = FlowRunContext.get()
    assert context is not None
    url = str(context.client.api_url).rstrip("/")
    get_run_logger().info("Dask workers report to the embedded Prefect API at %s", url)
    return url


def _submit_threads(
    runner: Any, settings: Settings, thread_ids: list[str], model: Any, run_meta: dict[str, Any]
) -> dict[str, str]:
    """Submit one analyse task per thread on ``runner``; wait; collect the failures."""
    logger = get_run_logger()
    futures: dict[str, PrefectFuture[int]] = {}
    for thread_id in thread_ids:
        parameters = {"settings": settings, "thread_id": thread_id, "model": model, "run_meta": run_meta}
        futures[thread_id] = runner.submit(analyse_thread, parameters)
    errors: dict[str, str] = {}
    for done, (thread_id, future) in enumerate(futures.items(), start=1):
        error = _failure(future)
        if error is not None:
            errors[thread_id] = error
            logger.error("thread %s failed: %s", thread_id, error)
        logger.info("threads: %d/%d done", done, len(futures))
    return errors


def _failure(future: PrefectFuture[Any]) -> str | None:
    """Wait for ``future``; None when it completed, else ``"ErrorType: message"`` of its failure."""
    try:
        future.wait()
        state = future.state
    except Exception as error:  # noqa: BLE001 - e.g. a Dask worker lost with the task on it
        return f"{type(error).__name__}: {error}"
    if state.is_completed():
        return None
    try:
        outcome = state.result(raise_on_failure=False)
    except Exception as error:  # noqa: BLE001 - a state without a stored exception
        outcome = error
    if isinstance(outcome, BaseException):
        return f"{type(outcome).__name__}: {outcome}"
    return f"{state.type.value}: {state.message or state.name}"


# --- artifacts ---------------------------------------------------------------------------------------
def publish_artifacts(settings: Settings, summary: RunSummary, metadata: dict[str, Any]) -> None:
    """Attach the run's summary, file table, stance shares and report links to the flow run."""
    files = _file_rows(summary)
    shares = _share_rows(settings)
    create_markdown_artifact(
        key=KEY_SUMMARY,
        markdown=summary_markdown(settings, summary, metadata, shares),
        description="What this discourse run did",
    )
    if files:
        create_table_artifact(key=KEY_FILES, table=files, description="Every raw file the run looked at")
    if shares:
        create_table_artifact(key=KEY_SHARES, table=shares, description="Stance shares per thread")
    index = settings.reports_dir / "index.html"
    if index.is_file():
        create_link_artifact(
            key=KEY_INDEX,
            link=index.resolve().as_uri(),
            link_text=f"Reports index ({index})",
            description="The offline dashboards (open in a browser)",
        )


def _file_rows(summary: RunSummary) -> list[dict[str, Any]]:
    """One row per raw file: processed this run (ok/failed, as in the manifest), or unchanged."""
    rows = []
    for r in summary.results:
        reason = r.error or "; ".join(
            f"{t}: {summary.thread_errors[t]}" for t in r.thread_ids if t in summary.thread_errors
        )
        rows.append(
            {"file": r.source_path, "status": "failed" if reason else "ok", "threads": len(r.thread_ids), "reason": reason}
        )
    rows += [
        {
            "file": row["source_path"],
            "status": "unchanged" if row["status"] == "ok" else "failed (unchanged)",
            "threads": len(row["thread_ids"] or []),
            "reason": row["reason"] or "",
        }
        for row in summary.plan.unchanged
    ]
    return sorted(rows, key=lambda row: row["file"])


def _share_rows(settings: Settings) -> list[dict[str, Any]]:
    """Stance shares per thread from ``thread_summary.parquet`` (percent, one decimal)."""
    summary = store.read_table(settings.processed_dir, "thread_summary")
    titles = {
        row["thread_id"]: row["title"]
        for row in store.read_table(settings.processed_dir, "threads").iter_rows(named=True)
    }
    rows = []
    for row in summary.iter_rows(named=True):
        rows.append(
            {
                "thread": row["thread_id"],
                "title": titles.get(row["thread_id"]) or "",
                "posts": row["n_posts"],
                "classified": row["n_classified"],
                "pro_us_pct": _pct(row["share_pro_us"]),
                "pro_ussr_pct": _pct(row["share_pro_ussr"]),
                "neutralist_pct": _pct(row["share_neutralist"]),
                "none_pct": _pct(row["share_none"]),
            }
        )
    return rows


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def summary_markdown(
    settings: Settings, summary: RunSummary, metadata: dict[str, Any], shares: list[dict[str, Any]]
) -> str:
    """The run summary as Markdown: counts, failures with reasons, threads that look wrong,
    stance shares, report links."""
    plan = summary.plan
    headline = (
        "nothing changed"
        if plan.nothing_to_do
        else f"{len(summary.processed_threads)} thread(s) processed from {len(summary.results)} file(s)"
    )
    lines = [
        f"# discourse run: {headline}",
        "",
        "| | |",
        "|---|---|",
        f"| files processed | {len(summary.results)} |",
        f"| threads processed | {len(summary.processed_threads)} |",
        f"| files unchanged (skipped) | {len(plan.unchanged)} |",
        f"| threads removed | {len(plan.removed_threads)} |",
        f"| pages rebuilt only (missing) | {len(plan.stale_reports)} |",
        f"| failed files | {len(summary.failed_files)} |",
        f"| failed threads | {len(summary.thread_errors)} |",
        f"| model version | `{_md(metadata.get('model_version'))}` |",
        f"| run version | `{_md(plan.model_version)}` |",
        f"| seconds | {summary.seconds:.1f} |",
        f"| raw folder | `{_md(settings.raw_dir)}` |",
        f"| processed folder | `{_md(settings.processed_dir)}` |",
        "",
    ]
    failures = [(f"file `{r.source_path}`", r.error) for r in summary.failed_files]
    failures += [(f"thread `{t}`", reason) for t, reason in summary.thread_errors.items()]
    failures += [
        (f"file `{row['source_path']}` (unchanged, failed earlier)", row["reason"])
        for row in plan.unchanged
        if row["status"] != "ok"
    ]
    if summary.evaluation_error:
        failures.append(("evaluation page (not refreshed)", summary.evaluation_error))
    if failures:
        lines += ["## Failed", ""] + [f"- {what}: {_md(reason)}" for what, reason in failures] + [""]
    warnings = summary.thread_warnings
    if warnings:
        lines += ["## Warnings", ""] + [f"- {_md(warning)}" for warning in warnings] + [""]
    if shares:
        lines += [
            "## Stance shares per thread (% of posts)",
            "",
            "| thread | posts | classified | pro-US | pro-USSR | neutralist | none |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {_md(r['title'] or r['thread'])} (`{r['thread']}`) | {r['posts']} | {r['classified']} | "
            f"{_cell(r['pro_us_pct'])} | {_cell(r['pro_ussr_pct'])} | {_cell(r['neutralist_pct'])} | "
            f"{_cell(r['none_pct'])} |"
            for r in shares
        ]
        lines.append("")
    lines += ["## Reports", ""] + _report_links(settings)
    return "\n".join(lines) + "\n"


def _report_links(settings: Settings) -> list[str]:
    index = settings.reports_dir / "index.html"
    if not index.is_file():
        return [f"No reports in `{settings.reports_dir}` yet."]
    links = [f"- [index]({index.resolve().as_uri()}) `{index}`"]
    for page in sorted(settings.reports_dir.glob("*.html")):
        if page.name != "index.html":
            links.append(f"- [{page.stem}]({page.resolve().as_uri()})")
    return links


def _md(text: Any) -> str:
    """Text safe inside a Markdown table cell or list item."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


# --- entry points used by discourse.orchestrate ------------------------------------------------------
def flow_parameters(settings: Settings) -> dict[str, Any]:
    """The flow's parameters for ``settings`` (absolute folders), e.g. for a deployment."""
    return {
        "raw_dir": str(Path(settings.raw_dir).resolve()),
        "processed_dir": str(Path(settings.processed_dir).resolve()),
        "reports_dir": str(Path(settings.reports_dir).resolve()),
        "models_dir": str(Path(settings.models_dir).resolve()),
        "labels_dir": str(Path(settings.labels_dir).resolve()),
        "window": settings.window,
        "min_confidence": settings.min_confidence,
        "thread_prior": settings.thread_prior,
        "max_bytes": settings.max_bytes,
        "fmt": settings.fmt,
        "columns": dict(settings.columns) or None,
        "base_url": settings.base_url,
        "standalone": settings.standalone,
    }


def run_pipeline_flow(
    settings: Settings,
    *,
    force: bool = False,
    task_runner: TaskRunnerName = "thread",
    dask_address: str | None = None,
) -> RunSummary:
    """Run the flow once in this process (Prefect's embedded API unless PREFECT_API_URL is set)."""
    return discourse_pipeline(
        **flow_parameters(settings), force=force, task_runner=task_runner, dask_address=dask_address
    )


def serve_pipeline(settings: Settings, *, cron: str, name: str, parameters: dict[str, Any] | None = None) -> None:
    """Serve the flow on a cron schedule in this process until interrupted (``flow.serve``).

    Needs a Prefect server (``PREFECT_API_URL``): the embedded one runs no scheduler, so the
    schedule would never produce a run. Raises ConnectionError (the CLI's exit status 3) then.
    """
    from prefect.settings import get_current_settings

    if not get_current_settings().api.url:
        raise ConnectionError(
            "'discourse serve' needs a Prefect server to schedule runs: start one with "
            "'prefect server start' and set PREFECT_API_URL (e.g. http://127.0.0.1:4200/api)"
        )
    discourse_pipeline.serve(name=name, cron=cron, parameters={**flow_parameters(settings), **(parameters or {})})
