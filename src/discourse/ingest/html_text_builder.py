"""The text buffer the HTML walk writes into, and the :class:`HtmlText` it returns.

:class:`TextBuilder` collapses whitespace, writes paragraph and line breaks only when more
text follows, records the ranges written inside ``<pre>``/``<code>`` and the span of each
quote opened and closed around the text, then adds the ``>``-quoted line runs of
:mod:`discourse.ingest.html_arrow_quotes`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from discourse.ingest.html_arrow_quotes import mark_arrow_quotes
from discourse.ingest.records import RawQuote


#: Characters that are never a post's words: C0 controls that are not white space, DEL, the
#: soft hyphen, zero-width space, word joiner and byte-order mark. C1 controls (U+0080-U+009F)
#: are what a page in windows-1252 decoded as Latin-1 leaves of its curly quotes, dashes and
#: ellipses; they are read as windows-1252, the way HTML reads numeric references to them, and
#: dropped where windows-1252 has no character. Zero-width joiners stay: emoji sequences and
#: Persian and Urdu spelling need them.
_INVISIBLE = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x9f\u00ad\u200b\u2060\ufeff]")


def _invisible_table() -> dict[int, str | None]:
    dropped = [*range(0x00, 0x09), *range(0x0E, 0x1C), 0x7F, 0xAD, 0x200B, 0x2060, 0xFEFF]
    table: dict[int, str | None] = dict.fromkeys(dropped)
    for code in range(0x80, 0xA0):
        try:
            table[code] = bytes([code]).decode("cp1252")
        except UnicodeDecodeError:
            table[code] = None
    return table


_INVISIBLE_TABLE = _invisible_table()


def drop_invisible(value: str) -> str:
    """``value`` without the characters of :data:`_INVISIBLE` (C1 controls read as windows-1252)."""
    return value.translate(_INVISIBLE_TABLE) if _INVISIBLE.search(value) else value


def has_invisible(text: str) -> bool:
    """Whether ``text`` holds a character of :data:`_INVISIBLE`."""
    return _INVISIBLE.search(text) is not None


_CLOSING = frozenset(".,;:!?)]}\u2026")  # punctuation written against the word before it


@dataclass(slots=True)
class HtmlText:
    """Plain text converted from HTML, with the spans of the quotes its markup marks, and the
    edit line the body carries (Invision's "Edited DATE by NAME"), left out of the text."""

    text: str
    quotes: list[RawQuote] = field(default_factory=list)
    edit_note: str | None = None


class TextBuilder:
    """Accumulates text with collapsed whitespace and lazily written line breaks.

    Breaks and spaces are only written when more text follows, so the text never starts or
    ends with whitespace and a quote's span ends exactly at its last character.
    """

    def __init__(self, *, check_invisible: bool = True) -> None:
        # False: text is written as given, for a caller that checks the result for _INVISIBLE
        self._check_invisible = check_invisible
        self._parts: list[str] = []
        self.length = 0
        self._pending_break = 0  # newlines owed before the next text: 0, 1 or 2
        self._pending_space = False
        self._soft_space = False
        self.pre_depth = 0  # inside <pre>: line breaks of the source are kept
        self._code_depth = 0  # inside <pre> or <code>
        self._code_start = 0
        self.code_spans: list[tuple[int, int]] = []  # text written inside <pre> or <code>
        self._quotes: list[list[Any]] = []  # [start, end, post_id, author]
        self._open: list[int] = []
        self.edit_note: str | None = None

    def block(self) -> None:
        self._pending_break = 2

    def line(self) -> None:
        self._pending_break = max(self._pending_break, 1)

    def br(self) -> None:
        self._pending_break = min(self._pending_break + 1, 2)

    def space(self) -> None:
        self._pending_space = True

    def soft_space(self) -> None:
        """A space that closing punctuation right after it takes back (after a smiley)."""
        self._pending_space = True
        self._soft_space = True

    def enter_code(self) -> None:
        if not self._code_depth:
            self._code_start = self.length
        self._code_depth += 1

    def leave_code(self) -> None:
        self._code_depth -= 1
        if not self._code_depth and self.length > self._code_start:
            self.code_spans.append((self._code_start, self.length))

    def enter_pre(self) -> None:
        self.enter_code()
        self.pre_depth += 1

    def leave_pre(self) -> None:
        self.pre_depth -= 1
        self.leave_code()

    def text(self, value: str) -> None:
        if self._check_invisible:
            value = drop_invisible(value)
        if not value:
            return
        if self.pre_depth:
            for i, piece in enumerate(value.split("\n")):
                if i:
                    self.br()
                self._inline(piece)
        else:
            self._inline(value)

    def _inline(self, value: str) -> None:
        if self._soft_space and value and value[0] in _CLOSING:
            self._pending_space = False
        self._soft_space = False
        words = value.split()
        if not words:
            if value:
                self._pending_space = True
            return
        if value[0].isspace():
            self._pending_space = True
        self._emit(" ".join(words))
        self._pending_space = value[-1].isspace()

    def _emit(self, chunk: str) -> None:
        if self.length:
            if self._pending_break:
                self._write("\n" * self._pending_break)
            elif self._pending_space:
                self._write(" ")
        self._pending_break = 0
        self._pending_space = False
        for index in self._open:
            if self._quotes[index][0] is None:
                self._quotes[index][0] = self.length
        self._write(chunk)

    def _write(self, chunk: str) -> None:
        self._parts.append(chunk)
        self.length += len(chunk)

    def open_quote(self, post_id: str | None, author: str | None) -> int:
        self._quotes.append([None, None, post_id, author])
        index = len(self._quotes) - 1
        self._open.append(index)
        return index

    def close_quote(self, index: int) -> None:
        record = self._quotes[index]
        if record[0] is not None:
            record[1] = self.length
        if index in self._open:
            self._open.remove(index)

    def result(self, *, arrow_quotes: bool) -> HtmlText:
        text = "".join(self._parts)
        spans: list[tuple[int, int, Any, Any]] = []
        for start, end, post_id, author in self._quotes:
            if start is None or end is None or end <= start:
                continue
            if spans and spans[-1][:2] == (start, end) and not (post_id or author):
                continue  # a bare quote that only wraps the passage of the quote around it
            spans.append((start, end, post_id, author))
        if arrow_quotes and ">" in text:
            text, spans = mark_arrow_quotes(text, spans, self.code_spans)
        quotes = [RawQuote(s, e, post_id, author) for s, e, post_id, author in spans]
        return HtmlText(text, quotes, self.edit_note)

