"""The processed folder: per-thread part files, consolidated tables, and the run lock.

Layout of a processed folder::

    <processed>/parts/<thread_id>/<table>.parquet   one thread's rows of each per-thread table
    <processed>/<table>.parquet                     every thread's rows, rebuilt by consolidate()
    <processed>/ingest_report.parquet               the files the last run looked at
    <processed>/manifest.parquet                    raw files already processed, by content hash
    <processed>/.lock                               held while a run writes

Every file is written atomically (:mod:`discourse.atomic`). A thread's part folder is replaced
as a whole: the new folder is built beside it and swapped in, so re-ingesting a thread also
drops its now-stale classification and metrics. Part files are written without a per-file
``fsync`` (the run syncs once before its manifest); consolidated tables are flushed each.

Consolidation streams: each table is rebuilt one thread's part at a time into a Parquet writer,
so its memory stays bounded by the largest thread (plus one row-group buffer) whatever the
size of the corpus.
"""

from __future__ import annotations

import fcntl
import os
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq

from discourse import schema
from discourse.atomic import remove_stale_temps, write_atomic, write_parquet_atomic
from discourse.names import MAX_NAME

PARTS = "parts"
# What names.thread_id_for produces: safe names, possibly joined by "--".
_SAFE_ID_RE = re.compile(rf"[a-z0-9][a-z0-9._-]{{0,{2 * MAX_NAME}}}")
#: Tables stored per thread (the rest are whole-run tables).
THREAD_TABLES: tuple[str, ...] = (
    "threads",
    "posts",
    "quotes",
    "classified",
    "shifts",
    "change_points",
    "transitions",
    "author_tracks",
    "thread_summary",
)
#: Rows buffered before a consolidated table's writer gets a row group.
ROW_GROUP_ROWS = 65_536
#: Sort keys that give every consolidated table a deterministic row order.
_ORDER: dict[str, list[str]] = {
    "threads": [schema.THREAD_ID],
    "posts": [schema.THREAD_ID, schema.POSITION],
    # Quotes and classifications keep the post order their part file was written in.
    "quotes": [schema.THREAD_ID],
    "classified": [schema.THREAD_ID],
    "shifts": [schema.THREAD_ID, schema.POSITION],
    "change_points": [schema.THREAD_ID, schema.POSITION],
    "transitions": [schema.THREAD_ID, schema.POSITION],
    "author_tracks": [schema.THREAD_ID, "author"],
    "thread_summary": [schema.THREAD_ID],
}


class LockedError(RuntimeError):
    """Another run holds the processed folder's lock."""


def table_path(processed_dir: Path, table: str) -> Path:
    """Path of a consolidated table."""
    if table not in schema.TABLES:
        raise ValueError(f"unknown table {table!r}")
    return Path(processed_dir) / f"{table}.parquet"


def thread_dir(processed_dir: Path, thread_id: str) -> Path:
    """The part folder of one thread; ``thread_id`` must already be a safe name."""
    if not _SAFE_ID_RE.fullmatch(thread_id) or ".." in thread_id:
        raise ValueError(f"thread id {thread_id!r} is not a safe file name")
    return Path(processed_dir) / PARTS / thread_id


def write_table(processed_dir: Path, table: str, frame: pl.DataFrame) -> Path:
    """Conform ``frame`` to its schema and write the consolidated table atomically."""
    frame = schema.conform(frame, schema.TABLES[table])
    return write_parquet_atomic(frame, table_path(processed_dir, table))


def read_table(processed_dir: Path, table: str) -> pl.DataFrame:
    """Read a consolidated table; an absent table reads as an empty frame of its schema."""
    path = table_path(processed_dir, table)
    if not path.exists():
        return schema.empty(schema.TABLES[table])
    return schema.conform(pl.read_parquet(path), schema.TABLES[table])


def replace_thread(processed_dir: Path, thread_id: str, tables: Mapping[str, pl.DataFrame]) -> Path:
    """Replace a thread's whole part folder with ``tables`` (swap in a fully written folder)."""
    final = thread_dir(processed_dir, thread_id)
    final.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".tmp-{thread_id}.", dir=final.parent))
    try:
        for table, frame in tables.items():
            _write_part(staging, table, frame)
        retired = None
        if final.exists():
            retired = final.parent / f".old-{thread_id}.{os.getpid()}"
            shutil.rmtree(retired, ignore_errors=True)
            final.rename(retired)
        staging.rename(final)
        if retired is not None:
            shutil.rmtree(retired, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return final


def update_thread(processed_dir: Path, thread_id: str, tables: Mapping[str, pl.DataFrame]) -> Path:
    """Add or overwrite some tables of an existing thread (each file written atomically)."""
    folder = thread_dir(processed_dir, thread_id)
    if not folder.is_dir():
        raise FileNotFoundError(f"thread {thread_id!r} has not been ingested into {processed_dir}")
    for table, frame in tables.items():
        _write_part(folder, table, frame)
    return folder


def read_thread(processed_dir: Path, thread_id: str, table: str) -> pl.DataFrame:
    """Read one table of one thread; absent reads as empty."""
    path = thread_dir(processed_dir, thread_id) / f"{table}.parquet"
    if not path.exists():
        return schema.empty(schema.TABLES[table])
    return schema.conform(pl.read_parquet(path), schema.TABLES[table])


def list_threads(processed_dir: Path) -> list[str]:
    """Thread ids that have a part folder, sorted."""
    parts = Path(processed_dir) / PARTS
    if not parts.is_dir():
        return []
    return sorted(p.name for p in parts.iterdir() if p.is_dir() and not p.name.startswith("."))


def remove_threads(processed_dir: Path, thread_ids: Iterable[str]) -> None:
    """Delete the part folders of threads whose source is gone."""
    for thread_id in thread_ids:
        shutil.rmtree(thread_dir(processed_dir, thread_id), ignore_errors=True)


def consolidate(processed_dir: Path, tables: Iterable[str] = THREAD_TABLES) -> dict[str, int]:
    """Rebuild each consolidated table from every thread's part file; return row counts.

    Rows come out sorted by the table's keys (:data:`_ORDER`, thread id first). Threads are
    visited in sorted id order and each part is sorted on its own (stable), which gives the
    order of a global stable sort without holding more than one thread in memory.
    """
    counts: dict[str, int] = {}
    threads = list_threads(processed_dir)
    for table in tables:
        files = [
            path
            for path in (thread_dir(processed_dir, t) / f"{table}.parquet" for t in threads)
            if path.exists()
        ]
        counts[table] = _stream_table(processed_dir, table, files)
    return counts


def _stream_table(processed_dir: Path, table: str, files: list[Path]) -> int:
    """Write ``table`` from ``files`` (already in thread order) through one Parquet writer."""
    columns = schema.TABLES[table]
    order = _ORDER[table][1:]
    arrow_schema = schema.empty(columns).to_arrow().schema
    rows = 0

    def write(tmp: Path) -> None:
        nonlocal rows
        pending: list[pl.DataFrame] = []
        buffered = 0
        with pq.ParquetWriter(tmp, arrow_schema, compression="zstd") as writer:
            for path in files:
                part = schema.conform(pl.read_parquet(path), columns)
                if order and part.height > 1:
                    part = part.sort(order, maintain_order=True)
                pending.append(part)
                buffered += part.height
                if buffered >= ROW_GROUP_ROWS:
                    writer.write_table(pl.concat(pending, how="vertical").to_arrow().cast(arrow_schema))
                    rows += buffered
                    pending, buffered = [], 0
            if pending:
                writer.write_table(pl.concat(pending, how="vertical").to_arrow().cast(arrow_schema))
                rows += buffered
            if rows == 0:
                writer.write_table(arrow_schema.empty_table())

    write_atomic(table_path(processed_dir, table), write)
    return rows


def clean_leftovers(processed_dir: Path) -> int:
    """Remove temp files and half-swapped folders an interrupted run left behind."""
    processed_dir = Path(processed_dir)
    removed = remove_stale_temps(processed_dir)
    parts = processed_dir / PARTS
    if parts.is_dir():
        for leftover in parts.iterdir():
            if leftover.is_dir() and leftover.name.startswith((".tmp-", ".old-")):
                shutil.rmtree(leftover, ignore_errors=True)
                removed += 1
    return removed


@contextmanager
def run_lock(processed_dir: Path) -> Iterator[Path]:
    """Hold the processed folder's exclusive lock, or raise LockedError at once.

    The lock is an ``flock`` on ``<processed>/.lock``; the kernel releases it when the process
    dies, so a killed run never leaves a stale lock behind.
    """
    processed_dir = Path(processed_dir)
    processed_dir.mkdir(parents=True, exist_ok=True)
    lock_path = processed_dir / ".lock"
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


def _write_part(folder: Path, table: str, frame: pl.DataFrame) -> None:
    if table not in THREAD_TABLES:
        raise ValueError(f"{table!r} is not a per-thread table")
    frame = schema.conform(frame, schema.TABLES[table])
    write_parquet_atomic(frame, folder / f"{table}.parquet", durable=False)
