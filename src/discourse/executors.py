"""How a run maps its work: the seam between the run sequence and an orchestrator.

:func:`discourse.pipeline.run_pipeline` owns the order of a run and hands every step to an
executor: ``stage(name, fn, *args)`` for a step done once (load the model, plan, commit, pages,
evaluation) and ``map(name, fn, shared, items)`` for the work on each batch of files. :class:`InProcess`
does both in the calling thread, lazily, one batch at a time; the Prefect flow (``flows.pipeline``)
supplies ``flows.executor.PrefectExecutor``, which makes each call a task run (with retries and
logs) and spreads the batches over threads or a Dask cluster.

``map`` yields ``(item, outcome)`` pairs in the order of ``items``, as they finish; the outcome
is what ``fn(shared, item)`` returned, or the exception that ended it when the executor
isolates failures (the in-process executor lets exceptions propagate: there is no worker to
lose). ``fn`` and ``shared`` must be picklable for executors that run work elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, Protocol, TypeVar

S = TypeVar("S")
T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    """What the run sequence needs from an orchestrator."""

    def stage(self, name: str, fn: Callable[..., R], /, *args: Any) -> R: ...

    def map(
        self, name: str, fn: Callable[[S, T], R], shared: S, items: Iterable[T]
    ) -> Iterator[tuple[T, R | BaseException]]: ...


class InProcess:
    """Every step in the calling thread, in order; the batches of files one at a time."""

    def stage(self, name: str, fn: Callable[..., R], /, *args: Any) -> R:
        return fn(*args)

    def map(
        self, name: str, fn: Callable[[S, T], R], shared: S, items: Iterable[T]
    ) -> Iterator[tuple[T, R | BaseException]]:
        for item in items:
            yield item, fn(shared, item)
