"""Ingest files into a processed folder the way ``discourse ingest`` does (for tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from discourse.config import Settings
from discourse.pipeline import RunSummary
from discourse.slices import ingest_files


def ingest_paths(paths: list[Path], processed_dir: Path, *, exclude: list[Path] = (), **options: Any) -> RunSummary:
    """Run the ingest slice over ``paths`` into ``processed_dir`` (``exclude``: a reports folder)."""
    processed_dir = Path(processed_dir)
    extra = {"reports_dir": Path(exclude[0])} if exclude else {}
    settings = Settings.default(processed_dir.parent, processed_dir=processed_dir, **extra, **options)
    return ingest_files(settings, [Path(p) for p in paths])


def store_tables(processed_dir: Path, tables: dict) -> None:
    """Commit ``tables`` ({name: frame}) to a processed folder as a run would: the threads they
    name replaced in every per-thread table, the whole-run tables replaced."""
    from discourse import schema, store

    with store.run_lock(processed_dir), store.open_store(processed_dir) as db, db.transaction() as tx:
        ids = {t for name, frame in tables.items() if name in store.THREAD_TABLES for t in frame[schema.THREAD_ID]}
        tx.remove_threads(ids)
        tx.append({name: frame for name, frame in tables.items() if name in store.THREAD_TABLES})
        for name, frame in tables.items():
            if name in store.RUN_TABLES:
                tx.replace_table(name, frame)
