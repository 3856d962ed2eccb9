"""How each step of the library's run becomes a Prefect task: retries, caching, run names, log lines.

Every task retries twice, one second apart, and only for I/O errors (``OSError``); the commit
(``record-run``) never retries. Prefect's result caching is off for every task: the manifest is
the cache (docs/orchestration.md). :class:`flows.executor.PrefectExecutor` reads these tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from prefect.cache_policies import NO_CACHE

from discourse.plan import RunPlan

RETRIES = 2
RETRY_DELAY_SECONDS = 1


def retry_on_io_error(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a failed task run only when it failed with an I/O error (``OSError``)."""
    try:
        state.result()
    except OSError:
        return True
    except Exception:  # noqa: BLE001 - anything else is deterministic: do not retry
        return False
    return False


#: Options of every task; steps in :data:`NO_RETRY_STEPS` override ``retries``.
TASK_OPTIONS = {
    "retries": RETRIES,
    "retry_delay_seconds": RETRY_DELAY_SECONDS,
    "retry_condition_fn": retry_on_io_error,
    "cache_policy": NO_CACHE,
}


def _describe_plan(plan: RunPlan) -> str:
    return (
        f"plan: {len(plan.to_process)} file(s) to process, {len(plan.unchanged)} unchanged, "
        f"{len(plan.removed_threads)} thread(s) to remove, {len(plan.stale_reports)} page(s) missing"
    )


#: The log line that sums up a step's result, by step.
DESCRIBE_RESULT: dict[str, Callable[[Any], str]] = {
    "load-model": lambda loaded: f"stance model {loaded[1].get('model_version')}",
    "plan-run": _describe_plan,
    "build-reports": lambda pages: f"wrote {len(pages)} page(s)",
}
#: Task run names by step (parameters in braces).
RUN_NAMES = {"process-files": "process-files[{batch.label}]"}
#: Steps never retried: a commit is not redone halfway.
NO_RETRY_STEPS = {"record-run"}
