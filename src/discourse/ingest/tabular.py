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
"""

from __future__ import annotations

import csv
import io
import json
import math
import sys
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

import polars as pl

from discourse.ingest.dates import parse_datetime
from discourse.ingest.records import ParsedThread, RawFile, RawPost
from discourse.ingest.xenforo_html import guarded, sniff_head

FORMATS: tuple[str, ...] = ("csv", "jsonl", "parquet")
#: The columns a table of posts may have, in the order they are documented.
CANONICAL_COLUMNS: tuple[str, ...] = (
    "thread_id",
    "post_id",
    "author",
    "created_at",
    "text",
    "reply_to",
    "title",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("text",)

_PARQUET_MAGIC = b"PAR1"
_SEPARATORS = (",", "\t", ";", "|")
_TEXTLIKE_HEADERS = frozenset(
    {"text", "body", "content", "message", "post", "post_text", "comment"}
)
_SNIFF_JSONL_BYTES = 64 * 1024


class _BadValue(Exception):
    """A cell of the wrong type; the caller adds where it is."""


# --- column mapping ---------------------------------------------------------------------------


def parse_columns(spec: str) -> dict[str, str]:
    """Parse ``"text=body,author=user"`` into ``{"text": "body", "author": "user"}``.

    Raises
    ------
    ValueError
        When an item is not ``name=column`` or names an unknown canonical column.
    """
    mapping: dict[str, str] = {}
    for item in spec.split(","):
        if not item.strip():
            continue
        name, sep, column = item.partition("=")
        name, column = name.strip(), column.strip()
        if not sep or not name or not column:
            raise ValueError(f"column mapping item {item.strip()!r} is not of the form name=column")
        if name not in CANONICAL_COLUMNS:
            raise ValueError(
                f"unknown column {name!r} in the column mapping; "
                f"expected one of {', '.join(CANONICAL_COLUMNS)}"
            )
        mapping[name] = column
    return mapping


def _mapping(raw: RawFile, columns: Mapping[str, str] | str | None) -> dict[str, str]:
    if columns is None:
        return {}
    if isinstance(columns, str):
        try:
            return parse_columns(columns)
        except ValueError as exc:
            raise raw.fail(str(exc)) from exc
    if not isinstance(columns, Mapping):
        raise raw.fail(f"the column mapping is a {type(columns).__name__}, expected name=column")
    mapping: dict[str, str] = {}
    for name, column in columns.items():
        if name not in CANONICAL_COLUMNS:
            raise raw.fail(
                f"unknown column {name!r} in the column mapping; "
                f"expected one of {', '.join(CANONICAL_COLUMNS)}"
            )
        if not isinstance(column, str) or not column:
            raise raw.fail(f"the column mapping gives {name!r} no column name")
        mapping[name] = column
    return mapping


def _resolve(
    raw: RawFile, available: Iterable[str], columns: Mapping[str, str] | str | None
) -> dict[str, str]:
    """Canonical name -> the file's column, for the canonical columns the file has."""
    present = list(dict.fromkeys(available))
    mapping = _mapping(raw, columns)
    by_folded: dict[str, str] = {}
    for name in present:
        by_folded.setdefault(name.strip().casefold(), name)
    resolved: dict[str, str] = {}
    for role in CANONICAL_COLUMNS:
        if role in mapping:
            if mapping[role] not in present:
                raise raw.fail(
                    f"column {mapping[role]!r} (mapped to {role}) is not in the file; "
                    f"its columns are: {_listing(present)}"
                )
            resolved[role] = mapping[role]
        elif role in present:
            resolved[role] = role
        elif role in by_folded:
            resolved[role] = by_folded[role]
    for role in REQUIRED_COLUMNS:
        if role not in resolved:
            raise raw.fail(
                f"no {role!r} column (map one with --columns {role}=NAME); "
                f"the file's columns are: {_listing(present)}"
            )
    return resolved


def _listing(names: list[str]) -> str:
    if not names:
        return "(none)"
    shown = ", ".join(repr(n) for n in names[:20])
    return shown + (f" and {len(names) - 20} more" if len(names) > 20 else "")


# --- cell values ------------------------------------------------------------------------------


def _text_value(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _BadValue(f"holds a {type(value).__name__}, expected text")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


def _id_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise _BadValue("holds a boolean, expected an id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, str):
        text = value.strip()
        return text or None
    raise _BadValue(f"holds a {type(value).__name__}, expected an id (text or number)")


def _name_value(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _id_value(value)
    if not isinstance(value, str):
        raise _BadValue(f"holds a {type(value).__name__}, expected text")
    text = " ".join(value.split())
    return text or None


def _time_value(value: object) -> datetime | None:
    if isinstance(value, (dict, list)):
        raise _BadValue(f"holds a {type(value).__name__}, expected a date")
    return parse_datetime(value)


_CONVERTERS = {
    "thread_id": _id_value,
    "post_id": _id_value,
    "reply_to": _id_value,
    "author": _name_value,
    "title": _name_value,
    "created_at": _time_value,
    "text": _text_value,
}


def _group(
    raw: RawFile,
    fmt: str,
    rows: Iterable[tuple[int | None, str, Mapping[str, Any]]],
) -> list[ParsedThread]:
    """Turn (line, location, {canonical name: cell}) rows into threads.

    A row with a cell of the wrong type is left out and recorded with :meth:`RawFile.skip_row`.
    """
    threads: dict[str | None, ParsedThread] = {}
    titles: dict[str | None, str] = {}  # first non-null title per thread, empty rows included
    n_rows = n_empty = 0
    for line, where, row in rows:
        n_rows += 1
        values: dict[str, Any] = {}
        try:
            for role, cell in row.items():
                values[role] = _CONVERTERS[role](cell)
        except _BadValue as exc:
            raw.skip_row(line, f"{where}: column {role!r} {exc}")
            continue
        key = values.get("thread_id")
        if values.get("title") is not None:
            titles.setdefault(key, values["title"])
        text = values.get("text")
        if text is None:
            n_empty += 1
            continue
        thread = threads.get(key)
        if thread is None:
            thread = threads[key] = ParsedThread(format=fmt, posts=[], source_thread_id=key)
        thread.posts.append(
            RawPost(
                text=text,
                post_id=values.get("post_id"),
                author=values.get("author"),
                created_at=values.get("created_at"),
                reply_to=values.get("reply_to"),
            )
        )
    if not threads:
        _fail_without_rows(raw, n_rows, n_empty)
    for key, thread in threads.items():
        thread.title = titles.get(key)
    return list(threads.values())


def _fail_without_rows(raw: RawFile, n_rows: int, n_empty: int) -> None:
    """Raise the reason a file gave no posts (its bad rows stay recorded for the report)."""
    if raw.n_bad_rows:
        raise raw.fail(f"no row could be read: {raw.n_bad_rows} malformed, {n_empty} with empty text")
    if n_rows == 0:
        raise raw.fail("the file has no rows")
    raise raw.fail(f"all {n_rows} row(s) have empty text; nothing to read")


# --- CSV --------------------------------------------------------------------------------------


def _first_line(text: str) -> str:
    return text.lstrip("\ufeff").split("\n", 1)[0]


def _detect_separator(header: str, source: str) -> str:
    if source.lower().endswith(".tsv"):
        return "\t"
    counts = {sep: header.count(sep) for sep in _SEPARATORS}
    best = max(_SEPARATORS, key=lambda sep: counts[sep])  # ties keep the first: the comma
    return best if counts[best] else ","


def sniff_csv(raw: RawFile) -> bool:
    """True when the file looks like a CSV of posts.

    A ``.csv``/``.tsv`` name with a plausible header line is enough; otherwise the header must
    name a text-like column (text, body, content, message...), so that prose with commas is not
    taken for a table.
    """
    try:
        head = sniff_head(raw)
        if not head.strip() or "\x00" in head:
            return False
        header = _first_line(head.lstrip("\n"))
        if not header.strip() or header.lstrip()[:1] in ("{", "[", "<"):
            return False
        separator = _detect_separator(header, raw.source)
        fields = next(csv.reader([header], delimiter=separator), [])
        names = [f.strip() for f in fields]
        if not names or any(len(n) > 80 or any(c in n for c in "<>{}") for n in names):
            return False
        if raw.source.lower().endswith((".csv", ".tsv")):
            return True
        return len(names) >= 2 and any(n.casefold() in _TEXTLIKE_HEADERS for n in names)
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def read_csv(
    raw: RawFile,
    columns: Mapping[str, str] | str | None = None,
    *,
    separator: str | None = None,
    truncate_ragged_lines: bool = False,
    **options: object,
) -> list[ParsedThread]:
    """Read a CSV of posts (header row required; the separator is detected unless given).

    Every cell is read as text (no type inference); a row with fewer fields than the header
    has nulls for the rest. A row with more fields than the header, or with broken quoting,
    is skipped and recorded (:meth:`RawFile.skip_row`) unless ``truncate_ragged_lines=True``,
    which keeps a long row and drops its extra fields. Polars reads a well-formed file in one
    pass; a file it rejects is read again record by record with the csv module, which can
    skip one record and go on.
    """
    del options
    return guarded(
        raw,
        "could not read CSV",
        lambda: _read_csv(raw, columns, separator, truncate_ragged_lines),
    )


def _read_csv(
    raw: RawFile,
    columns: Mapping[str, str] | str | None,
    separator: str | None,
    truncate_ragged_lines: bool,
) -> list[ParsedThread]:
    text = raw.text
    if separator is None:
        separator = _detect_separator(_first_line(text), raw.source)
    if len(separator) != 1 or len(separator.encode("utf-8")) != 1:
        raise raw.fail(f"CSV separator must be a single ASCII character, not {separator!r}")
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")),
            infer_schema=False,
            separator=separator,
            truncate_ragged_lines=truncate_ragged_lines,
            raise_if_empty=True,
        )
    except pl.exceptions.NoDataError as exc:
        raise raw.fail("the CSV is empty (no header row)") from exc
    except pl.exceptions.PolarsError:
        # A ragged row or broken quoting: read record by record, keep the good rows.
        return _read_csv_by_record(raw, text, columns, separator, truncate_ragged_lines)
    resolved = _resolve(raw, frame.columns, columns)
    selected = frame.select([pl.col(column).alias(role) for role, column in resolved.items()])
    rows = (
        (None, f"data row {index + 1}", row)  # every cell is text here: no row can be bad
        for index, row in enumerate(selected.iter_rows(named=True))
    )
    return _group(raw, "csv", rows)


def _read_csv_by_record(
    raw: RawFile,
    text: str,
    columns: Mapping[str, str] | str | None,
    separator: str,
    truncate_ragged_lines: bool,
) -> list[ParsedThread]:
    """The slow path for a CSV Polars rejects: every record on its own, bad ones recorded."""
    # A post may be longer than the csv module's default field limit (128 KiB); the file's
    # size is already bounded by --max-bytes.
    csv.field_size_limit(max(csv.field_size_limit(), min(len(text) + 1, sys.maxsize)))
    records = _csv_records(raw, text, separator)
    header = next(records, None)
    if header is None:
        raise raw.fail("the CSV is empty (no header row)")
    names = header[1]
    resolved = _resolve(raw, names, columns)
    positions = {role: names.index(column) for role, column in resolved.items()}
    width = len(names)

    def rows() -> Iterator[tuple[int, str, dict[str, str | None]]]:
        for line, fields in records:
            if not fields:
                continue  # a blank line is not a row
            if len(fields) > width and not truncate_ragged_lines:
                raw.skip_row(line, _ragged_reason(line, len(fields), width, separator))
                continue
            yield line, f"line {line}", {
                role: fields[at] if at < len(fields) else None for role, at in positions.items()
            }

    return _group(raw, "csv", rows())


def _csv_records(raw: RawFile, text: str, separator: str) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its fields) per record; broken records are recorded.

    Records may span lines (quoted newlines). ``strict`` makes the csv module report broken
    quoting instead of guessing; after such an error it goes on at the next line.
    """
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    while True:
        start = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            if start == 1:
                raise raw.fail(f"unreadable CSV header: {_one_line(error)}") from error
            end = reader.line_num
            where = f"line {start}" if end <= start else f"lines {start}-{end}"
            raw.skip_row(start, f"{where}: broken quoting ({_one_line(error)})")
            continue
        yield start, fields


def _ragged_reason(line: int, n_fields: int, width: int, separator: str) -> str:
    return (
        f"line {line} has {n_fields} fields but the header has {width} (ragged CSV; quote "
        f"fields containing {separator!r}, or read with truncate_ragged_lines=True to drop "
        "the extra fields)"
    )


def _one_line(error: BaseException) -> str:
    """An error message on one line, whole: newlines inside it become spaces."""
    return " ".join(str(error).split())


# --- JSON Lines -------------------------------------------------------------------------------


def sniff_jsonl(raw: RawFile) -> bool:
    """True when the first well-formed line is a flat JSON object (one row of a table).

    Lines that start like an object but do not parse are passed over (a malformed first row
    must not hide the file's format); any line that does not start with ``{`` means no.
    """
    try:
        head = sniff_head(raw, _SNIFF_JSONL_BYTES)
        complete = len(raw.data) <= _SNIFF_JSONL_BYTES
        lines = head.split("\n")
        if not complete:
            lines = lines[:-1]  # the last piece may be cut short
        for line in lines:
            if not line.strip():
                continue
            if not line.lstrip().startswith("{"):
                return False
            try:
                row = json.loads(line)
            except (ValueError, RecursionError):
                continue
            return (
                isinstance(row, dict)
                and bool(row)
                and all(not isinstance(v, (dict, list)) for v in row.values())
            )
        return False
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def read_jsonl(
    raw: RawFile, columns: Mapping[str, str] | str | None = None, **options: object
) -> list[ParsedThread]:
    """Read JSON Lines: one JSON object per line (blank lines are ignored)."""
    del options
    return guarded(raw, "could not read JSON Lines", lambda: _read_jsonl(raw, columns))


def _read_jsonl(raw: RawFile, columns: Mapping[str, str] | str | None) -> list[ParsedThread]:
    records: list[tuple[int, dict[str, Any]]] = []
    keys: dict[str, None] = {}
    for number, line in enumerate(raw.text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raw.skip_row(number, f"line {number} is not valid JSON: {exc.msg} (column {exc.colno})")
            continue
        except (ValueError, RecursionError) as exc:
            raw.skip_row(number, f"line {number} is not valid JSON: {_one_line(exc)}")
            continue
        if not isinstance(record, dict):
            raw.skip_row(number, f"line {number} is a JSON {type(record).__name__}, expected an object")
            continue
        records.append((number, record))
        keys.update(dict.fromkeys(record))
    if not records:
        if raw.n_bad_rows:
            _fail_without_rows(raw, 0, 0)
        raise raw.fail("the file has no JSON lines")
    resolved = _resolve(raw, keys, columns)
    rows = (
        (number, f"line {number}", {role: record.get(column) for role, column in resolved.items()})
        for number, record in records
    )
    return _group(raw, "jsonl", rows)


# --- Parquet ----------------------------------------------------------------------------------

_ALLOWED_DTYPES = (
    pl.String,
    pl.Categorical,
    pl.Enum,
    pl.Null,
    pl.Boolean,
    pl.Datetime,
    pl.Date,
)


def sniff_parquet(raw: RawFile) -> bool:
    """True when the file starts (and ends) with the Parquet magic number."""
    try:
        data = raw.data
        return data[:4] == _PARQUET_MAGIC and data[-4:] == _PARQUET_MAGIC and len(data) >= 12
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def read_parquet(
    raw: RawFile, columns: Mapping[str, str] | str | None = None, **options: object
) -> list[ParsedThread]:
    """Read a Parquet table of posts."""
    del options
    return guarded(raw, "could not read Parquet", lambda: _read_parquet(raw, columns))


def _open_parquet(data: bytes) -> pl.DataFrame:
    """Parse Parquet bytes with pyarrow, which reports corrupt files as exceptions.

    Polars' own reader can abort the whole process (a Rust panic) on some damaged files, and
    an abort cannot be caught: one bad file would stop the run for every other file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(pa.BufferReader(data))
    table.validate(full=True)  # invalid UTF-8 and bad offsets fail here, not inside Polars
    frame = pl.from_arrow(table)
    return frame if isinstance(frame, pl.DataFrame) else frame.to_frame()


def _read_parquet(raw: RawFile, columns: Mapping[str, str] | str | None) -> list[ParsedThread]:
    if not sniff_parquet(raw):
        raise raw.fail("not a Parquet file (no PAR1 magic number at its start and end)")
    try:
        frame = _open_parquet(raw.data)
    except Exception as exc:
        first = " ".join(str(exc).strip().split("\n", 1)[0].split())[:200]
        raise raw.fail(f"Parquet file will not open: {first}") from exc
    except BaseException as exc:  # a panic inside polars
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise raw.fail(f"Parquet file will not open: {type(exc).__name__}") from exc
    resolved = _resolve(raw, frame.columns, columns)
    selected = []
    for role, column in resolved.items():
        dtype = frame.schema[column]
        if role == "text" and not isinstance(dtype, (pl.String, pl.Categorical, pl.Enum, pl.Null)):
            raise raw.fail(f"column {column!r} (text) holds {dtype} values, expected text")
        if not (dtype.is_numeric() or isinstance(dtype, _ALLOWED_DTYPES)):
            raise raw.fail(
                f"column {column!r} ({role}) holds {dtype} values, expected text or numbers"
            )
        expr = pl.col(column)
        if isinstance(dtype, (pl.Categorical, pl.Enum)):
            expr = expr.cast(pl.String)
        selected.append(expr.alias(role))
    table = frame.select(selected)
    rows = ((index + 1, f"row {index + 1}", row) for index, row in enumerate(table.iter_rows(named=True)))
    return _group(raw, "parquet", rows)


# --- dispatch ---------------------------------------------------------------------------------

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
