"""What a run must do: the raw folder compared with the manifest by content hash.

A raw file whose content hash and run version match its manifest row, and whose threads are
all still stored, is not read again. A changed or new file is processed alone; a deleted file's
threads are removed; a new run version (model or settings) reprocesses everything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from discourse.config import Settings
from discourse.ingest.run import RawEntry, find_raw_files
from discourse.names import file_id_of
from discourse.schema import MODEL_VERSION, SOURCE_PATH, SOURCE_SHA256, THREAD_IDS


@dataclass
class RunPlan:
    """What a run must do, decided from the raw folder, the manifest and the run version."""

    model_version: str
    to_process: list[RawEntry] = field(default_factory=list)
    unchanged: list[dict[str, Any]] = field(default_factory=list)  # manifest rows kept as they are
    removed_threads: list[str] = field(default_factory=list)
    stale_reports: list[str] = field(default_factory=list)  # unchanged threads whose page is missing
    hashes: dict[str, str] = field(default_factory=dict)  # source_path -> sha256 of current content
    replaced_threads: list[str] = field(default_factory=list)  # stored threads of files read again
    index_missing: bool = False
    evaluation_stale: bool = False  # label files exist and the evaluation page does not match them

    @property
    def nothing_to_do(self) -> bool:
        return not (
            self.to_process or self.removed_threads or self.stale_reports or self.index_missing
            or self.evaluation_stale
        )


def hash_file(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_version(model_metadata: dict[str, Any], settings: Settings) -> str:
    """The manifest's version key: the model plus every setting that changes stored results."""
    version = f"{model_metadata['model_version']}|min_confidence={settings.min_confidence}|window={settings.window}"
    # Only when set, so that manifests written before the options existed stay valid.
    version += "" if settings.thread_prior else "|thread_prior=off"
    return version + (f"|base_url={settings.base_url}" if settings.base_url else "")


def plan_run(
    settings: Settings, model_version: str, manifest: pl.DataFrame, stored: set[str], *, force: bool = False
) -> RunPlan:
    """Compare the raw folder with ``manifest`` (and the ``stored`` thread ids); decide the work."""
    from discourse.report import INDEX_PAGE, page_is_current

    plan = RunPlan(model_version=model_version)
    # A page written in the other mode (--standalone or not), or whose chart library file is
    # gone, is rewritten like a missing one.
    plan.index_missing = not page_is_current(settings.reports_dir / INDEX_PAGE, standalone=settings.standalone)
    known = {row[SOURCE_PATH]: row for row in manifest.iter_rows(named=True)}
    present: set[str] = set()
    previous_ids = {path: file_id_of(row[THREAD_IDS][0]) for path, row in known.items() if row[THREAD_IDS]}
    outputs = (settings.processed_dir, settings.reports_dir, settings.models_dir)  # never read back as input
    for entry in find_raw_files([settings.raw_dir], exclude=outputs, previous_ids=previous_ids):
        present.add(entry.source_path)
        if entry.problem is not None:
            plan.to_process.append(entry)
            continue
        try:
            plan.hashes[entry.source_path] = hash_file(entry.path)
        except OSError:
            plan.to_process.append(entry)  # read_entry reports the reason
            continue
        row = known.get(entry.source_path)
        if (
            not force
            and row is not None
            and row[SOURCE_SHA256] == plan.hashes[entry.source_path]
            and row[MODEL_VERSION] == model_version
            and set(row[THREAD_IDS] or []) <= stored
            and previous_ids.get(entry.source_path, entry.file_id) == entry.file_id
        ):
            plan.unchanged.append(row)
            for thread_id in row[THREAD_IDS] or []:
                if not page_is_current(settings.reports_dir / f"{thread_id}.html", standalone=settings.standalone):
                    plan.stale_reports.append(thread_id)
        else:
            plan.to_process.append(entry)
    for source_path, row in known.items():
        if source_path not in present:
            plan.removed_threads.extend(row[THREAD_IDS] or [])
    # Threads stored without any manifest row (left by 'discourse ingest') are stale too.
    listed = {t for row in known.values() for t in (row[THREAD_IDS] or [])}
    plan.removed_threads.extend(sorted(stored - listed - set(plan.removed_threads)))
    kept = {t for row in plan.unchanged for t in row[THREAD_IDS] or []}
    processed = {entry.source_path for entry in plan.to_process}
    plan.replaced_threads = sorted(
        {t for path, row in known.items() if path in processed for t in row[THREAD_IDS] or []} - kept
    )
    return plan
