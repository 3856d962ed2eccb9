"""Rows of a table of posts into threads: the column mapping, the cell converters, the grouping.

The readers of :mod:`discourse.ingest.tabular` (CSV, JSON Lines, Parquet) share this module.
:func:`resolve_columns` maps the canonical columns (:data:`CANONICAL_COLUMNS`) to the file's
own columns, from a mapping given by the caller or by name, exactly first and then ignoring
case, and fails the file when ``text`` is missing. :func:`group_rows` converts each row's cells
(ids, names, dates, text), leaves out a row with a cell of the wrong type (recorded with
:meth:`RawFile.skip_row`) and groups the rest into one :class:`ParsedThread` per thread id, in
order of first appearance. Rows with empty text are skipped; a file with no row left is failed
with the reason (:func:`fail_without_rows`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from discourse.ingest.dates import parse_datetime
from discourse.ingest.records import ParsedThread, RawFile, RawPost

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


def resolve_columns(
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


def group_rows(
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
        fail_without_rows(raw, n_rows, n_empty)
    for key, thread in threads.items():
        thread.title = titles.get(key)
    return list(threads.values())


def fail_without_rows(raw: RawFile, n_rows: int, n_empty: int) -> None:
    """Raise the reason a file gave no posts (its bad rows stay recorded for the report)."""
    if raw.n_bad_rows:
        raise raw.fail(f"no row could be read: {raw.n_bad_rows} malformed, {n_empty} with empty text")
    if n_rows == 0:
        raise raw.fail("the file has no rows")
    raise raw.fail(f"all {n_rows} row(s) have empty text; nothing to read")


def one_line(error: BaseException) -> str:
    """An error message on one line, whole: newlines inside it become spaces."""
    return " ".join(str(error).split())
