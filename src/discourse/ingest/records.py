"""What every reader returns: threads of posts, before quote detection and id assignment.

Readers turn one raw file into a list of :class:`ParsedThread`. They keep the text as posted
(quoted passages included) and report the quotes their format marks explicitly as
:class:`RawQuote` spans into that text; quotes copied without a marker are found later by
:mod:`discourse.quotes`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from discourse.ingest.errors import IngestError

if TYPE_CHECKING:
    from discourse.ingest.decode import Decoded


@dataclass(frozen=True, slots=True)
class RawQuote:
    """A quoted passage marked by the source: ``text[start:end]`` of the quoting post."""

    start: int
    end: int
    quoted_post_id: str | None = None  # the source's id of the quoted post, when it names one
    quoted_author: str | None = None
    method: str = "marker"


@dataclass(slots=True)
class RawPost:
    """One post (or article paragraph) as the source shows it."""

    text: str
    post_id: str | None = None  # the source's own id; None means "use the position"
    author: str | None = None
    author_title: str | None = None
    author_joined: date | None = None
    author_meta: dict[str, str] = field(default_factory=dict)
    created_at: datetime | None = None  # timezone-aware (UTC) when known
    reply_to: str | None = None  # the source's id of the post this one replies to
    edited: bool = False
    edit_note: str | None = None
    quotes: list[RawQuote] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Notice:
    """Something wrong inside a file that was still read: one row of the ingest report.

    ``kind`` is ``"bad_row"`` (a malformed line or row, skipped; ``line`` is its line in a CSV
    or JSON Lines file, its row number in Parquet) or ``"warning"`` (the file was read, but on
    a guess, such as its text encoding; ``line`` is None).
    """

    kind: str
    reason: str
    line: int | None = None


@dataclass(slots=True)
class ParsedThread:
    """One thread read from a file; a file may hold several (CSV, JSONL, Parquet)."""

    format: str
    posts: list[RawPost]
    title: str | None = None
    url: str | None = None
    source_thread_id: str | None = None  # the thread id a multi-thread file gives it


class RawFile:
    """The bytes of one raw file, its name for messages, and its text decoded on demand.

    Readers record the rows they skip with :meth:`skip_row`; those, and a warning when the
    text encoding was a guess, are in :attr:`notices` for the ingest report.
    """

    def __init__(self, data: bytes, source: str, path: Path | None = None) -> None:
        self.data = data
        self.source = source  # the path relative to the raw folder, used in every message
        self.path = path
        self.notices: list[Notice] = []

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def decoded(self) -> Decoded:
        """The file's text and encoding (see :func:`discourse.ingest.decode.decode_bytes`)."""
        from discourse.ingest.decode import decode_bytes

        decoded = decode_bytes(self.data, self.source)
        if decoded.warning is not None:
            self.notices.append(Notice("warning", decoded.warning))
        return decoded

    @property
    def text(self) -> str:
        """The file decoded as text."""
        return self.decoded.text

    def skip_row(self, line: int | None, reason: str) -> None:
        """Record a malformed row that was left out (``line``: where it is in the file)."""
        self.notices.append(Notice("bad_row", reason, line))

    @property
    def n_bad_rows(self) -> int:
        """How many malformed rows were left out so far."""
        return sum(1 for notice in self.notices if notice.kind == "bad_row")

    def json(self) -> object:
        """The file's text parsed as JSON; malformed JSON raises IngestError with its position."""
        import json

        try:
            return json.loads(self.text)
        except json.JSONDecodeError as exc:
            raise self.fail(f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}") from exc
        except (ValueError, RecursionError) as exc:
            raise self.fail(f"invalid JSON: {exc}") from exc

    def fail(self, reason: str) -> IngestError:
        """Return the error to raise for this file (``raise raw.fail("...")``)."""
        return IngestError(self.source, reason)
