"""Parquet exports of the committed tables, for pandas, Polars, R and the tool's own readers.

Layout of a processed folder::

    discourse.duckdb                  the store of record (:mod:`discourse.store.database`)
    exports/run-000042/<table>.parquet every table as committed by run 42
    current -> exports/run-000042     the newest complete export (a symbolic link)
    <table>.parquet -> current/<table>.parquet

After each commit the run writes a complete new export folder beside the old one and then
swaps ``current`` in one ``rename``: a reader that resolves ``current`` once sees every table
of one run, and the stable ``<table>.parquet`` paths always lead to the newest complete set.
The folder before it is kept (a reader may still be on it); older ones are deleted. Each file
records its run id in the Parquet key-value metadata (``discourse_run``). A run killed between
its commit and its export leaves the previous export in place; the next run notices that the
export is behind the database and writes it again.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema
from discourse.store.database import select_sql

EXPORTS = "exports"
CURRENT = "current"
RUN_KEY = "discourse_run"
#: Rows per Parquet row group: the export's memory is a few row groups of the widest table.
ROW_GROUP_ROWS = 20_000
_RUN_DIR = re.compile(r"run-(\d+)")


def run_dir_name(run_id: int) -> str:
    return f"run-{run_id:06d}"


def exported_run_id(processed_dir: Path) -> int | None:
    """The run whose tables ``current`` leads to (None when nothing was exported)."""
    current = Path(processed_dir) / CURRENT
    if not current.is_symlink():
        return None
    match = _RUN_DIR.fullmatch(os.path.basename(os.readlink(current)))
    return int(match.group(1)) if match else None


def export_tables(conn: Any, processed_dir: Path, run_id: int) -> Path:
    """Write every table as committed by ``run_id`` and make it the current export."""
    processed_dir = Path(processed_dir)
    exports = processed_dir / EXPORTS
    final = exports / run_dir_name(run_id)
    if not final.is_dir():
        staging = exports / f".tmp-{run_dir_name(run_id)}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        try:
            for table in schema.TABLES:
                target = str(staging / f"{table}.parquet").replace("'", "''")
                conn.execute(
                    f"COPY ({select_sql(table)}) TO '{target}' "
                    f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS}, "
                    f"KV_METADATA {{{RUN_KEY}: '{run_id}'}})"
                )
            os.sync()  # the files are on disk before any link leads to them
            staging.rename(final)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    _point(processed_dir / CURRENT, Path(EXPORTS) / final.name)
    for table in schema.TABLES:
        link = processed_dir / f"{table}.parquet"
        target = Path(CURRENT) / f"{table}.parquet"
        if not (link.is_symlink() and Path(os.readlink(link)) == target):
            _point(link, target)
    _remove_old_exports(exports, keep={final.name, *_previous(exports, final.name)})
    return final


def _point(link: Path, target: Path) -> None:
    """Make ``link`` a symbolic link to ``target`` in one rename (replacing what was there).

    A real folder in its place (a copy of the folder that followed the links) is removed first:
    it only holds a copy of an export.
    """
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)
    temp = link.with_name(f".tmp-link-{link.name}")
    temp.unlink(missing_ok=True)
    os.symlink(target, temp)
    os.replace(temp, link)


def _previous(exports: Path, newest: str) -> list[str]:
    names = sorted(p.name for p in exports.iterdir() if _RUN_DIR.fullmatch(p.name) and p.name < newest)
    return names[-1:]


def _remove_old_exports(exports: Path, keep: set[str]) -> None:
    for folder in exports.iterdir():
        if folder.name in keep:
            continue
        if folder.is_dir():
            shutil.rmtree(folder, ignore_errors=True)
        else:
            folder.unlink(missing_ok=True)


def read_exported_tables(processed_dir: Path, tables: tuple[str, ...]) -> dict[str, pl.DataFrame]:
    """Several tables of one export (``current`` is resolved once, so they come from one run)."""
    for table in tables:
        if table not in schema.TABLES:
            raise ValueError(f"unknown table {table!r}")
    current = Path(processed_dir) / CURRENT
    folder = current.resolve() if current.is_symlink() else None
    out: dict[str, pl.DataFrame] = {}
    for table in tables:
        path = folder / f"{table}.parquet" if folder is not None else None
        if path is None or not path.is_file():
            out[table] = schema.empty(schema.TABLES[table])
        else:
            out[table] = schema.conform(pl.read_parquet(path), schema.TABLES[table])
    return out
