"""Filesystem-safe names derived from untrusted input (file names, thread ids from a dump).

A name produced here is a single path component of ASCII letters, digits, ``.``, ``_`` and
``-``; it is never empty, never ``.``/``..``, never a Windows reserved device name, never
longer than ``MAX_NAME`` characters, and it cannot start with a dot (so it never collides with
the temporary and lock files the store keeps beside outputs). When sanitising changed the input,
a short hash of the original is appended so that different inputs keep different names.
Runs of ``-`` or ``.`` are collapsed to one, so a safe name never holds ``..`` (which the store
refuses) nor ``--`` (which joins a file's id to the id of one of its threads).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping, Sequence

MAX_NAME = 96
_UNSAFE_RE = re.compile(r"[^a-z0-9._-]+")
# What thread_id_for produces: safe names, possibly joined by "--".
_THREAD_ID_RE = re.compile(rf"[a-z0-9][a-z0-9._-]{{0,{2 * MAX_NAME}}}")
_DASH_RUN_RE = re.compile(r"-{2,}")
_DOT_RUN_RE = re.compile(r"\.{2,}")
# A clash suffix: "-" and hex digits of the source path's sha1 (8, more only if still taken).
_SUFFIX_RE = re.compile(r"-[0-9a-f]{8,40}(?:-[0-9]+)?")
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
    slug = _DOT_RUN_RE.sub(".", _DASH_RUN_RE.sub("-", slug)).strip("-._")
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


def file_id_for(source_path: str) -> str:
    """The id a raw file's threads are named after: its path without the extension, made safe.

    Folders are joined with ``-`` before sanitising (``sub/b.txt`` -> ``sub-b``), so a plain
    path gives a readable id. Different files can share it (``a.txt`` and ``a.csv``;
    ``sub/b.txt`` and ``sub-b.txt``); :func:`assign_file_ids` resolves that.
    """
    stem = source_path.rsplit(".", 1)[0] if "." in source_path.rsplit("/", 1)[-1] else source_path
    stem = stem.replace("\\", "/").strip("/")
    return safe_name(stem.replace("/", "-"))


def thread_id_for(source_path: str, source_thread_id: str | None = None, *, file_id: str | None = None) -> str:
    """The thread id of a thread read from ``source_path`` (relative to the raw folder).

    The id is the file's id (``file_id`` when the run assigned one, else
    :func:`file_id_for`); a file holding several threads gives each
    ``<file id>--<its own id made safe>``. A safe name never holds ``--``, so ids of different
    files never meet.
    """
    base = file_id or file_id_for(source_path)
    if source_thread_id is None:
        return base
    return f"{base}--{safe_name(str(source_thread_id), max_length=48)}"


def assign_file_ids(source_paths: Sequence[str], previous: Mapping[str, str] | None = None) -> list[str]:
    """Give every file of one run a distinct id (in the order given), stable across runs.

    The rule:

    1. A file keeps the id it had in the previous run (``previous``: source path -> file id)
       when that id is still its own (its :func:`file_id_for`, or that with a clash suffix) and
       no file listed before it in sorted order kept it first.
    2. Otherwise a file gets :func:`file_id_for` when no other listed file claims the same id.
    3. Files that clash (``a.txt``, ``a.csv``, ``a.tsv``; ``sub/b.txt`` and ``sub-b.txt``) get
       ``<id>-<first 8 hex digits of the sha1 of the source path>``, longer if that is taken,
       and a counter when two inputs have the very same source path.

    So a file keeps its id when another file that maps to the same id is added next to it
    (rule 1), and a file that was given a suffix keeps it when the other one is removed.
    """
    previous = previous or {}
    natural = [file_id_for(path) for path in source_paths]
    claims = Counter(natural)
    ids: list[str | None] = [None] * len(source_paths)
    taken: set[str] = set()
    order = sorted(range(len(source_paths)), key=lambda i: (source_paths[i], i))
    for i in order:
        old = previous.get(source_paths[i])
        if old and old not in taken and (old == natural[i] or _is_suffixed(old, natural[i])):
            ids[i] = old
            taken.add(old)
    for i in order:
        if ids[i] is None and claims[natural[i]] == 1 and natural[i] not in taken:
            ids[i] = natural[i]
            taken.add(natural[i])
    for i in order:
        if ids[i] is None:
            ids[i] = _suffixed(natural[i], source_paths[i], taken)
            taken.add(ids[i])  # type: ignore[arg-type]
    return ids  # type: ignore[return-value]


def _is_suffixed(candidate: str, natural: str) -> bool:
    return candidate.startswith(natural) and _SUFFIX_RE.fullmatch(candidate[len(natural) :]) is not None


def _suffixed(natural: str, source_path: str, taken: set[str]) -> str:
    digest = hashlib.sha1(source_path.encode("utf-8", "surrogatepass")).hexdigest()
    for width in (8, 12, 16, 40):
        candidate = f"{natural}-{digest[:width]}"
        if candidate not in taken:
            return candidate
    count = 2
    while f"{natural}-{digest[:8]}-{count}" in taken:
        count += 1
    return f"{natural}-{digest[:8]}-{count}"


def check_thread_id(thread_id: str) -> str:
    """Return ``thread_id`` if it is a name :func:`thread_id_for` can make; else raise ValueError.

    Thread ids become page file names; a run checks them before storing anything, so that a
    bad id fails its file alone.
    """
    if not isinstance(thread_id, str) or not _THREAD_ID_RE.fullmatch(thread_id) or ".." in thread_id:
        raise ValueError(f"thread id {thread_id!r} is not a safe file name")
    return thread_id


def file_id_of(thread_id: str) -> str:
    """The file id a thread id starts with (the part before ``--``)."""
    return thread_id.split("--", 1)[0]
