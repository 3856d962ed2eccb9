"""Readers for tables of posts: CSV, JSON Lines and Parquet (``FORMATS``).

Every row is one post. The canonical columns are::

    thread_id, post_id, author, created_at, text, reply_to, title

and only ``text`` is required. A file whose columns are named differently is read with a
column mapping from canonical name to the file's column, e.g. ``{"text": "body", "author":
"user"}`` (the CLI spells it ``--columns text=body,author=user``; :func:`parse_columns` turns
that spelling into the mapping). Unmapped canonical names are looked up under their own name,
exactly first and then ignoring case. Other columns are ignored.

Rows are grouped into one :class:`ParsedThread` per distinct ``thread_id`` (in order of first
appearance, rows in file order within a thread; rows without a thread id form one thread whose
``source_thread_id`` is None). ``created_at`` may be an ISO 8601 string, epoch seconds, a
datetime or a forum's own date format (:mod:`discourse.ingest.dates`); a value that cannot be
read becomes None rather than an error. Rows with empty text are skipped, but a file where
every row is empty is rejected.

One bad row never costs the file its good rows: a malformed JSON line, a CSV row with more
fields than the header or broken quoting, or a cell of the wrong type is left out and recorded
on the :class:`RawFile` (:meth:`RawFile.skip_row`, with its line number and reason) for the
ingest report. A file none of whose rows can be read is rejected.

This module holds the entry points (:func:`sniff_format`, :func:`read`, :data:`SNIFFERS`,
:data:`READERS`) and re-exports each format's sniffer and reader. The column mapping, cell
conversion and grouping live in :mod:`discourse.ingest.tabular_rows`; each format has its own
module: :mod:`~discourse.ingest.tabular_csv`, :mod:`~discourse.ingest.tabular_jsonl`,
:mod:`~discourse.ingest.tabular_parquet`.
"""

from __future__ import annotations

from collections.abc import Mapping

from discourse.ingest.records import ParsedThread, RawFile
from discourse.ingest.tabular_csv import read_csv, sniff_csv
from discourse.ingest.tabular_jsonl import read_jsonl, sniff_jsonl
from discourse.ingest.tabular_parquet import read_parquet, sniff_parquet
from discourse.ingest.tabular_rows import CANONICAL_COLUMNS, REQUIRED_COLUMNS, parse_columns

__all__ = [
    "CANONICAL_COLUMNS",
    "FORMATS",
    "READERS",
    "REQUIRED_COLUMNS",
    "SNIFFERS",
    "parse_columns",
    "read",
    "read_csv",
    "read_jsonl",
    "read_parquet",
    "sniff_csv",
    "sniff_format",
    "sniff_jsonl",
    "sniff_parquet",
]

FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")

SNIFFERS = {"csv": sniff_csv, "jsonl": sniff_jsonl, "parquet": sniff_parquet}
READERS = {"csv": read_csv, "jsonl": read_jsonl, "parquet": read_parquet}


def sniff_format(raw: RawFile) -> str | None:
    """The tabular format ``raw`` looks like (Parquet, then JSON Lines, then CSV), or None."""
    for fmt in ("parquet", "jsonl", "csv"):
        if SNIFFERS[fmt](raw):
            return fmt
    return None


def read(
    raw: RawFile,
    fmt: str | None = None,
    columns: Mapping[str, str] | str | None = None,
    **options: object,
) -> list[ParsedThread]:
    """Read a table of posts as ``fmt`` (one of :data:`FORMATS`; None: detect it).

    Raises
    ------
    IngestError
        When the file is malformed, lacks the text column, or every row is empty.
    ValueError
        When ``fmt`` is not one of :data:`FORMATS` (a caller's mistake, not the file's).
    """
    if fmt is None:
        fmt = sniff_format(raw)
        if fmt is None:
            raise raw.fail("not recognised as CSV, JSON Lines or Parquet")
    if fmt not in READERS:
        raise ValueError(f"unknown tabular format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return READERS[fmt](raw, columns, **options)
