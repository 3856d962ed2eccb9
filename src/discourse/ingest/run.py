"""Find the raw files of a run, read one, and cut a file's tables into its threads."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

import polars as pl

from discourse import schema
from discourse.ingest.build import FileIngest, read_source
from discourse.names import assign_file_ids


@dataclass(frozen=True)
class RawEntry:
    """A raw file to ingest: where it is, and its name relative to the folder it was found in.

    ``file_id`` is the id the run gave the file (:func:`discourse.names.assign_file_ids`);
    ``problem`` is set when the entry must be reported instead of read.
    """

    path: Path
    source_path: str
    problem: str | None = None
    file_id: str | None = None


def find_raw_files(
    paths: Iterable[Path],
    *,
    exclude: Iterable[Path] = (),
    previous_ids: Mapping[str, str] | None = None,
) -> list[RawEntry]:
    """List the files to ingest under the given files and folders, sorted, and give each its id.

    Names starting with ``.`` or ``_`` are skipped (editor and OS leftovers such as
    ``.DS_Store``), and so are the folders in ``exclude`` (the processed and reports folders,
    when they sit inside the raw folder: a run must not read its own output back). What cannot
    be read is listed with a ``problem`` for the ingest report instead of being skipped
    silently: a symbolic link leading outside the folder it was found in (file or folder: input
    never pulls in files from elsewhere), a broken link, a link loop, a named pipe, socket or
    device. A link to a folder inside the raw folder is not followed: its files are read where
    they are.

    Every readable file gets a distinct ``file_id`` (:func:`discourse.names.assign_file_ids`;
    ``previous_ids`` maps source paths to the ids of the previous run, which keeps them stable).
    """
    excluded = [Path(p).resolve() for p in exclude]
    entries: list[RawEntry] = []
    for given in paths:
        entries.extend(_list_given(Path(given), excluded))
    readable = [i for i, entry in enumerate(entries) if entry.problem is None]
    ids = assign_file_ids([entries[i].source_path for i in readable], previous_ids)
    for i, file_id in zip(readable, ids, strict=True):
        entries[i] = replace(entries[i], file_id=file_id)
    return entries


def _list_given(given: Path, excluded: list[Path]) -> list[RawEntry]:
    """The entries for one path named on the command line (a link named there is followed)."""
    try:
        mode = given.stat().st_mode
    except FileNotFoundError:
        if given.is_symlink():
            return [RawEntry(given, given.name, "broken symbolic link (its target does not exist)")]
        return [RawEntry(given, given.name, "no such file or folder")]
    except (OSError, RuntimeError) as error:
        return [RawEntry(given, given.name, _link_problem(error))]
    if stat.S_ISREG(mode):
        return [RawEntry(given, given.name)]
    if not stat.S_ISDIR(mode):
        return [RawEntry(given, given.name, f"not a regular file ({_kind(mode)})")]
    root = given.resolve()
    if _is_excluded(root, excluded):
        return []
    entries: list[RawEntry] = []
    _walk(given, (), root, excluded, entries)
    return entries


def _walk(folder: Path, parts: tuple[str, ...], root: Path, excluded: list[Path], out: list[RawEntry]) -> None:
    """Append the entries under ``folder`` (``parts``: its path below the raw folder), sorted."""
    try:
        children = sorted(os.scandir(folder), key=lambda child: child.name)
    except OSError as error:
        out.append(RawEntry(folder, "/".join(parts) or folder.name, f"cannot list folder: {error.strerror or error}"))
        return
    for child in children:
        if child.name.startswith((".", "_")):
            continue
        path, source = Path(child.path), "/".join((*parts, child.name))
        if child.is_symlink():
            entry = _link_entry(path, source, root, excluded)
            if entry is not None:
                out.append(entry)
        elif child.is_dir(follow_symlinks=False):
            if not _is_excluded(path.resolve(), excluded):
                _walk(path, (*parts, child.name), root, excluded, out)
        elif child.is_file(follow_symlinks=False):
            out.append(RawEntry(path, source))
        else:
            mode = child.stat(follow_symlinks=False).st_mode
            out.append(RawEntry(path, source, f"not a regular file ({_kind(mode)})"))


def _link_entry(path: Path, source: str, root: Path, excluded: list[Path]) -> RawEntry | None:
    """A symbolic link found in the raw folder: a file to read, a problem, or None (skip)."""
    try:
        target = path.resolve(strict=True)
        mode = target.stat().st_mode
    except FileNotFoundError:
        return RawEntry(path, source, "broken symbolic link (its target does not exist)")
    except (OSError, RuntimeError) as error:
        return RawEntry(path, source, _link_problem(error))
    if not target.is_relative_to(root):
        what = "folder" if stat.S_ISDIR(mode) else "file"
        return RawEntry(path, source, f"symbolic link points outside the raw folder (to a {what})")
    if _is_excluded(target, excluded) or stat.S_ISDIR(mode):
        return None  # a folder inside the raw folder is read where it is, not twice
    if not stat.S_ISREG(mode):
        return RawEntry(path, source, f"symbolic link to something that is not a regular file ({_kind(mode)})")
    return RawEntry(path, source)


def _link_problem(error: BaseException) -> str:
    # Path.resolve(strict=True) raises RuntimeError for a loop; stat() raises ELOOP.
    if isinstance(error, RuntimeError) or getattr(error, "errno", None) == errno.ELOOP:
        return "symbolic link loop"
    return f"cannot follow symbolic link: {getattr(error, 'strerror', None) or error}"


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file or folder"


def _is_excluded(path: Path, excluded: list[Path]) -> bool:
    return any(path == folder or path.is_relative_to(folder) for folder in excluded)


def read_entry(entry: RawEntry, **options: object) -> FileIngest:
    """Read one listed file (see :func:`discourse.ingest.read_source` for the options)."""
    if entry.problem is not None:
        return FileIngest(entry.source_path, None, None, error=entry.problem)
    return read_source(entry.path, entry.source_path, file_id=entry.file_id, **options)  # type: ignore[arg-type]


def split_by_thread(tables: dict[str, pl.DataFrame]) -> dict[str, dict[str, pl.DataFrame]]:
    """One file's tables cut into each thread's rows, in one pass per table (not one per thread)."""
    threads = tables["threads"][schema.THREAD_ID].to_list()
    out: dict[str, dict[str, pl.DataFrame]] = {t: {} for t in threads}
    for name, frame in tables.items():
        parts = frame.partition_by(schema.THREAD_ID, as_dict=True, maintain_order=True) if frame.height else {}
        for thread_id in threads:
            part = parts.get((thread_id,))
            out[thread_id][name] = part if part is not None else frame.clear()
    return out
