"""Turn what a reader returned into rows of the ``threads``, ``posts`` and ``quotes`` tables."""

from __future__ import annotations

import json
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema
from discourse.ingest.decode import DEFAULT_MAX_BYTES, check_size
from discourse.ingest.detect import detect_format, reader_for
from discourse.ingest.errors import IngestError
from discourse.ingest.quality import QUALITY_COLUMNS, thread_warnings
from discourse.ingest.records import Notice, ParsedThread, RawFile
from discourse.names import thread_id_for
from discourse.quotes import find_quotes, remove_spans
from discourse.schema import (
    AUTHOR,
    AUTHOR_JOINED,
    AUTHOR_META,
    AUTHOR_TITLE,
    CHECKED_AT,
    CREATED_AT,
    EDITED,
    EDIT_NOTE,
    FORMAT,
    INGESTED_AT,
    LINE,
    METHOD,
    N_NO_AUTHOR,
    N_NO_DATE,
    N_NO_OWN_TEXT,
    N_POSTS,
    N_THREADS,
    N_UNLINKED_QUOTES,
    OWN_TEXT,
    QUOTED_AUTHOR,
    QUOTED_POST_ID,
    REASON,
    REPLY_TO,
    SCORE,
    SOURCE_PATH,
    SOURCE_SHA256,
    SPAN_END,
    SPAN_START,
    STATUS,
    TEXT,
    TITLE,
    URL,
    WORD_COUNT,
)


#: The threads table's columns a file's result keeps after :meth:`FileIngest.release`.
_WORD = re.compile(r"\w")
_KEPT_COLUMNS: tuple[str, ...] = (schema.THREAD_ID, N_POSTS, *QUALITY_COLUMNS)


@dataclass
class FileIngest:
    """The outcome of reading one raw file: its tables, or the reason it was rejected.

    ``notices`` lists what was wrong inside a file that was still read (bad rows left out, a
    guessed text encoding); they become rows of the ingest report of their own.
    """

    source_path: str
    source_sha256: str | None
    format: str | None
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    error: str | None = None
    notices: list[Notice] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    # Set by release(): the threads table's columns in _KEPT_COLUMNS, as plain tuples.
    _released: dict[str, tuple[Any, ...]] | None = field(default=None, repr=False, compare=False)

    def release(self) -> FileIngest:
        """Drop every table, keeping each thread's id, post count and quality counts; return ``self``.

        A run keeps every file's result until it writes the manifest. Without this the whole
        corpus would stay in memory until the end of the run; and even a one-row Polars frame
        costs about 20 KB, which over 10,000 files was a fifth of the peak RSS at 1M posts.
        """
        if self.tables.get("threads") is not None:
            self._released = {name: tuple(self._thread_column(name) or ()) for name in _KEPT_COLUMNS}
        self.tables = {}
        return self

    def _thread_column(self, name: str) -> list[Any] | None:
        """One of _KEPT_COLUMNS, a value per thread; None when the file gave no threads table."""
        if self._released is not None:
            return list(self._released[name])
        threads = self.tables.get("threads")
        if threads is None:
            return None
        return threads[name].to_list() if name in threads.columns else [None] * threads.height

    @property
    def thread_ids(self) -> list[str]:
        return self._thread_column(schema.THREAD_ID) or []

    @property
    def n_posts(self) -> int:
        """Posts read from this file (0 when it was rejected), also after :meth:`release`."""
        return sum(self._post_counts() or [])

    def _post_counts(self) -> list[int] | None:
        """Posts per thread, or None when the file gave no threads table."""
        counts = self._thread_column(N_POSTS)
        return None if counts is None else [int(n or 0) for n in counts]

    def thread_quality(self) -> dict[str, list[Any]]:
        """Each thread's id, ``n_posts`` and quality counts (empty lists for a rejected file)."""
        return {name: (self._thread_column(name) or []) if self.ok else [] for name in _KEPT_COLUMNS}

    @property
    def bad_rows(self) -> list[Notice]:
        """The malformed rows left out of this file."""
        return [notice for notice in self.notices if notice.kind == "bad_row"]

    def report_row(self, checked_at: datetime) -> dict[str, object]:
        """This file's row of the ``ingest_report`` table."""
        counts = self._post_counts()
        read = self.ok and counts is not None  # an unchanged file carried into the report has no table
        return {
            SOURCE_PATH: self.source_path,
            SOURCE_SHA256: self.source_sha256,
            FORMAT: self.format,
            STATUS: "ok" if self.ok else "failed",
            REASON: self.error,
            LINE: None,
            N_THREADS: 0 if counts is None else len(counts),
            N_POSTS: self.n_posts,
            CHECKED_AT: checked_at,
            **{name: sum(int(n or 0) for n in self._thread_column(name) or []) if read else None
               for name in QUALITY_COLUMNS},
        }

    def report_rows(self, checked_at: datetime) -> list[dict[str, object]]:
        """The file's row, then one row per notice (status ``bad_row`` or ``warning``)."""
        rows = [self.report_row(checked_at)]
        for notice in self.notices:
            rows.append(
                {
                    SOURCE_PATH: self.source_path,
                    SOURCE_SHA256: self.source_sha256,
                    FORMAT: self.format,
                    STATUS: notice.kind,
                    REASON: notice.reason,
                    LINE: notice.line,
                    N_THREADS: None,
                    N_POSTS: None,
                    CHECKED_AT: checked_at,
                    **dict.fromkeys(QUALITY_COLUMNS),
                }
            )
        return rows


def read_source(
    path: Path,
    source_path: str,
    *,
    fmt: str | None = None,
    columns: dict[str, str] | None = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
    now: datetime | None = None,
    base_url: str | None = None,
    file_id: str | None = None,
) -> FileIngest:
    """Read one raw file into ``threads``/``posts``/``quotes`` frames; never raise for bad input.

    Parameters
    ----------
    path
        The file to read. It is only ever opened for reading.
    source_path
        Its name relative to the raw folder: recorded in the tables and used for thread ids.
    fmt
        Force a format (one of :data:`discourse.ingest.FORMATS`) instead of detecting it.
    columns
        For CSV/JSONL/Parquet: canonical column name -> the file's column name.
    max_bytes
        Files larger than this are rejected without being read.
    base_url
        For Discourse JSON: the forum's address, which makes thread URLs absolute (the JSON
        itself only gives a path).
    file_id
        The id the run gave this file (:func:`discourse.names.assign_file_ids`), which its
        threads are named after; by default :func:`discourse.names.file_id_for` of
        ``source_path``.
    """
    now = now or datetime.now(UTC)
    result = FileIngest(source_path=source_path, source_sha256=None, format=fmt)
    try:
        check_size(path.stat().st_size, source_path, max_bytes)
        raw = RawFile(path.read_bytes(), source_path, path)
        result.notices = raw.notices  # filled while the file is read, also when it then fails
        result.source_sha256 = raw.sha256
        result.format = fmt or detect_format(raw)
        options: dict[str, object] = {}
        if columns and result.format in ("csv", "jsonl", "parquet"):
            options["columns"] = columns
        if base_url and result.format == "discourse_json":
            options["base_url"] = base_url
        parsed = reader_for(result.format)(raw, **options)
        result.tables = threads_to_tables(parsed, source_path, raw.sha256, now, file_id=file_id)
    except IngestError as error:
        result.error = error.reason
    except OSError as error:
        result.error = f"cannot read file: {error.strerror or error}"
    except ValueError as error:  # an unknown --format name
        result.error = str(error)
    except Exception as error:  # noqa: BLE001 - a reader bug must not stop the other files
        frame = traceback.extract_tb(error.__traceback__)[-1]
        result.error = f"internal error ({type(error).__name__} at {Path(frame.filename).name}:{frame.lineno}): {error}"
    return result


def threads_to_tables(
    parsed: list[ParsedThread], source_path: str, sha256: str, now: datetime, *, file_id: str | None = None
) -> dict[str, pl.DataFrame]:
    """Assign ids, find quotes and build the three tables for every thread of one file.

    Thread ids start with ``file_id`` (see :func:`discourse.names.thread_id_for`).
    """
    thread_rows: list[dict[str, object]] = []
    post_rows: list[dict[str, object]] = []
    quote_rows: list[dict[str, object]] = []
    seen_ids: set[str] = set()
    for thread in parsed:
        if not thread.posts:
            continue
        thread_id = thread_id_for(source_path, thread.source_thread_id, file_id=file_id)
        if thread_id in seen_ids:  # two source ids that made the same safe name
            base, count = thread_id, len(seen_ids)
            while thread_id in seen_ids:
                thread_id, count = f"{base}-{count}", count + 1
        seen_ids.add(thread_id)
        post_ids = _unique_post_ids([post.post_id for post in thread.posts])
        by_source_id = {pid: i for i, pid in enumerate(post_ids)}
        found = find_quotes(thread.posts, by_source_id)
        # The quality counts (quality.count_thread_quality's rules) are taken in this loop:
        # the same counts over the built frames cost a query per file.
        no_own_text = no_date = no_author = unlinked = 0
        for position, (post, quotes) in enumerate(zip(thread.posts, found, strict=True)):
            own_text = remove_spans(post.text, [(q.start, q.end) for q in quotes])
            created_at = _as_utc(post.created_at)
            no_own_text += _WORD.search(own_text) is None
            no_date += created_at is None
            no_author += post.author is None
            unlinked += sum(q.method == "marker" and q.source is None for q in quotes)
            post_rows.append(
                {
                    schema.THREAD_ID: thread_id,
                    schema.POST_ID: post_ids[position],
                    schema.POSITION: position,
                    AUTHOR: post.author,
                    AUTHOR_TITLE: post.author_title,
                    AUTHOR_JOINED: post.author_joined,
                    AUTHOR_META: _meta_json(post.author_meta) if post.author_meta else None,
                    CREATED_AT: created_at,
                    REPLY_TO: post.reply_to,
                    TEXT: post.text,
                    OWN_TEXT: own_text,
                    EDITED: post.edited,
                    EDIT_NOTE: post.edit_note,
                    WORD_COUNT: len(own_text.split()),
                }
            )
            for quote in quotes:
                author = quote.quoted_author
                if author is None and quote.source is not None:
                    author = thread.posts[quote.source].author
                quote_rows.append(
                    {
                        schema.THREAD_ID: thread_id,
                        schema.POST_ID: post_ids[position],
                        QUOTED_POST_ID: post_ids[quote.source] if quote.source is not None else None,
                        QUOTED_AUTHOR: author,
                        SPAN_START: quote.start,
                        SPAN_END: quote.end,
                        METHOD: quote.method,
                        SCORE: quote.score,
                    }
                )
        thread_rows.append(
            {
                schema.THREAD_ID: thread_id,
                SOURCE_PATH: source_path,
                SOURCE_SHA256: sha256,
                FORMAT: thread.format,
                TITLE: thread.title,
                URL: thread.url,
                N_POSTS: len(thread.posts),
                INGESTED_AT: now,
                N_NO_OWN_TEXT: no_own_text,
                N_NO_DATE: no_date,
                N_NO_AUTHOR: no_author,
                N_UNLINKED_QUOTES: unlinked,
            }
        )
    if not post_rows:
        raise IngestError(source_path, "the file holds no posts")
    return {
        "threads": _frame(thread_rows, schema.THREADS),
        "posts": _frame(post_rows, schema.POSTS),
        "quotes": _frame(quote_rows, schema.QUOTES),
    }


def list_thread_warnings(results: Iterable[FileIngest]) -> list[str]:
    """The warning lines (:func:`discourse.ingest.quality.thread_warnings`) for every thread
    the files of ``results`` gave, also after :meth:`FileIngest.release`."""
    columns: dict[str, list[Any]] = {name: [] for name in _KEPT_COLUMNS}
    for result in results:
        for name, values in result.thread_quality().items():
            columns[name].extend(values)
    frame = pl.DataFrame(columns, schema={name: schema.THREADS[name] for name in _KEPT_COLUMNS})
    return thread_warnings(frame)


def _meta_json(meta: dict[str, str]) -> str:
    """``json.dumps(meta, ensure_ascii=False)``, remembered per distinct meta: an author's
    counters come back with each of their posts."""
    try:
        return _items_json(tuple(meta.items()))
    except TypeError:  # a value that cannot be hashed (a reader that gave a list)
        return json.dumps(meta, ensure_ascii=False)


@lru_cache(maxsize=4096)
def _items_json(items: tuple[tuple[str, object], ...]) -> str:
    return json.dumps(dict(items), ensure_ascii=False)


def _frame(rows: list[dict[str, object]], table: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=table, orient="row") if rows else schema.empty(table)


def _unique_post_ids(source_ids: list[str | None]) -> list[str]:
    """Source ids where given and unique, else the position; duplicates get a suffix."""
    result: list[str] = []
    used: set[str] = set()
    for position, source_id in enumerate(source_ids):
        candidate = str(source_id) if source_id not in (None, "") else str(position)
        if candidate in used:
            candidate = f"{candidate}#{position}"
        used.add(candidate)
        result.append(candidate)
    return result


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
