"""Reach the Prefect flow (:mod:`flows`) from the command line, Prefect imported last.

The analysis library never imports Prefect; only :mod:`flows` does. This module
stays Prefect-free too: ``discourse run`` takes the processed folder's lock here *before* the
flow module (and with it Prefect and its embedded API) is imported, so a refused run exits at
once, and the environment defaults below are set before Prefect reads its settings.
"""

from __future__ import annotations

import os
from typing import Any

from discourse import store
from discourse.config import Settings

#: Prefect defaults for an offline tool, set unless the environment already has them: no
#: telemetry from the client nor from the embedded server (a subprocess that inherits this
#: environment), and time for that server to start on a fresh PREFECT_HOME. Prefect reads its
#: settings once, at import (https://docs.prefect.io/v3/develop/settings-ref).
PREFECT_DEFAULTS = {
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
}

def set_prefect_defaults() -> None:
    """Put :data:`PREFECT_DEFAULTS` into ``os.environ`` where unset (call before importing Prefect)."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


def run_flow(settings: Settings, **options: Any) -> Any:
    """Run the ``discourse_pipeline`` flow once in this process; return its RunSummary.

    The lock is taken first: when another run holds it, ``LockedError`` is raised before
    Prefect is imported. When the plan finds nothing to do (and ``force`` is not set), Prefect
    is not started at all and the summary says so. ``options``: those of
    :func:`flows.run_pipeline_flow`.
    """
    from discourse.pipeline import plan_only

    with store.run_lock(settings.processed_dir):
        if not options.get("force"):
            summary = plan_only(settings)
            if summary.plan.nothing_to_do:
                return summary
        set_prefect_defaults()
        from flows import run_pipeline_flow

        return run_pipeline_flow(settings, **options)


def serve_flow(settings: Settings, *, cron: str, name: str) -> None:
    """Serve the flow on a cron schedule until interrupted (each run takes the lock itself)."""
    set_prefect_defaults()
    from flows import serve_pipeline

    serve_pipeline(settings, cron=cron, name=name)
