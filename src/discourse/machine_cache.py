"""The machine's cache: built artefacts kept between runs, processes and reports folders.

Some things are expensive to build and the same for every run on a machine: the Vega bundle
(:mod:`discourse.report.assets`, 1.5 to 3 s) and the compiled Hyperscan databases
(:mod:`discourse.compiled_scan`: the cue patterns, about 0.35 s; the gazetteer's terms, about
0.07 s). Each is kept here under a name that holds
what its content depends on (a *prefix* of versions and keys) and the first
:data:`HASH_DIGITS` hex digits of the content's SHA-256, so a damaged file is recognised and
rebuilt, and files of other versions never collide. Writes are atomic; a cache that cannot be
written (a read-only home) only costs the next process another build.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from discourse.atomic import write_bytes_atomic

#: Environment variable naming the machine's cache folder; set to an empty value for none.
CACHE_ENV = "DISCOURSE_CACHE_DIR"
#: Hex digits of the content's SHA-256 in a cached file's name.
HASH_DIGITS = 16


def cache_dir() -> Path | None:
    """The folder that keeps built artefacts between runs, or None for none.

    ``$DISCOURSE_CACHE_DIR`` when it is set (an empty value turns the cache off), else
    ``$XDG_CACHE_HOME/discourse``, else ``~/.cache/discourse``.
    """
    given = os.environ.get(CACHE_ENV)
    if given is not None:
        return Path(given).expanduser() if given.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "discourse"


def digest(data: bytes) -> str:
    """The first :data:`HASH_DIGITS` hex digits of ``data``'s SHA-256."""
    return hashlib.sha256(data).hexdigest()[:HASH_DIGITS]


def read_intact(folder: Path, prefix: str, suffix: str) -> tuple[Path, bytes] | None:
    """The first file ``<prefix><digest><suffix>`` in ``folder`` whose content hashes to the
    digest its name holds, and that content (read once); None when there is none."""
    for path in sorted(Path(folder).glob(f"{prefix}*{suffix}")):
        try:
            data = path.read_bytes()
        except OSError:
            continue
        if digest(data) == path.name[len(prefix) : len(path.name) - len(suffix)]:
            return path, data
    return None


def write_intact(folder: Path, prefix: str, suffix: str, data: bytes) -> Path:
    """Write ``data`` to ``folder`` as ``<prefix><digest><suffix>`` (atomically); return the path.

    Raises ``OSError`` when the folder cannot be written.
    """
    return write_bytes_atomic(Path(folder) / f"{prefix}{digest(data)}{suffix}", data)


def read_cached(prefix: str, suffix: str) -> bytes | None:
    """The content of an intact ``<prefix><digest><suffix>`` in the machine's cache, or None."""
    folder = cache_dir()
    found = read_intact(folder, prefix, suffix) if folder is not None else None
    return found[1] if found is not None else None


def write_cached(prefix: str, suffix: str, data: bytes) -> None:
    """Keep ``data`` in the machine's cache as ``<prefix><digest><suffix>`` (atomically).

    Does nothing when the cache is off, and gives up silently when it cannot be written.
    """
    folder = cache_dir()
    if folder is None:
        return
    try:
        write_intact(folder, prefix, suffix, data)
    except OSError:
        pass
