"""The processed folder: a DuckDB database as the store of record, Parquet exports, the run lock.

* :mod:`discourse.store.database` — the tables, one transaction per run.
* :mod:`discourse.store.exports` — every table exported to ``<processed>/<table>.parquet`` from
  the committed state, switched in as one set.
* :mod:`discourse.store.lock` — one writer at a time.

A run opens the folder with :func:`open_store` under :func:`run_lock` and writes through one
transaction; everything else (the label loop, the annotation page, evaluation, user code)
reads the exports with :func:`read_table`, which never opens the database.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from discourse.atomic import remove_stale_temps
from discourse.store.database import (
    DB_FILE,
    RUN_TABLES,
    THREAD_TABLES,
    Transaction,
    connect,
    db_path,
    last_run_id,
    read,
    stored_thread_ids,
)
from discourse.store.exports import export_tables, exported_run_id, read_exported_tables
from discourse.store.lock import LockedError, run_lock

__all__ = [
    "DB_FILE",
    "RUN_TABLES",
    "THREAD_TABLES",
    "LockedError",
    "Store",
    "Transaction",
    "clean_leftovers",
    "db_path",
    "open_store",
    "read_table",
    "read_tables",
    "run_lock",
]

#: Where a run stages its rows until it commits them.
STAGING = ".staging"
#: Folders of the part-file layout the database replaces; removed when a run finds them.
_LEGACY = ("parts",)


class Store:
    """An open processed folder (under the run lock): reads, one transaction, exports."""

    def __init__(self, processed_dir: Path, conn: Any) -> None:
        self.processed_dir = Path(processed_dir)
        self.conn = conn

    def read(self, table: str, thread_ids: Iterable[str] | None = None) -> pl.DataFrame:
        """A committed table (only the given threads' rows when ``thread_ids`` is set)."""
        return read(self.conn, table, thread_ids)

    def thread_ids(self) -> list[str]:
        """The stored threads, sorted."""
        return stored_thread_ids(self.conn)

    @contextmanager
    def transaction(self) -> Iterator[Transaction]:
        """A transaction that commits and exports when the block ends, and rolls back on error."""
        tx = Transaction(self.conn, self.processed_dir / STAGING)
        try:
            yield tx
            if not tx.closed:
                run_id = tx.commit()
                export_tables(self.conn, self.processed_dir, run_id)
        except BaseException:
            tx.rollback()
            raise

    def ensure_exported(self) -> None:
        """Export the committed tables again when the last export is behind the database."""
        run_id = last_run_id(self.conn)
        if run_id and exported_run_id(self.processed_dir) != run_id:
            export_tables(self.conn, self.processed_dir, run_id)


@contextmanager
def open_store(processed_dir: Path) -> Iterator[Store]:
    """Open the folder's database (the caller holds :func:`run_lock`); close it after the block."""
    conn = connect(processed_dir)
    try:
        store = Store(processed_dir, conn)
        store.ensure_exported()
        yield store
    finally:
        conn.close()


def read_table(processed_dir: Path, table: str) -> pl.DataFrame:
    """A table as the last run committed it (from the Parquet export; empty when absent)."""
    return read_exported_tables(processed_dir, (table,))[table]


def read_tables(processed_dir: Path, tables: Iterable[str]) -> dict[str, pl.DataFrame]:
    """Several tables of the same run (from one export set)."""
    return read_exported_tables(processed_dir, tuple(tables))


def clean_leftovers(processed_dir: Path) -> int:
    """Remove what interrupted writes and the part-file layout left behind; return how many."""
    processed_dir = Path(processed_dir)
    removed = remove_stale_temps(processed_dir)
    for name in (*_LEGACY, STAGING):
        if (processed_dir / name).is_dir():
            shutil.rmtree(processed_dir / name, ignore_errors=True)
            removed += 1
    exports = processed_dir / "exports"
    if exports.is_dir():
        for leftover in exports.glob(".tmp-*"):
            shutil.rmtree(leftover, ignore_errors=True)
            removed += 1
    return removed
