"""Filesystem-safe names derived from untrusted input (file names, thread ids from a dump).

A name produced here is a single path component of ASCII letters, digits, ``.``, ``_`` and
``-``; it is never empty, never ``.``/``..``, never a Windows reserved device name, never
longer than ``MAX_NAME`` characters, and it cannot start with a dot (so it never collides with
the temporary and lock files the store keeps beside outputs). When sanitising changed the input,
a short hash of the original is appended so that different inputs keep different names.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_NAME = 96
_UNSAFE_RE = re.compile(r"[^a-z0-9._-]+")
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} | {f"lpt{i}" for i in range(10)}
)


def safe_name(original: str, *, max_length: int = MAX_NAME) -> str:
    """Return a filesystem-safe, stable single-component name for ``original``.

    >>> safe_name("pakpassion-why-not-ussr")
    'pakpassion-why-not-ussr'
    >>> safe_name("../../etc/passwd").startswith("etc-passwd-")
    True
    """
    ascii_text = unicodedata.normalize("NFKD", original).encode("ascii", "ignore").decode("ascii")
    slug = _UNSAFE_RE.sub("-", ascii_text.lower())
    slug = re.sub(r"-{2,}", "-", slug).strip("-._")
    changed = slug != original
    if not slug:
        slug = "thread"
    if slug.split(".")[0] in _RESERVED:
        slug = f"x-{slug}"
        changed = True
    budget = max_length - 9 if changed else max_length
    if len(slug) > budget:
        slug = slug[: max_length - 9].rstrip("-._")
        changed = True
    if changed:
        digest = hashlib.sha1(original.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{slug}-{digest}"
    return slug


def thread_id_for(source_path: str, source_thread_id: str | None = None) -> str:
    """The thread id of a thread read from ``source_path`` (relative to the raw folder).

    The id is the path without its extension, made safe; a file holding several threads gives
    each ``<file id>--<its own id made safe>``.
    """
    stem = source_path.rsplit(".", 1)[0] if "." in source_path.rsplit("/", 1)[-1] else source_path
    stem = stem.replace("\\", "/").strip("/")
    base = safe_name(stem.replace("/", "--") if "/" in stem else stem)
    if source_thread_id is None:
        return base
    return f"{base}--{safe_name(str(source_thread_id), max_length=48)}"
