"""The ``discourse_pipeline`` Prefect flow: the library's run with Prefect as its executor.

The flow has no run sequence of its own: it calls :func:`discourse.pipeline.run_pipeline` with a
:class:`PrefectExecutor`, which turns each step into a task run —

    load-model -> plan-run -> process-files (one per batch of new or changed raw files, concurrent)
      -> record-run (the commit) -> build-reports -> [evaluate-model]

— and adds what an orchestrator is for: retries, logs, concurrency and artifacts.

Choices (docs/orchestration.md):

* ``process-files`` tasks run on the flow's ThreadPoolTaskRunner, or on a Dask cluster with
  ``task_runner="dask"`` (``dask_address`` of an existing scheduler, else a temporary
  LocalCluster). Each reads a batch of files (about 2 MB of raw files, at most 256 files:
  :func:`discourse.pipeline.batch_entries`), classifies and measures their posts together,
  writes their pages and returns their tables; only the flow's process writes the database, in
  one transaction.
* The model is loaded once per flow run and handed to every task. It is a picklable
  scikit-learn estimator (about 0.3 MB pickled), so on Dask it travels with each task; workers
  never train or read the models folder. Workers must see the raw and reports folders (one
  machine, or a shared file system).
* At most ``2 × threads`` batches are in flight: finished batches are committed while later ones
  are read, so the flow's memory does not grow with the corpus.
* No Prefect result caching: the manifest is the cache, keyed on each file's sha256 and the run
  version (model + settings), never on paths.
* Task retries (2, one second apart) only for I/O errors (``OSError``), never for the commit; the
  files of a task that fails for any other reason are recorded as failed and the others go on.

This module holds the flow, its parameters and the entry points :mod:`discourse.orchestrate`
calls; the pieces live beside it and are re-exported here: the executor
(:mod:`flows.executor`), the task options and retries (:mod:`flows.task_options`) and the
artifacts (:mod:`flows.artifacts`).
"""

from pathlib import Path
from typing import Any, Literal

from prefect import flow, get_run_logger
from prefect.task_runners import ThreadPoolTaskRunner

from discourse import pipeline as lib
from discourse.config import DEFAULT_MIN_CONFIDENCE, DEFAULT_WINDOW, Settings
from discourse.pipeline import RunSummary
from discourse.plan import RunPlan
from flows.artifacts import (
    KEY_FILES,
    KEY_INDEX,
    KEY_SHARES,
    KEY_SUMMARY,
    publish_artifacts,
    summary_markdown,
)
from flows.executor import MAX_THREADS, PrefectExecutor
from flows.task_options import RETRIES, RETRY_DELAY_SECONDS, retry_on_io_error

# No ``from __future__ import annotations``: Prefect builds the flow's parameter model from the
# annotations, which must then be objects, not names to look up.

FLOW_NAME = "discourse-pipeline"
TaskRunnerName = Literal["thread", "dask"]

#: The names this module exposes, those of the executor, task options and artifacts included.
__all__ = [
    "FLOW_NAME",
    "KEY_FILES",
    "KEY_INDEX",
    "KEY_SHARES",
    "KEY_SUMMARY",
    "MAX_THREADS",
    "RETRIES",
    "RETRY_DELAY_SECONDS",
    "PrefectExecutor",
    "TaskRunnerName",
    "discourse_pipeline",
    "flow_parameters",
    "publish_artifacts",
    "retry_on_io_error",
    "run_pipeline_flow",
    "serve_pipeline",
    "summary_markdown",
]


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
    ``task_runner="dask"`` runs the file tasks on the Dask scheduler at ``dask_address``
    (or on a temporary local cluster). ``standalone`` puts the chart library inside every page
    written instead of the reports folder's shared ``assets/`` file (docs/dashboards.md).
    """
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
    summary = lib.run_pipeline(settings, force=force, executor=PrefectExecutor(task_runner, dask_address))
    plan = summary.plan
    if plan.nothing_to_do:
        logger.info("nothing changed in %s", settings.raw_dir)
    if summary.evaluation_error:
        logger.warning("evaluation page not refreshed: %s", summary.evaluation_error)
    for warning in summary.thread_warnings:
        logger.warning("%s", warning)
    publish_artifacts(settings, summary, {"model_version": _model_version(plan)})
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


def _model_version(plan: RunPlan) -> str:
    """The model part of the run version (what the summary's "model version" row shows)."""
    return plan.model_version.split("|", 1)[0]


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
