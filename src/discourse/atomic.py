"""Atomic file writes: a reader sees the old file or the new one, never a partial one.

Every writer in the project goes through these functions. Each writes to a temporary file in
the destination folder (same file system, so ``os.replace`` is atomic) and renames it over the
destination. The rename alone is what keeps readers and killed runs safe: a process killed at
any point leaves the old file or the new one, because the kernel's page cache outlives it.

Durability against a machine crash or power loss is a separate, costlier promise (an
``fsync`` costs ~3 ms here, more than writing a small file). ``durable=True`` (the default)
flushes each file before the rename. Bulk writers (pages) pass ``durable=False`` and the run
calls :func:`sync_to_disk` once before it commits its manifest, the point that tells the next
run what is done.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path



def _file_mode() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


_FILE_MODE = _file_mode()


def write_atomic(path: Path, write: Callable[[Path], None], *, durable: bool = True) -> Path:
    """Call ``write(tmp_path)`` and rename the temporary file to ``path``.

    With ``durable`` the file's data is flushed to disk before the rename. The temporary file
    is removed if ``write`` raises, so a crash leaves at most a hidden ``.tmp-*`` file that the
    next run's :func:`remove_stale_temps` deletes.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".tmp-{path.name}.", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        if durable:
            with open(tmp, "rb+") as handle:
                os.fsync(handle.fileno())
        # mkstemp creates 0600 files; outputs are ordinary readable files like any other.
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def write_text_atomic(path: Path, text: str, *, durable: bool = True) -> Path:
    """Write UTF-8 text to ``path`` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), durable=durable)


def write_bytes_atomic(path: Path, data: bytes, *, durable: bool = True) -> Path:
    """Write bytes to ``path`` atomically."""
    return write_atomic(path, lambda tmp: tmp.write_bytes(data), durable=durable)


def sync_to_disk() -> None:
    """Flush every file written without ``durable`` to disk (one ``sync`` for the whole run)."""
    os.sync()


def remove_stale_temps(folder: Path) -> int:
    """Delete ``.tmp-*`` leftovers of interrupted writes below ``folder``; return how many."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    removed = 0
    for leftover in folder.rglob(".tmp-*"):
        if leftover.is_file():
            leftover.unlink(missing_ok=True)
            removed += 1
    return removed
