"""Convert post-body HTML to plain text, with the spans of the quotes its markup marks.

One pass over the parsed tree (selectolax/lexbor) writes the text: paragraphs and other blocks
are separated by a blank line, ``<br>`` ends a line, whitespace inside lines is collapsed,
entities are decoded, scripts, styles and embeds are dropped. Along the way the rules of
:mod:`discourse.ingest.engines` decide, for every element, whether it is

* a body wrapper (XenForo 1 ``blockquote.messageText``, vBulletin 4 ``blockquote.postcontent``,
  or any classed ``<blockquote>`` that holds the whole body): walked through, never a quote;
* chrome: a quote's attribution ("NAME said:", "Quote from: NAME on DATE", "Originally Posted
  by NAME", "Cytat:"), "Click to expand", a code box's "Code:" label, a signature, a spoiler, an
  attachment box: dropped;
* a quote: its passage becomes a :class:`~discourse.ingest.records.RawQuote` span (nested quotes
  give nested spans) carrying the quoted author and post id when the markup names them;
* a smiley or emoji image: written as what the author typed (its ``alt`` code, the emoji
  character, or the engine's code for the image file).

Runs of lines that open with ``>`` (the quoting convention of Hacker News, Usenet gateways and
plain-text posts) are quote spans too, outside code blocks. The engine is recognised from the
markup itself; no hint is needed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from discourse.ingest import engines
from discourse.ingest.html_nodes import (
    children,
    classes_of,
    clean_line,
    first_attr,
    has_class,
    next_element,
)
from discourse.ingest.html_quotes import (
    QUOTE_TRIGGER_CLASSES,
    QUOTE_TRIGGER_TAGS,
    QuoteScope,
    attribution_paragraph,
    mark_wrappers,
    parse_attribution,
    quote_of,
    table_box,
)
from discourse.ingest.records import RawQuote
from discourse.ingest.smilies import smiley_text

__all__ = [
    "HtmlText",
    "clean_line",
    "html_to_text",
    "node_to_text",
    "parse_attribution",
    "plain_text",
]

_SKIP_TAGS = frozenset(
    {
        "script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
        "canvas", "video", "audio", "source", "track", "head", "title", "meta", "link", "base",
        "button", "input", "select", "textarea", "option", "datalist", "map", "area", "dialog",
    }
)  # fmt: skip
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "blockquote", "aside", "section", "article", "header", "footer", "nav",
        "main", "figure", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "table",
        "thead", "tbody", "tfoot", "caption", "ul", "ol", "dl", "details", "summary", "address",
        "center", "form", "fieldset", "legend", "hr", "body", "html", "menu", "hgroup",
    }
)  # fmt: skip
_LINE_TAGS = frozenset({"li", "tr", "dt", "dd"})
_CELL_TAGS = frozenset({"td", "th"})
# Elements that may be a label whose meaning depends on its neighbours (see _is_label).
_LABEL_CLASSES = frozenset({"smallfont", "type", "code", "subject"})


@dataclass(slots=True)
class HtmlText:
    """Plain text converted from HTML, with the spans of the quotes its markup marks."""

    text: str
    quotes: list[RawQuote] = field(default_factory=list)


@dataclass(slots=True)
class _Context:
    quotes: bool = True  # detect quote markup (False: plain text of titles, names)
    blockquotes: bool = True  # False when the markup has no <blockquote>: skip looking for one
    drop_classes: frozenset[str] = engines.DROP_CLASSES
    scope: QuoteScope = field(default_factory=QuoteScope)


class _Builder:
    """Accumulates text with collapsed whitespace and lazily written line breaks.

    Breaks and spaces are only written when more text follows, so the text never starts or
    ends with whitespace and a quote's span ends exactly at its last character.
    """

    def __init__(self) -> None:
        self._parts: list[str] = []
        self.length = 0
        self._pending_break = 0  # newlines owed before the next text: 0, 1 or 2
        self._pending_space = False
        self.pre_depth = 0  # inside <pre>: line breaks of the source are kept
        self._code_depth = 0  # inside <pre> or <code>
        self._code_start = 0
        self.code_spans: list[tuple[int, int]] = []  # text written inside <pre> or <code>
        self._quotes: list[list[Any]] = []  # [start, end, post_id, author]
        self._open: list[int] = []

    def block(self) -> None:
        self._pending_break = 2

    def line(self) -> None:
        self._pending_break = max(self._pending_break, 1)

    def br(self) -> None:
        self._pending_break = min(self._pending_break + 1, 2)

    def space(self) -> None:
        self._pending_space = True

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
        spans = [
            (start, end, post_id, author)
            for start, end, post_id, author in self._quotes
            if start is not None and end is not None and end > start
        ]
        if arrow_quotes and ">" in text:
            text, spans = _mark_arrow_quotes(text, spans, self.code_spans)
        return HtmlText(text, [RawQuote(s, e, post_id, author) for s, e, post_id, author in spans])


_Span = tuple[int, int, str | None, str | None]
# A run of lines opening with ">" (">>" for nested replies). Not ">=", ">:(" or ">5 years".
_ARROW_RUN = re.compile(r"^>(?![=:;_.)(<\-]|\d)[^\n]*(?:\n>[^\n]*)*", re.MULTILINE)
# The line mail and news clients write above a ">" quote: "Bob wrote:", "On Monday, Bob
# wrote:", Outlook Express's '"Bob" <bob@example.com> wrote in message news:...'.
_WROTE_ENDINGS = tuple(word.lower() for word in engines.WROTE_WORDS)


def _ends_with_wrote(words: str) -> bool:
    for word in _WROTE_ENDINGS:
        if words.endswith(word):
            before = words[: -len(word)]
            # A whole word ("Bob wrote"), not the end of one ("visa" is not "sa"); CJK verbs
            # join the name directly.
            if not before or not before[-1].isalnum() or ord(word[0]) >= 0x2E80:
                return True
    return False


def _is_mail_attribution(words: str) -> bool:
    lowered = words.lower()
    if lowered.endswith((":", "\uff1a")) and _ends_with_wrote(lowered[:-1].rstrip()):
        return True
    for marker in (" in message", " in news"):
        at = lowered.find(marker)
        if at > 0 and _ends_with_wrote(lowered[:at].rstrip()):
            return True
    return False


def _mark_arrow_quotes(
    text: str, spans: list[_Span], code_spans: list[tuple[int, int]]
) -> tuple[str, list[_Span]]:
    """Add the ``>``-quoted line runs outside marked quotes and code as quote spans.

    The attribution line a mail or news client wrote right above such a run is cut from the
    text, as the markup rules drop the attribution of a marked quote.
    """
    taken = [(s, e) for s, e, _, _ in spans] + code_spans
    found: list[_Span] = []
    cuts: list[tuple[int, int]] = []
    for match in _ARROW_RUN.finditer(text):
        run_start, end = match.start(), match.end()
        if any(s <= run_start < e or s < end <= e for s, e in taken):
            continue
        if not text[run_start:end].strip("> \t\n"):
            continue  # only quote marks, no words
        cut = _lead_attribution(text, run_start, taken)
        if cut is not None:
            cuts.append(cut)
        found.append((run_start, end, None, None))
        taken.append((run_start, end))
    if not found or not _has_words_outside(text, [(s, e) for s, e, _, _ in spans + found]):
        # A post that would be nothing but ">" lines is a reply written on the quote's line
        # (a one-line comment opening with a ">" sentence): its words are the author's own.
        return text, spans
    spans = spans + found
    if cuts:
        text, spans = _cut(text, spans, cuts)
    spans.sort(key=lambda span: (span[0], -span[1]))
    return text, spans


def _has_words_outside(text: str, spans: list[tuple[int, int]]) -> bool:
    cursor = 0
    for start, end in sorted(spans):
        if start > cursor and any(ch.isalnum() for ch in text[cursor:start]):
            return True
        cursor = max(cursor, end)
    return any(ch.isalnum() for ch in text[cursor:])


def _lead_attribution(
    text: str, run_start: int, taken: list[tuple[int, int]]
) -> tuple[int, int] | None:
    """The range of a "Bob wrote:" line (or short paragraph) right above a ``>`` run."""
    end = run_start
    while end > 0 and text[end - 1] == "\n":
        end -= 1
    if end == 0:
        return None
    line_start = text.rfind("\n", 0, end) + 1
    paragraph_start = text.rfind("\n\n", 0, end)
    paragraph_start = 0 if paragraph_start < 0 else paragraph_start + 2
    for start in (line_start, paragraph_start):
        if end - start > 300 or any(s < end and e > start for s, e in taken):
            continue
        words = " ".join(text[start:end].split())
        if _is_mail_attribution(words):
            return start, run_start
    return None


def _cut(text: str, spans: list[_Span], cuts: list[tuple[int, int]]) -> tuple[str, list[_Span]]:
    """Remove the ``cuts`` ranges from ``text``, moving the spans (which lie outside them)."""
    cuts.sort()
    pieces = []
    cursor = 0
    for start, end in cuts:
        pieces.append(text[cursor:start])
        cursor = end
    pieces.append(text[cursor:])

    def moved(position: int) -> int:
        return position - sum(end - start for start, end in cuts if end <= position)

    return "".join(pieces), [(moved(s), moved(e), pid, author) for s, e, pid, author in spans]


# --- The walk ---------------------------------------------------------------------------------


def _is_label(node: LexborNode, tag: str, classes: frozenset[str]) -> bool:
    """Labels whose meaning depends on their neighbours: code-box "Code:" labels and the like."""
    if tag == "div":
        if "smallfont" in classes:  # vBulletin 3: "Quote:" / "Code:" above its box
            after = next_element(node)
            return after is not None and (after.tag == "table" or has_class(after, "alt2"))
        return "type" in classes and has_class(node.parent, "bbCodeBlock")  # XenForo 1 "Code:"
    if tag == "dt":  # phpBB 3: <dl class="codebox"><dt>Code: Select all</dt>
        return has_class(node.parent, "codebox")
    if tag == "td" and "code" in classes:  # XMB: table.code > td.code "Code:" label
        table = node.parent
        while table is not None and table.tag != "table":
            table = table.parent
        return has_class(table, "code")
    return tag == "font" and "subject" in classes  # XMB: the post's subject line


def _walk(roots: Iterable[LexborNode], ctx: _Context) -> HtmlText:
    builder = _Builder()
    scope = ctx.scope
    enter = 0
    stack: list[tuple[int, Any]] = [(enter, n) for n in reversed(list(roots))]
    while stack:
        kind, item = stack.pop()
        if kind != enter:
            item()
            continue
        node: LexborNode = item
        if node.is_text_node:
            builder.text(node.text_content or "")
            continue
        if not node.is_element_node:
            continue
        tag = node.tag or ""
        if tag in _SKIP_TAGS:
            continue
        if tag == "br":
            builder.br()
            continue
        attrs = node.attributes
        classes = classes_of(attrs)
        if classes and not classes.isdisjoint(ctx.drop_classes):
            continue
        if "data-excludequote" in attrs:  # Invision: "Edited by" and other post furniture
            continue
        if tag == "img":
            shown = smiley_text(attrs)
            if shown:
                builder.text(" " + shown + " ")
            continue
        if (classes and not classes.isdisjoint(_LABEL_CLASSES)) or tag == "dt":
            if _is_label(node, tag, classes):
                continue
        if classes:
            if tag == "div" and "meta" in classes and has_class(node.parent, "lightbox"):
                continue  # Discourse image box: "name 800x600 50 KB"
            if (tag == "aside" and "onebox" in classes) or "bbCodeBlock--unfurl" in classes:
                link = first_attr(attrs, ("data-onebox-src", "data-url"))  # a link preview
                builder.block()
                if link:
                    builder.text(link)
                builder.block()
                continue
        if ctx.quotes:
            if scope.skip_ids and node.mem_id in scope.skip_ids:
                continue
            quote = None
            if tag == "p":
                if ctx.blockquotes and attribution_paragraph(node, scope):
                    continue
            elif tag in QUOTE_TRIGGER_TAGS or not classes.isdisjoint(QUOTE_TRIGGER_CLASSES):
                quote = quote_of(node, tag, classes, attrs, scope)
                if quote is None and tag == "table":
                    box = table_box(node)
                    if isinstance(box, tuple):
                        quote = box
                    elif box is not None:  # a code box: only its code cell
                        builder.block()
                        stack.append((1, builder.block))
                        stack.extend((enter, kid) for kid in reversed(children(box)))
                        continue
            if quote is not None:
                post_id, author, content = quote
                builder.block()
                index = builder.open_quote(post_id, author)

                def _close(index: int = index) -> None:
                    builder.close_quote(index)
                    builder.block()

                stack.append((1, _close))
                stack.extend((enter, kid) for kid in reversed(content))
                continue
        if tag in _BLOCK_TAGS:
            builder.block()
            stack.append((1, builder.block))
            if tag == "pre":
                builder.enter_pre()
                stack.append((1, builder.leave_pre))
        elif tag == "code":
            builder.enter_code()
            stack.append((1, builder.leave_code))
        elif tag in _LINE_TAGS:
            builder.line()
            stack.append((1, builder.line))
        elif tag in _CELL_TAGS:
            builder.space()
            stack.append((1, builder.space))
        stack.extend((enter, kid) for kid in reversed(children(node)))
    return builder.result(arrow_quotes=ctx.quotes)


def node_to_text(node: LexborNode | None, *, topic_id: str | None = None) -> HtmlText:
    """The plain text of an element's content, with its marked quotes as spans."""
    if node is None:
        return HtmlText("")
    return _convert(node, topic_id, blockquotes=True)


def _convert(node: LexborNode, topic_id: str | None, *, blockquotes: bool) -> HtmlText:
    ctx = _Context(blockquotes=blockquotes, scope=QuoteScope(topic_id=topic_id))
    mark_wrappers(node, ctx.scope)
    return _walk(children(node), ctx)


def html_to_text(markup: str, *, topic_id: str | None = None) -> HtmlText:
    """Convert an HTML fragment (a post body) to plain text with marked quote spans.

    Paragraphs and other blocks are separated by a blank line, ``<br>`` ends a line,
    whitespace inside lines is collapsed, entities are decoded, scripts, styles and embeds are
    dropped. The quote, wrapper, chrome and smiley markup of XenForo 1 and 2, vBulletin 3 to 5,
    SMF 1 and 2, phpBB 2 and 3, Invision, XMB, MyBB, FluxBB, uCoz, Discourse and Markdown
    engines is understood (see :mod:`discourse.ingest.engines`); the engine is recognised from
    the markup. A quote's span covers its passage only, never its attribution, which is
    dropped; ``topic_id`` (Discourse) makes quotes of other topics name no post.

    Examples
    --------
    >>> result = html_to_text('<blockquote><div><cite>Ana wrote:</cite>Tea.</div></blockquote>No.')
    >>> result.text
    'Tea.\\n\\nNo.'
    >>> [(q.start, q.end, q.quoted_author) for q in result.quotes]
    [(0, 4, 'Ana')]
    """
    if not markup or not markup.strip():
        return HtmlText("")
    tree = LexborHTMLParser(markup)
    body = tree.body if tree.body is not None else tree.root
    if body is None:
        return HtmlText("")
    return _convert(body, topic_id, blockquotes="<blockquote" in markup.lower())


def plain_text(node: LexborNode | None, skip_classes: Iterable[str] = ()) -> str | None:
    """One line of plain text from an element (names, titles); None when empty."""
    if node is None:
        return None
    ctx = _Context(quotes=False, drop_classes=engines.DROP_CLASSES | frozenset(skip_classes))
    return clean_line(_walk(children(node), ctx).text)
