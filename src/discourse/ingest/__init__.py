"""Ingestion: raw files in, quote-aware ``threads``, ``posts`` and ``quotes`` tables out.

:func:`read_source` turns one raw file into frames without touching the processed folder and
never raises for bad input: a file that cannot be read comes back with ``error`` set, so a run
records it and goes on. :func:`discourse.pipeline.ingest_files` does that for many files and stores the result.
"""

from __future__ import annotations

from discourse.ingest.build import FileIngest, read_source, threads_to_tables
from discourse.ingest.decode import DEFAULT_MAX_BYTES
from discourse.ingest.detect import FORMATS, detect_format
from discourse.ingest.errors import IngestError
from discourse.ingest.run import find_raw_files

__all__ = [
    "DEFAULT_MAX_BYTES",
    "FORMATS",
    "FileIngest",
    "IngestError",
    "detect_format",
    "find_raw_files",
    "read_source",
    "threads_to_tables",
]
