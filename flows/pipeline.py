"""The ``discourse_pipeline`` Prefect flow: the library's run with Prefect as its executor.

The flow has no run sequence of its own: it calls :func:`discourse.pipeline.run_pipeline` with a
:class:`PrefectExecutor`, which turns each step into a task run —

    load-model -> plan-run -> process-file (one per new or changed raw file, concurrent)
      -> record-run (the commit) -> build-reports -> [evaluate-model]

— and adds what an orchestrator is for: retries, logs, concurrency and artifacts.

Choices (docs/orchestration.md):

* ``process-file`` tasks run on the flow's ThreadPoolTaskRunner, or on a Dask cluster with
  ``task_runner="dask"`` (``dask_address`` of an existing scheduler, else a temporary
  LocalCluster). Each reads one file, classifies and measures its posts, writes its pages and
  returns its tables; only the flow's process writes the database, in one transaction.
* The model is loaded once per flow run and handed to every task. It is a picklable
  scikit-learn estimator (about 0.3 MB pickled), so on Dask it travels with each task; workers
  never train or read the models folder. Workers must see the raw and reports folders (one
  machine, or a shared file system).
* At most ``2 × threads`` files are in flight: finished files are committed while later ones
  are read, so the flow's memory does not grow with the corpus.
* No Prefect result caching: the manifest is the cache, keyed on each file's sha256 and the run
  version (model + settings), never on paths.
* Task retries (2, one second apart) only for I/O errors (``OSError``), never for the commit; a
  file whose task fails for any other reason is recorded as failed and the others go on.
"""

import inspect
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
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
from discourse.pipeline import RunSummary
from discourse.plan import RunPlan
from discourse.schema import (
    N_CLASSIFIED,
    N_POSTS,
    REASON,
    SHARE_NEUTRALIST,
    SHARE_NONE,
    SHARE_PRO_US,
    SHARE_PRO_USSR,
    SOURCE_PATH,
    STATUS,
    THREAD_ID,
    THREAD_IDS,
    TITLE,
)

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


# --- the executor: the library's run steps as Prefect task runs ---------------------------------------
class PrefectExecutor:
    """Runs each step of :func:`discourse.pipeline.run_pipeline` as a Prefect task run.

    ``stage`` calls a task in the flow's thread; ``map`` submits one task per item to the flow's
    thread pool or to a Dask cluster, at most ``window`` at a time (so finished files' tables
    are committed while later files are read, and memory stays bounded), and yields the outcomes
    in order, a failed task's exception in place of its result.
    """

    def __init__(self, task_runner: str = "thread", dask_address: str | None = None, window: int | None = None):
        self.task_runner = task_runner
        self.dask_address = dask_address
        self.window = window or 2 * MAX_THREADS

    def stage(self, name: str, fn: Callable[..., Any], /, *args: Any) -> Any:
        options = _IO if name not in _NO_RETRY else {**_IO, "retries": 0}
        result = task(fn, name=name, task_run_name=name, **options)(*args)
        describe = _DESCRIBE.get(name)
        if describe is not None:
            get_run_logger().info("%s", describe(result))
        return result

    def map(
        self, name: str, fn: Callable[[Any, Any], Any], shared: Any, items: Iterable[Any]
    ) -> Iterator[tuple[Any, Any]]:
        items = list(items)
        if not items:
            return
        first, second = list(inspect.signature(fn).parameters)[:2]
        unit = task(fn, name=name, task_run_name=_RUN_NAMES.get(name, name), **_IO)
        parameters = [{first: shared, second: item} for item in items]
        if self.task_runner == "thread":
            context = FlowRunContext.get()
            assert context is not None
            yield from self._submit(context.task_runner, unit, items, parameters)
            return
        from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings
        from prefect_dask import DaskTaskRunner

        updates: dict[Any, Any] = {}
        if not get_current_settings().api.url:
            updates[PREFECT_API_URL] = _embedded_api_url(self.dask_address)
        runner = DaskTaskRunner(address=self.dask_address) if self.dask_address else DaskTaskRunner()
        # The task runs carry this process's settings to the workers, the API URL included.
        with temporary_settings(updates=updates), runner:
            yield from self._submit(runner, unit, items, parameters)

    def _submit(
        self, runner: Any, unit: Any, items: list[Any], parameters: list[dict[str, Any]]
    ) -> Iterator[tuple[Any, Any]]:
        logger = get_run_logger()
        pending: deque[tuple[Any, PrefectFuture[Any]]] = deque()
        done = 0
        for item, params in zip(items, parameters, strict=True):
            pending.append((item, runner.submit(unit, params)))
            while len(pending) >= self.window:
                done += 1
                yield self._finish(*pending.popleft(), logger, done, len(items))
        while pending:
            done += 1
            yield self._finish(*pending.popleft(), logger, done, len(items))

    @staticmethod
    def _finish(item: Any, future: PrefectFuture[Any], logger: Any, done: int, total: int) -> tuple[Any, Any]:
        try:
            outcome = future.result()
        except Exception as error:  # noqa: BLE001 - e.g. a Dask worker lost with the task on it
            logger.error("%s failed: %s: %s", getattr(item, "source_path", item), type(error).__name__, error)
            outcome = error
        logger.info("files: %d/%d done", done, total)
        return item, outcome


def _describe_plan(plan: RunPlan) -> str:
    return (
        f"plan: {len(plan.to_process)} file(s) to process, {len(plan.unchanged)} unchanged, "
        f"{len(plan.removed_threads)} thread(s) to remove, {len(plan.stale_reports)} page(s) missing"
    )


_DESCRIBE: dict[str, Callable[[Any], str]] = {
    "load-model": lambda loaded: f"stance model {loaded[1].get('model_version')}",
    "plan-run": _describe_plan,
    "build-reports": lambda pages: f"wrote {len(pages)} page(s)",
}
#: Task run names by step (parameters in braces).
_RUN_NAMES = {"process-file": "process-file[{entry.source_path}]"}
#: Steps never retried: a commit is not redone halfway.
_NO_RETRY = {"record-run"}


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
    ``task_runner="dask"`` runs the per-file tasks on the Dask scheduler at ``dask_address``
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
            "file": row[SOURCE_PATH],
            "status": "unchanged" if row[STATUS] == "ok" else "failed (unchanged)",
            "threads": len(row[THREAD_IDS] or []),
            "reason": row[REASON] or "",
        }
        for row in summary.plan.unchanged
    ]
    return sorted(rows, key=lambda row: row["file"])


def _share_rows(settings: Settings) -> list[dict[str, Any]]:
    """Stance shares per thread from ``thread_summary.parquet`` (percent, one decimal)."""
    summary = store.read_table(settings.processed_dir, "thread_summary")
    titles = {
        row[THREAD_ID]: row[TITLE]
        for row in store.read_table(settings.processed_dir, "threads").iter_rows(named=True)
    }
    rows = []
    for row in summary.iter_rows(named=True):
        rows.append(
            {
                "thread": row[THREAD_ID],
                "title": titles.get(row[THREAD_ID]) or "",
                "posts": row[N_POSTS],
                "classified": row[N_CLASSIFIED],
                "pro_us_pct": _pct(row[SHARE_PRO_US]),
                "pro_ussr_pct": _pct(row[SHARE_PRO_USSR]),
                "neutralist_pct": _pct(row[SHARE_NEUTRALIST]),
                "none_pct": _pct(row[SHARE_NONE]),
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
        (f"file `{row[SOURCE_PATH]}` (unchanged, failed earlier)", row[REASON])
        for row in plan.unchanged
        if row[STATUS] != "ok"
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
