"""The processed folder's run lock: one writer at a time, re-entrant within a thread.

The lock is an ``flock`` on ``<processed>/.lock``; the kernel releases it when the process
dies, so a killed run never leaves a stale lock behind. The CLI takes it before it starts
Prefect or opens the database (so a refused run exits at once); the run sequence takes it
again inside, and that nested entry from the same thread passes through. Any other holder
(another process, or another thread of this one) makes :func:`run_lock` raise
:class:`LockedError` at once.
"""

from __future__ import annotations

import fcntl
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_FILE = ".lock"

#: Processed folders whose lock this process holds: resolved path -> (owning thread, depth).
_HELD: dict[Path, tuple[int, int]] = {}
_GUARD = threading.Lock()


class LockedError(RuntimeError):
    """Another run holds the processed folder's lock."""


@contextmanager
def run_lock(processed_dir: Path) -> Iterator[Path]:
    """Hold the processed folder's exclusive lock for the block, or raise LockedError at once."""
    processed_dir = Path(processed_dir)
    processed_dir.mkdir(parents=True, exist_ok=True)
    key, me = processed_dir.resolve(), threading.get_ident()
    with _GUARD:
        owner, depth = _HELD.get(key, (None, 0))
        if owner == me:
            _HELD[key] = (me, depth + 1)
    if owner == me:
        try:
            yield processed_dir / LOCK_FILE
        finally:
            with _GUARD:
                _HELD[key] = (me, _HELD[key][1] - 1)
        return
    with _flock(processed_dir) as path:
        with _GUARD:
            _HELD[key] = (me, 1)
        try:
            yield path
        finally:
            with _GUARD:
                del _HELD[key]


@contextmanager
def _flock(processed_dir: Path) -> Iterator[Path]:
    lock_path = processed_dir / LOCK_FILE
    handle = open(lock_path, "a+")  # noqa: SIM115 - held for the duration of the context
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise LockedError(
                f"another discourse run (pid {holder}) is writing to {processed_dir}; "
                "wait for it to finish and run again"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        yield lock_path
    finally:
        handle.close()
