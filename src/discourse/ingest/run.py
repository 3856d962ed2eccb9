"""Ingest many raw files at once and store the result in a processed folder."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from discourse import schema, store
from discourse.ingest.build import FileIngest, read_source
from discourse.ingest.decode import DEFAULT_MAX_BYTES


@dataclass(frozen=True)
class RawEntry:
    """A raw file to ingest: where it is, and its name relative to the folder it was found in."""

    path: Path
    source_path: str
    problem: str | None = None  # set when the entry must be reported instead of read


@dataclass
class IngestSummary:
    """What an ingest run did: per-file outcomes and the threads it stored."""

    results: list[FileIngest] = field(default_factory=list)

    @property
    def failed(self) -> list[FileIngest]:
        return [r for r in self.results if not r.ok]

    @property
    def thread_ids(self) -> list[str]:
        return [t for r in self.results for t in r.thread_ids]

    @property
    def n_posts(self) -> int:
        return sum(r.tables["posts"].height for r in self.results if r.ok)


def find_raw_files(paths: Iterable[Path]) -> list[RawEntry]:
    """List the files to ingest under the given files and folders, sorted, hidden ones skipped.

    Names starting with ``.`` or ``_`` are skipped (editor and OS leftovers such as
    ``.DS_Store``). A symbolic link that leads outside the folder it was found in is listed
    with a problem instead of being read, so input can never pull in files from elsewhere.
    """
    entries: list[RawEntry] = []
    for given in paths:
        given = Path(given)
        if given.is_file():
            entries.append(RawEntry(given, given.name))
            continue
        if not given.is_dir():
            entries.append(RawEntry(given, given.name, "no such file or folder"))
            continue
        root = given.resolve()
        for path in sorted(given.rglob("*")):
            relative = path.relative_to(given)
            if any(part.startswith((".", "_")) for part in relative.parts) or not path.is_file():
                continue
            source = relative.as_posix()
            if path.is_symlink() and not path.resolve().is_relative_to(root):
                entries.append(RawEntry(path, source, "symbolic link points outside the raw folder"))
                continue
            entries.append(RawEntry(path, source))
    return entries


def read_entry(entry: RawEntry, **options: object) -> FileIngest:
    """Read one listed file (see :func:`discourse.ingest.read_source` for the options)."""
    if entry.problem is not None:
        return FileIngest(entry.source_path, None, None, error=entry.problem)
    return read_source(entry.path, entry.source_path, **options)  # type: ignore[arg-type]


def ingest_paths(
    paths: Iterable[Path],
    processed_dir: Path,
    *,
    fmt: str | None = None,
    columns: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    progress: Callable[[str], None] | None = None,
    base_url: str | None = None,
) -> IngestSummary:
    """Ingest every file under ``paths`` into ``processed_dir`` and rebuild its tables.

    Each good file's threads replace any earlier version of those threads; each bad file is
    recorded in ``ingest_report.parquet`` with its reason and the others are still processed.
    Nothing under ``paths`` is ever written.
    """
    now = datetime.now(UTC)
    summary = IngestSummary()
    processed_dir = Path(processed_dir)
    with store.run_lock(processed_dir):
        store.clean_leftovers(processed_dir)
        for entry in find_raw_files(paths):
            if progress is not None:
                progress(entry.source_path)
            result = read_entry(entry, fmt=fmt, columns=columns, max_bytes=max_bytes, now=now, base_url=base_url)
            summary.results.append(result)
            if result.ok:
                store_file_tables(processed_dir, result)
        store.consolidate(processed_dir, ("threads", "posts", "quotes"))
        write_ingest_report(processed_dir, summary.results, now)
    return summary


def store_file_tables(processed_dir: Path, result: FileIngest) -> dict[str, dict[str, pl.DataFrame]]:
    """Write each thread of a successfully read file into its own part folder.

    Returns each thread's tables by thread id, for callers that go on working in memory.
    """
    by_thread = split_by_thread(result.tables)
    for thread_id in result.thread_ids:
        store.replace_thread(processed_dir, thread_id, by_thread[thread_id])
    return by_thread


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


def write_ingest_report(processed_dir: Path, results: list[FileIngest], now: datetime) -> Path:
    """Write the run's per-file outcomes to ``ingest_report.parquet``."""
    rows = [r.report_row(now) for r in results]
    frame = pl.DataFrame(rows, schema=schema.INGEST_REPORT, orient="row") if rows else schema.empty(schema.INGEST_REPORT)
    return store.write_table(processed_dir, "ingest_report", frame)
