"""Hyperscan databases: compiled once per machine, scanned from any thread.

Two scans run Hyperscan: the cue patterns (:mod:`discourse.stance.pattern_gate`) and the
gazetteer's terms (:mod:`discourse.sides`). Each compiles a few dozen expressions into one
automaton, which takes a few tenths of a second, so :func:`load_database` keeps the compiled
database in the machine's cache (:mod:`discourse.machine_cache`) under a name holding a key of
the expressions, their flags and Hyperscan's version, and later processes load it in well
under a millisecond. :func:`scratch_for` gives each thread its own scratch space per database,
since a flow run classifies in several threads and a scratch space serves one scan at a time.

Hyperscan is optional: without the package (it has wheels for Linux on x86-64 only), or on a
processor it does not support, :func:`load_database` returns None and the callers use ``re``.
"""

from __future__ import annotations

import hashlib
import threading
from typing import Any

#: A cached database's file name: ``<name>-<key>-``, the content's digest and this suffix.
CACHE_SUFFIX = ".hsdb"

_local = threading.local()


def cache_prefix(name: str, expressions: list[bytes], flags: list[tuple[str, ...]], version: str) -> str:
    """The file-name prefix of a database: ``name`` and a key of everything its content depends on."""
    described = [e + b"\t" + ",".join(f).encode() for e, f in zip(expressions, flags, strict=True)]
    key = hashlib.sha256(b"\n".join(described) + b"\n" + version.encode()).hexdigest()[:16]
    return f"{name}-{key}-"


def compile_database(hyperscan: Any, expressions: list[bytes], flags: list[tuple[str, ...]]) -> Any:
    """Compile ``expressions`` for block mode; ``flags[i]`` names expression ``i``'s flags
    without their ``HS_FLAG_`` prefix (``("CASELESS", "SOM_LEFTMOST")``)."""
    db = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
    values = [sum(getattr(hyperscan, f"HS_FLAG_{name}") for name in names) for names in flags]
    db.compile(expressions=expressions, ids=list(range(len(expressions))), elements=len(expressions),
               flags=values)
    return db


def load_database(name: str, expressions: list[bytes], flags: list[tuple[str, ...]]) -> Any | None:
    """The block-mode database of ``expressions`` (pattern ``i`` reports id ``i``), from the
    machine's cache or compiled and cached; None when Hyperscan is not installed, refuses an
    expression, or cannot run on this processor.

    A cached copy that is damaged or from another build of Hyperscan is compiled anew.
    """
    from discourse.machine_cache import read_cached, write_cached

    try:
        import hyperscan
    except ImportError:
        return None
    prefix = cache_prefix(name, expressions, flags, hyperscan.__version__)
    db = None
    cached = read_cached(prefix, CACHE_SUFFIX)
    if cached is not None:
        try:
            db = hyperscan.loadb(cached, hyperscan.HS_MODE_BLOCK)
        except hyperscan.error:
            db = None  # another build's format: compile it anew below
    try:
        if db is None:
            db = compile_database(hyperscan, expressions, flags)
            write_cached(prefix, CACHE_SUFFIX, hyperscan.dumpb(db))
        scratch_for(db)  # fails here, not in a scan, on a processor Hyperscan does not support
        return db
    except hyperscan.error:
        return None


def scratch_for(db: Any) -> Any:
    """This thread's scratch space for ``db``: a scan needs one that no other scan is using."""
    held: dict[int, tuple[Any, Any]] | None = getattr(_local, "scratches", None)
    if held is None:
        held = _local.scratches = {}
    found = held.get(id(db))
    if found is None or found[0] is not db:
        import hyperscan

        found = held[id(db)] = (db, hyperscan.Scratch(db))
    return found[1]
