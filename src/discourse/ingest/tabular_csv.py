"""Read a CSV (or TSV) of posts: sniff it, detect its separator, read its rows.

:func:`sniff_csv` says whether a file looks like a table of posts with a header row.
:func:`read_csv` reads every cell as text and hands the rows to
:func:`discourse.ingest.tabular_rows.group_rows`. A well-formed file is read by Polars in one
pass; a file Polars rejects (a ragged row, broken quoting) is read again record by record with
the csv module, and each unreadable record is left out and recorded with
:meth:`RawFile.skip_row`.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator, Mapping

import polars as pl

from discourse.ingest.records import ParsedThread, RawFile
from discourse.ingest.tabular_rows import group_rows, one_line, resolve_columns
from discourse.ingest.xenforo_html import guarded, sniff_head

_SEPARATORS = (",", "\t", ";", "|")
_TEXTLIKE_HEADERS = frozenset(
    {"text", "body", "content", "message", "post", "post_text", "comment"}
)


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
    resolved = resolve_columns(raw, frame.columns, columns)
    selected = frame.select([pl.col(column).alias(role) for role, column in resolved.items()])
    rows = (
        (None, f"data row {index + 1}", row)  # every cell is text here: no row can be bad
        for index, row in enumerate(selected.iter_rows(named=True))
    )
    return group_rows(raw, "csv", rows)


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
    resolved = resolve_columns(raw, names, columns)
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

    return group_rows(raw, "csv", rows())


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
                raise raw.fail(f"unreadable CSV header: {one_line(error)}") from error
            end = reader.line_num
            where = f"line {start}" if end <= start else f"lines {start}-{end}"
            raw.skip_row(start, f"{where}: broken quoting ({one_line(error)})")
            continue
        yield start, fields


def _ragged_reason(line: int, n_fields: int, width: int, separator: str) -> str:
    return (
        f"line {line} has {n_fields} fields but the header has {width} (ragged CSV; quote "
        f"fields containing {separator!r}, or read with truncate_ragged_lines=True to drop "
        "the extra fields)"
    )
