"""What the reports folder holds: page names, which pages exist, leftovers, stale pages.

Layout::

    reports/
      index.html               every thread, linked
      evaluation.html          the model evaluation (when there are labels to evaluate against)
      evaluation.json
      <thread_id>.html         one page per thread
      assets/vega-….js         the chart library the pages load (see :mod:`.assets`)
      images/                  charts exported as PNG or SVG (``discourse report --png/--svg``)

Each page names the chart library it loads in a ``<meta name="discourse-scripts">`` element
near its start: the relative URL of the shared file, or ``inline`` for a standalone page.
:func:`page_is_current` reads it, so a run can tell which pages need rewriting without
opening more than their first few hundred bytes.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

INDEX_PAGE = "index.html"
EVALUATION_PAGE = "evaluation.html"
#: The ``content`` of the scripts meta element on a page that carries its chart library inline.
INLINE = "inline"
#: Leftover temporary files at least this old are removed; a live write renames its file within
#: a second, so a file this old has no writer.
TEMP_MAX_AGE_SECONDS = 60.0

_UNSAFE_ID = re.compile(r"[/\\\x00-\x1f]")
_SCRIPTS_META = re.compile(rb'<meta name="discourse-scripts" content="([^"]*)">')
_HEAD_BYTES = 1024  # the meta element is the second element of <head>


def page_name(thread_id: str) -> str:
    """The file name of a thread's page; refuses ids that could leave the reports folder."""
    if not thread_id or _UNSAFE_ID.search(thread_id) or thread_id.startswith(".") or thread_id in {
        INDEX_PAGE.removesuffix(".html"),
        EVALUATION_PAGE.removesuffix(".html"),
    }:
        raise ValueError(f"thread id {thread_id!r} cannot be used as a file name")
    return f"{thread_id}.html"


def evaluation_link(out_dir: Path) -> str | None:
    """The evaluation page's URL when ``out_dir`` holds one, else None: pages link to it only
    when it exists."""
    return EVALUATION_PAGE if (Path(out_dir) / EVALUATION_PAGE).is_file() else None


def page_scripts(path: Path) -> str | None:
    """What the page at ``path`` loads its chart library from (a relative URL, or
    :data:`INLINE`); None when the file is missing or carries no such note."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES)
    except OSError:
        return None
    match = _SCRIPTS_META.search(head)
    return match.group(1).decode("utf-8", "replace") if match else None


def page_is_current(path: Path, *, standalone: bool) -> bool:
    """True when the page at ``path`` exists, was written in the wanted mode (``standalone``:
    library inline; else the shared file) and, in the shared mode, its library file exists.

    A page written by another version of discourse, without the note, is not current.
    """
    scripts = page_scripts(path)
    if scripts is None:
        return False
    if standalone:
        return scripts == INLINE
    return scripts != INLINE and (Path(path).parent / scripts).is_file()


def clean_temp_files(reports_dir: Path, *, max_age: float = TEMP_MAX_AGE_SECONDS) -> int:
    """Delete ``.tmp-*`` files below ``reports_dir`` last written ``max_age`` seconds ago or
    earlier (an interrupted write's leftovers); return how many were deleted.

    Younger files are left alone: they may belong to a write in progress, e.g. ``discourse
    evaluate`` writing the evaluation page while a run writes thread pages.
    """
    folder = Path(reports_dir)
    if not folder.is_dir():
        return 0
    cutoff = time.time() - max_age
    removed = 0
    for leftover in folder.rglob(".tmp-*"):
        try:
            if leftover.is_file() and leftover.stat().st_mtime <= cutoff:
                leftover.unlink()
                removed += 1
        except FileNotFoundError:
            continue  # its writer renamed or removed it meanwhile
    return removed
