"""The store of record: one DuckDB database per processed folder, written one run at a time.

Every table of :data:`discourse.schema.TABLES` is a table of ``<processed>/discourse.duckdb``
with the same columns plus a hidden ``_seq`` (the row's order within its thread, or within the
table for the whole-run tables), so reads and exports come out in one deterministic order.

A run writes through one :class:`Transaction`: it removes the threads it replaces, stages the
new rows in batches, replaces the manifest and the ingest report, inserts the staged rows and
commits once. DuckDB's
write-ahead log makes that commit atomic: a run killed at any point leaves the previous
complete state or the new one, never a mix, and nothing to clean by hand. Only the process that
holds the run lock (:mod:`discourse.store.lock`) opens the database; workers of a distributed
run return their tables to it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema

DB_FILE = "discourse.duckdb"
SEQ = "_seq"
#: Tables holding rows of one thread each (replaced thread by thread).
THREAD_TABLES: tuple[str, ...] = tuple(t for t, cols in schema.TABLES.items() if schema.THREAD_ID in cols)
#: Tables a run replaces whole.
RUN_TABLES: tuple[str, ...] = tuple(t for t in schema.TABLES if t not in THREAD_TABLES)
#: Within a thread (or a whole-run table), the keys rows are stably sorted by before ``_seq``.
ROW_ORDER: dict[str, tuple[str, ...]] = {
    "posts": (schema.POSITION,),
    "shifts": (schema.POSITION,),
    "change_points": (schema.POSITION,),
    "transitions": (schema.POSITION,),
    "author_tracks": (schema.AUTHOR,),
    "manifest": (schema.SOURCE_PATH,),
}
#: Appended rows are held until they reach about this many bytes, then staged as one file per
#: table.
FLUSH_BYTES = 32 << 20
#: DuckDB's own memory and threads (beyond the limit it writes to the database file or spills
#: to ``<db>.tmp``): the run's Python side needs the rest of a 1 GiB budget at a million posts.
#: One thread, because each thread of a Parquet export holds its own row-group buffers.
MEMORY_LIMIT = "256MB"
THREADS = 1
_RUNS = "_runs"

_DUCKDB_TYPES: dict[type[pl.DataType], str] = {
    pl.String: "VARCHAR",
    pl.Int64: "BIGINT",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
    pl.Date: "DATE",
}


def db_path(processed_dir: Path) -> Path:
    """Where a processed folder's database lives."""
    return Path(processed_dir) / DB_FILE


def duckdb_type(dtype: pl.DataType) -> str:
    """The DuckDB column type that stores a Polars dtype of the schema."""
    if isinstance(dtype, pl.Datetime):
        return "TIMESTAMPTZ"
    if isinstance(dtype, pl.List):
        return duckdb_type(dtype.inner) + "[]"
    try:
        return _DUCKDB_TYPES[type(dtype)]
    except KeyError:
        raise TypeError(f"no DuckDB type for {dtype}") from None


def connect(processed_dir: Path) -> Any:
    """Open (creating if needed) the folder's database, with every table of the schema present.

    Call only under the run lock: DuckDB lets one process open a database for writing.
    """
    import duckdb

    path = db_path(processed_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path), config={"memory_limit": MEMORY_LIMIT, "threads": THREADS})
    _ensure_tables(conn)
    return conn


def _ensure_tables(conn: Any) -> None:
    """Create missing tables, and add columns the schema has gained since a table was made."""
    existing = {
        (table, column)
        for table, column in conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main'"
        ).fetchall()
    }
    tables = {table for table, _ in existing}
    for table, columns in schema.TABLES.items():
        if table not in tables:
            body = ", ".join([f'"{c}" {duckdb_type(t)}' for c, t in columns.items()] + [f"{SEQ} BIGINT"])
            conn.execute(f'CREATE TABLE "{table}" ({body})')
            continue
        for column, dtype in columns.items():
            if (table, column) not in existing:
                conn.execute(f'ALTER TABLE "{table}" ADD COLUMN "{column}" {duckdb_type(dtype)}')
    if _RUNS not in tables:
        conn.execute(f"CREATE TABLE {_RUNS} (run_id BIGINT, committed_at TIMESTAMPTZ)")


def last_run_id(conn: Any) -> int:
    """The id of the last committed run (0 for a database no run has committed to)."""
    return int(conn.execute(f"SELECT coalesce(max(run_id), 0) FROM {_RUNS}").fetchall()[0][0])


def order_clause(table: str) -> str:
    """The ORDER BY that gives a table's rows in their stored order."""
    return f'"{schema.THREAD_ID}", {SEQ}' if table in THREAD_TABLES else SEQ


def select_sql(table: str, where: str = "") -> str:
    """The query that reads a table's schema columns in stored order."""
    columns = ", ".join(f'"{c}"' for c in schema.TABLES[table])
    return f'SELECT {columns} FROM "{table}" {where} ORDER BY {order_clause(table)}'


def read(conn: Any, table: str, thread_ids: Iterable[str] | None = None) -> pl.DataFrame:
    """A table's rows (only those of ``thread_ids`` when given), conformed to its schema."""
    if table not in schema.TABLES:
        raise ValueError(f"unknown table {table!r}")
    if thread_ids is None:
        frame = conn.sql(select_sql(table)).pl()
    else:
        ids = pl.DataFrame({"id": sorted(set(thread_ids))}, schema={"id": pl.String()})
        conn.register("_wanted", ids.to_arrow())
        try:
            frame = conn.sql(select_sql(table, f'WHERE "{schema.THREAD_ID}" IN (SELECT id FROM _wanted)')).pl()
        finally:
            conn.unregister("_wanted")
    return schema.conform(frame, schema.TABLES[table])


def stored_thread_ids(conn: Any) -> list[str]:
    """Thread ids present in the threads table, sorted."""
    rows = conn.execute(f'SELECT DISTINCT "{schema.THREAD_ID}" FROM threads ORDER BY 1').fetchall()
    return [row[0] for row in rows]


class Transaction:
    """One run's writes, applied together by :meth:`commit` (or not at all).

    Appended rows are staged as Parquet files in ``staging_dir`` (a batch of files' rows at a
    time) and inserted from there at commit: DuckDB keeps a transaction's own inserts in memory
    until it commits, which would hold the whole run; inserting from files streams instead.
    Staged rows are therefore not visible to :meth:`read` before the commit.
    """

    def __init__(self, conn: Any, staging_dir: Path) -> None:
        self._conn = conn
        self._staging = Path(staging_dir)
        self._pending: dict[str, list[pl.DataFrame]] = {table: [] for table in THREAD_TABLES}
        self._staged: dict[str, list[Path]] = {table: [] for table in THREAD_TABLES}
        self._bytes = 0
        self.closed = False
        shutil.rmtree(self._staging, ignore_errors=True)
        self._staging.mkdir(parents=True)
        conn.begin()

    def remove_threads(self, thread_ids: Iterable[str], tables: Iterable[str] = THREAD_TABLES) -> None:
        """Delete every committed row of these threads from the given per-thread tables (all by
        default)."""
        ids = sorted(set(thread_ids))
        if not ids:
            return
        self._conn.register("_gone", pl.DataFrame({"id": ids}, schema={"id": pl.String()}).to_arrow())
        try:
            for table in tables:
                self._conn.execute(f'DELETE FROM "{table}" WHERE "{schema.THREAD_ID}" IN (SELECT id FROM _gone)')
        finally:
            self._conn.unregister("_gone")

    def append(self, tables: Mapping[str, pl.DataFrame]) -> None:
        """Add rows to per-thread tables (staged; inserted at commit).

        A thread's rows of one table must arrive in one call, already in their order.
        """
        for table, frame in tables.items():
            if table not in THREAD_TABLES:
                raise ValueError(f"{table!r} is not a per-thread table")
            if frame.height:
                self._pending[table].append(frame)
                self._bytes += frame.estimated_size()
        if self._bytes >= FLUSH_BYTES:
            self.flush()

    def replace_table(self, table: str, frame: pl.DataFrame) -> None:
        """Replace every row of a whole-run table (the manifest, the ingest report)."""
        if table not in RUN_TABLES:
            raise ValueError(f"{table!r} is not a whole-run table")
        self._conn.execute(f'DELETE FROM "{table}"')
        rows = _ordered(table, frame)
        if rows.height:
            self._conn.register("_rows", rows.to_arrow())
            try:
                self._conn.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM _rows')
            finally:
                self._conn.unregister("_rows")

    def read(self, table: str, thread_ids: Iterable[str] | None = None) -> pl.DataFrame:
        """A table as this transaction sees it: committed rows, minus removed threads, with
        the whole-run tables it replaced (rows appended in this run are not visible yet)."""
        return read(self._conn, table, thread_ids)

    def flush(self) -> None:
        """Stage every held row now, one Parquet file per table."""
        for table, frames in self._pending.items():
            if frames:
                path = self._staging / f"{table}-{len(self._staged[table]):05d}.parquet"
                _ordered(table, pl.concat(frames, how="vertical_relaxed")).write_parquet(
                    path, compression="zstd", compression_level=1
                )
                self._staged[table].append(path)
                frames.clear()
        self._bytes = 0

    def commit(self) -> int:
        """Insert the staged rows and make every write of the run visible at once; return the run id."""
        self.flush()
        for table, paths in self._staged.items():
            if paths:
                files = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
                self._conn.execute(f'INSERT INTO "{table}" BY NAME SELECT * FROM read_parquet([{files}])')
        duplicated = self._conn.execute(
            f'SELECT "{schema.THREAD_ID}" FROM threads GROUP BY 1 HAVING count(*) > 1 LIMIT 1'
        ).fetchall()
        if duplicated:
            raise RuntimeError(f"thread {duplicated[0][0]!r} would be stored twice; nothing was committed")
        run_id = last_run_id(self._conn) + 1
        self._conn.execute(f"INSERT INTO {_RUNS} VALUES (?, ?)", [run_id, datetime.now(UTC)])
        self._conn.commit()
        self.closed = True
        shutil.rmtree(self._staging, ignore_errors=True)
        return run_id

    def rollback(self) -> None:
        """Drop every write of the run."""
        if not self.closed:
            self._pending = {table: [] for table in THREAD_TABLES}
            self._conn.rollback()
            self.closed = True
            shutil.rmtree(self._staging, ignore_errors=True)


def _ordered(table: str, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` conformed, in stored order, with its ``_seq`` column."""
    frame = schema.conform(frame, schema.TABLES[table])
    keys = ROW_ORDER.get(table, ())
    if table in THREAD_TABLES:
        frame = frame.sort([schema.THREAD_ID, *keys], maintain_order=True)
        return frame.with_columns(pl.int_range(pl.len(), dtype=pl.Int64).over(schema.THREAD_ID).alias(SEQ))
    if keys:
        frame = frame.sort(list(keys), maintain_order=True)
    return frame.with_row_index(SEQ).with_columns(pl.col(SEQ).cast(pl.Int64)).select([*schema.TABLES[table], SEQ])
