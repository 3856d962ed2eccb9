"""The Prefect executor: each step of the library's run as a Prefect task run, on threads or Dask.

:class:`PrefectExecutor` is what the flow hands :func:`discourse.pipeline.run_pipeline`
(the executor protocol of :mod:`discourse.executors`). Steps done once run as tasks in the
flow's thread; the step that processes batches of files runs on the flow's ThreadPoolTaskRunner or
on a Dask cluster, a bounded number of batches in flight. Task options per step: :mod:`flows.task_options`.
"""

import inspect
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import urlparse

from prefect import get_run_logger, task
from prefect.context import FlowRunContext
from prefect.futures import PrefectFuture

from flows.task_options import DESCRIBE_RESULT, NO_RETRY_STEPS, RUN_NAMES, TASK_OPTIONS

#: Threads of the default task runner: per-thread work is partly I/O, partly GIL-bound.
MAX_THREADS = min(8, (os.cpu_count() or 1) + 4)
#: Hosts of a Dask scheduler on this machine, whose workers can reach the embedded API.
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


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
        options = TASK_OPTIONS if name not in NO_RETRY_STEPS else {**TASK_OPTIONS, "retries": 0}
        result = task(fn, name=name, task_run_name=name, **options)(*args)
        describe = DESCRIBE_RESULT.get(name)
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
        unit = task(fn, name=name, task_run_name=RUN_NAMES.get(name, name), **TASK_OPTIONS)
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
        # A unit is a batch of files (``FileBatch``): progress is counted in files.
        total = sum(_files_in(item) for item in items)
        done = 0
        for item, params in zip(items, parameters, strict=True):
            pending.append((item, runner.submit(unit, params)))
            while len(pending) >= self.window:
                done += _files_in(pending[0][0])
                yield self._finish(*pending.popleft(), logger, done, total)
        while pending:
            done += _files_in(pending[0][0])
            yield self._finish(*pending.popleft(), logger, done, total)

    @staticmethod
    def _finish(item: Any, future: PrefectFuture[Any], logger: Any, done: int, total: int) -> tuple[Any, Any]:
        try:
            outcome = future.result()
        except Exception as error:  # noqa: BLE001 - e.g. a Dask worker lost with the task on it
            logger.error("%s failed: %s: %s", getattr(item, "label", item), type(error).__name__, error)
            outcome = error
        logger.info("files: %d/%d done", done, total)
        return item, outcome


def _files_in(item: Any) -> int:
    """How many files a unit of work holds (a batch's entries; anything else counts as one)."""
    return len(getattr(item, "entries", (item,)))


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
