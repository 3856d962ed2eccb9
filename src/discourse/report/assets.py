"""The chart library of every page: Vega, Vega-Lite and vega-embed as one script.

By default the script is a file of the reports folder, ``assets/vega-<versions>-<hash>.js``,
that pages load by a relative ``<script src>``; a standalone page carries it inline instead.

The bundle comes from vl-convert (:func:`vl_convert.javascript_bundle`, about 1.5 to 3 s), so it
is built once per machine and copied once per reports folder, not once per page or per
process: its file name holds the vl-convert and Vega-Lite versions that determine its content
and the first 16 hex digits of its SHA-256. A folder whose file for the current versions
matches its own hash is used as it is; only a missing or damaged file makes this process write
it (atomically, so a page never loads half a file). The bytes come from the machine's cache
(:mod:`discourse.machine_cache`) when it holds an intact file of the current versions, and are
built and put there otherwise. A new vl-convert or Vega-Lite version gives a new name; files of
older versions stay, since pages written with them still load them.
"""

from __future__ import annotations

import functools
import re
import threading
from pathlib import Path

import altair as alt
import vl_convert as vlc

from discourse.machine_cache import read_cached, read_intact, write_cached, write_intact

#: The folder under the reports folder that holds the shared scripts.
ASSETS_DIR = "assets"

_LOCK = threading.Lock()  # page tasks of one flow run share a process: one of them writes
_verified: dict[Path, str] = {}  # assets folder -> the bundle file name checked in this process


def vegalite_version() -> str | None:
    """The Vega-Lite minor version Altair writes specs for, if vl-convert ships it (else None:
    vl-convert's default)."""
    wanted = ".".join(alt.VEGALITE_VERSION.split(".")[:2])
    return wanted if wanted in vlc.get_vegalite_versions() else None


def bundle_prefix() -> str:
    """The start of the current bundle's file name: the versions its content depends on."""
    return f"vega-{vlc.__version__}-vl{vegalite_version() or 'default'}-"


@functools.cache
def build_bundle() -> bytes:
    """Vega, Vega-Lite and vega-embed as one UTF-8 script (once per process).

    Read from the machine's cache when it holds an intact file of the current versions; else
    built by vl-convert and written to the cache. A cache that cannot be written (a read-only
    home) only costs the next process another build.
    """
    cached = read_cached(bundle_prefix(), ".js")
    if cached is not None:
        return cached
    data = vlc.javascript_bundle(vl_version=vegalite_version()).encode("utf-8")
    write_cached(bundle_prefix(), ".js", data)
    return data


def _find_intact(folder: Path) -> Path | None:
    """The intact bundle file of the current versions in ``folder``, or None."""
    found = read_intact(folder, bundle_prefix(), ".js")
    return found[0] if found is not None else None


def find_bundle(reports_dir: Path) -> Path | None:
    """The intact bundle file of the current versions in ``reports_dir``, or None."""
    return _find_intact(Path(reports_dir) / ASSETS_DIR)


def _current(folder: Path) -> str | None:
    """The name of the intact current bundle in ``folder`` (checked once per process), or None.

    The caller holds ``_LOCK``.
    """
    name = _verified.get(folder)
    if name is not None and (folder / name).is_file():
        return name
    found = find_bundle(folder.parent)
    if found is None:
        return None
    _verified[folder] = found.name
    return found.name


def ensure_bundle(reports_dir: Path) -> str:
    """Make sure ``reports_dir`` holds the current bundle; return its URL relative to the folder.

    Reads and hashes an existing file once per process and folder (a few milliseconds); builds
    and writes the bundle only when the folder has no intact file of the current versions.
    Safe to call from several threads; processes that race write the same bytes atomically.
    """
    folder = Path(reports_dir) / ASSETS_DIR
    with _LOCK:
        name = _current(folder)
        if name is None:
            name = write_intact(folder, bundle_prefix(), ".js", build_bundle()).name
            _verified[folder] = name
    return f"{ASSETS_DIR}/{name}"


@functools.lru_cache(maxsize=2)
def _inline(data: bytes) -> str:
    """``data`` as text that cannot end or change the ``<script>`` element it is placed in."""
    text = data.decode("utf-8")
    # The bundle has no "</script" today; make sure a future one cannot end its own tag.
    return re.sub(r"</(script)", r"<\\/\1", text, flags=re.IGNORECASE).replace("<!--", "<\\!--")


def inline_bundle(reports_dir: Path) -> str:
    """The bundle's text for an inline ``<script>`` (standalone pages).

    Taken from the folder's bundle file when there is an intact one, else built; nothing is
    written to the folder.
    """
    folder = Path(reports_dir) / ASSETS_DIR
    with _LOCK:
        name = _current(folder)
    return _inline((folder / name).read_bytes() if name is not None else build_bundle())
