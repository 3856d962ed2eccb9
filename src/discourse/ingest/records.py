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

from discourse.ingest.errors import IngestError


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


@dataclass(slots=True)
class ParsedThread:
    """One thread read from a file; a file may hold several (CSV, JSONL, Parquet)."""

    format: str
    posts: list[RawPost]
    title: str | None = None
    url: str | None = None
    source_thread_id: str | None = None  # the thread id a multi-thread file gives it


class RawFile:
    """The bytes of one raw file, its name for messages, and its text decoded on demand."""

    def __init__(self, data: bytes, source: str, path: Path | None = None) -> None:
        self.data = data
        self.source = source  # the path relative to the raw folder, used in every message
        self.path = path

    @cached_property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @cached_property
    def text(self) -> str:
        """The file decoded as text (see :func:`discourse.ingest.decode.decode_text`)."""
        from discourse.ingest.decode import decode_text

        return decode_text(self.data, self.source)

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
