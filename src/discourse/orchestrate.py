"""Reach the Prefect flow (:mod:`flows`) from the command line, Prefect imported last.

The analysis library never imports Prefect; only :mod:`flows` does. This module
stays Prefect-free too: ``discourse run`` takes the processed folder's lock here *before* the
flow module (and with it Prefect and its embedded API) is imported, so a refused run exits at
once, and the environment defaults below are set before Prefect reads its settings.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
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

#: Processed folders whose lock this process holds: resolved path -> (owning thread, depth).
_HELD_LOCKS: dict[Path, tuple[int, int]] = {}
_HELD_LOCKS_GUARD = threading.Lock()


def set_prefect_defaults() -> None:
    """Put :data:`PREFECT_DEFAULTS` into ``os.environ`` where unset (call before importing Prefect)."""
    for name, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(name, value)


@contextmanager
def hold_run_lock(processed_dir: Path) -> Iterator[None]:
    """Hold the processed folder's run lock (:func:`discourse.store.run_lock`), re-entrant per thread.

    The CLI takes the lock before starting Prefect and the flow takes it again inside: the
    second, nested entry from the same thread passes through. Any other holder (another
    process, or another thread of this one) makes it raise ``LockedError`` at once.
    """
    key = Path(processed_dir).resolve()
    me = threading.get_ident()
    with _HELD_LOCKS_GUARD:
        owner, depth = _HELD_LOCKS.get(key, (None, 0))
        nested = owner == me
        if nested:
            _HELD_LOCKS[key] = (me, depth + 1)
    if nested:
        try:
            yield
        finally:
            with _HELD_LOCKS_GUARD:
                _HELD_LOCKS[key] = (me, _HELD_LOCKS[key][1] - 1)
        return
    with store.run_lock(processed_dir):
        with _HELD_LOCKS_GUARD:
            _HELD_LOCKS[key] = (me, 1)
        try:
            yield
        finally:
            with _HELD_LOCKS_GUARD:
                del _HELD_LOCKS[key]


def run_flow(settings: Settings, **options: Any) -> Any:
    """Run the ``discourse_pipeline`` flow once in this process; return its RunSummary.

    The lock is taken first: when another run holds it, ``LockedError`` is raised before
    Prefect is imported. ``options``: those of :func:`flows.run_pipeline_flow`.
    """
    with hold_run_lock(settings.processed_dir):
        set_prefect_defaults()
        from flows import run_pipeline_flow

        return run_pipeline_flow(settings, **options)


def serve_flow(settings: Settings, *, cron: str, name: str) -> None:
    """Serve the flow on a cron schedule until interrupted (each run takes the lock itself)."""
    set_prefect_defaults()
    from flows import serve_pipeline

    serve_pipeline(settings, cron=cron, name=name)
