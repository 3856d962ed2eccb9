"""Read JSON Lines of posts: one flat JSON object per line, one row of the table per object.

:func:`sniff_jsonl` says whether the first well-formed line is a flat object. :func:`read_jsonl`
reads every line; a line that is not valid JSON, or not an object, is left out and recorded
with :meth:`RawFile.skip_row`. The columns are the union of the objects' keys, in order of
first appearance; the rows go to :func:`discourse.ingest.tabular_rows.group_rows`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from discourse.ingest.records import ParsedThread, RawFile
from discourse.ingest.tabular_rows import fail_without_rows, group_rows, one_line, resolve_columns
from discourse.ingest.xenforo_html import guarded, sniff_head

_SNIFF_JSONL_BYTES = 64 * 1024


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
            raw.skip_row(number, f"line {number} is not valid JSON: {one_line(exc)}")
            continue
        if not isinstance(record, dict):
            raw.skip_row(number, f"line {number} is a JSON {type(record).__name__}, expected an object")
            continue
        records.append((number, record))
        keys.update(dict.fromkeys(record))
    if not records:
        if raw.n_bad_rows:
            fail_without_rows(raw, 0, 0)
        raise raw.fail("the file has no JSON lines")
    resolved = resolve_columns(raw, keys, columns)
    rows = (
        (number, f"line {number}", {role: record.get(column) for role, column in resolved.items()})
        for number, record in records
    )
    return group_rows(raw, "jsonl", rows)
