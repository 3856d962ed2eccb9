"""Reader for a saved XenForo 2 thread page (``FORMAT = "xenforo_html"``).

A thread page as a browser saves it: the forum chrome (header, navigation, sidebar, footer)
around one ``article.message`` per post. For each post we keep the author (``data-author``),
the source id (``data-content="post-N"`` / ``id="js-post-N"``), the date of the message header's
``time[datetime]``, the user title and the ``.message-userExtras`` pairs (Joined, Messages,
Reaction score...), the "Last edited" marker, and the body of ``.message-body .bbWrapper``
converted to plain text. Quotes (``blockquote.bbCodeBlock--quote``) stay in the text and are
reported as :class:`~discourse.ingest.records.RawQuote` spans of their content only (the
"NAME said:" title and the "Click to expand..." link are dropped); nested quotes are reported
too, each with its own span.

This module also holds the helpers the other markup readers share (HTML to text with quote
spans, date parsing, the exception guard, the sniffing window); they are public so that
:mod:`discourse.ingest.discourse_json`, :mod:`discourse.ingest.forumscraper` and
:mod:`discourse.ingest.tabular` can import them.
"""

from __future__ import annotations

import codecs
import html as htmllib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from discourse.ingest.errors import IngestError
from discourse.ingest.records import ParsedThread, RawFile, RawPost, RawQuote

FORMAT = "xenforo_html"

#: How much of the start of a file the sniffers look at.
SNIFF_BYTES = 16 * 1024

_T = TypeVar("_T")

# =============================================================================================
# Shared helpers
# =============================================================================================


def sniff_head(raw: RawFile, n: int = SNIFF_BYTES) -> str:
    """The first ``n`` bytes of ``raw`` as text, decoded leniently (never raises)."""
    head = raw.data[:n]
    if head.startswith(codecs.BOM_UTF8):
        return head[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) - len(head) % 2].decode("utf-16", errors="replace")
    return head.decode("utf-8", errors="replace")


def guarded(raw: RawFile, what: str, parse: Callable[[], _T]) -> _T:
    """Run ``parse`` and turn any failure other than :class:`IngestError` into one.

    Readers check what they can and raise clear messages themselves; this is the safety net
    that keeps an unexpected exception (a parser bug, a panic in a native library, input
    nested too deeply) from escaping as anything but an ``IngestError`` naming the file.
    """
    try:
        return parse()
    except IngestError:
        raise
    except RecursionError as exc:
        raise raw.fail(f"{what}: input nested too deeply to read") from exc
    except Exception as exc:
        raise raw.fail(f"{what}: {_describe(exc)}") from exc
    except BaseException as exc:  # pyo3 PanicException (polars) derives from BaseException
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise raw.fail(f"{what}: {_describe(exc)}") from exc


def _describe(exc: BaseException) -> str:
    message = " ".join(str(exc).split())
    if len(message) > 200:
        message = message[:197] + "..."
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


def clean_line(value: object, *, unescape: bool = False) -> str | None:
    """A one-line plain-text value, whitespace collapsed; None if empty or not text.

    With ``unescape`` HTML entities are decoded first, for names and titles that scrapers store
    HTML-escaped (``&nbsp;``, ``&gt;``). The result is plain text and may well contain ``<`` or
    ``&``: it is escaped when rendered, never trusted.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return None
        text = str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)
    elif isinstance(value, str):
        text = htmllib.unescape(value) if unescape and "&" in value else value
    else:
        return None
    text = " ".join(text.split())
    return text or None


def _to_utc(value: datetime) -> datetime | None:
    try:
        if value.tzinfo is None or value.tzinfo.utcoffset(value) is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def _from_epoch(seconds: float) -> datetime | None:
    if not math.isfinite(seconds):
        return None
    if abs(seconds) >= 1e11:  # later than the year 5138 in seconds: it is milliseconds
        seconds /= 1000.0
    try:
        return datetime.fromtimestamp(seconds, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return None


# Formats forum scrapers commonly leave in their output besides ISO 8601 (English month names).
_LOOSE_DATETIME_FORMATS = (
    "%a %b %d, %Y %I:%M %p",  # phpBB: "Fri Apr 19, 2013 4:45 am"
    "%a %b %d, %Y %H:%M",
    "%b %d, %Y at %I:%M %p",  # XenForo title attribute: "Apr 2, 2023 at 6:41 PM"
    "%b %d, %Y %I:%M %p",
    "%B %d, %Y, %I:%M:%S %p",  # SMF: "March 03, 2012, 09:15:33 pm"
    "%B %d, %Y, %I:%M %p",
    "%d %B %Y - %I:%M %p",
    "%d %b %Y %H:%M",
    "%Y-%m-%d %H:%M:%S %z",
    "%Y/%m/%d %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d/%m/%Y %H:%M",
)
_LOOSE_DATE_FORMATS = (
    "%b %d, %Y",  # XenForo "Joined": "Mar 3, 2019"
    "%B %d, %Y",
    "%a %b %d, %Y",
    "%d %b %Y",
    "%d %B %Y",
    "%b %Y",  # "Joined: Mar 2019"
    "%B %Y",
    "%Y-%m-%d",
    "%d.%m.%Y",
    "%d/%m/%Y",
)
_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?")


def parse_datetime(value: object) -> datetime | None:
    """A timezone-aware UTC datetime from whatever a source holds, or None.

    Accepts ISO 8601 strings (``Z``, ``+01:00`` or ``+0100`` offsets, a space instead of
    ``T``), epoch seconds (int, float or numeric string; values past ~1e11 are taken as
    milliseconds), ``datetime`` and ``date`` objects, and a few common forum date formats in
    English. Naive values are taken as UTC. Never raises.
    """
    try:
        if value is None or isinstance(value, bool):
            return None
        if isinstance(value, datetime):
            return _to_utc(value)
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day, tzinfo=UTC)
        if isinstance(value, (int, float)):
            return _from_epoch(float(value))
        if not isinstance(value, str):
            return None
        text = " ".join(value.split())
        if not text or len(text) > 64:
            return None
        if _NUMERIC.fullmatch(text):
            return _from_epoch(float(text))
        try:
            return _to_utc(datetime.fromisoformat(text))
        except ValueError:
            pass
        for fmt in _LOOSE_DATETIME_FORMATS:
            try:
                return _to_utc(datetime.strptime(text, fmt))
            except ValueError:
                continue
        for fmt in _LOOSE_DATE_FORMATS:
            try:
                day = datetime.strptime(text, fmt)
            except ValueError:
                continue
            return datetime(day.year, day.month, day.day, tzinfo=UTC)
        return None
    except Exception:  # noqa: BLE001 - a date we cannot read is simply unknown
        return None


def parse_date(value: object) -> date | None:
    """A calendar date (e.g. a "Joined" date) from text, a datetime or epoch; None if unknown."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    stamp = parse_datetime(value)
    return stamp.date() if stamp is not None else None


# --- HTML to text ----------------------------------------------------------------------------

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
#: Chrome inside post bodies that a reader does not read as the post's words.
_SKIP_CLASSES = frozenset(
    {
        "bbCodeBlock-title",  # "NAME said:" of a quote, "Code:" of a code block
        "bbCodeBlock-expandLink",  # "Click to expand..."
        "js-selectToQuoteEnd",
        "message-lastEdit",
        "message-signature",
        "quoteExpand",  # XenForo 1 "Click to expand..."
        "ipsQuote_citation",  # Invision "X said:"
        "quote-controls",  # Discourse
        "js-extraPhrases",
    }
)
_ATTRIBUTION = re.compile(
    r"^\s*(?:quote\s*(?:from)?\s*:?\s*)?(.+?)\s+(?:wrote|said|writes|says)\b.*$",
    re.IGNORECASE | re.DOTALL,
)
_POST_REF = re.compile(r"post[:\s_-]*(\d+)", re.IGNORECASE)
_ID_PARAM = re.compile(r"[?&#](?:id|p|post)=?(\d+)", re.IGNORECASE)


@dataclass(slots=True)
class HtmlText:
    """Plain text converted from HTML, with the spans of the quotes its markup marks."""

    text: str
    quotes: list[RawQuote] = field(default_factory=list)


@dataclass(slots=True)
class _Context:
    quotes: bool = True  # detect quote markup (False: plain text of titles, names)
    topic_id: str | None = None  # Discourse: quotes of another topic name no post here
    skip_classes: frozenset[str] = _SKIP_CLASSES
    skip_ids: set[int] = field(default_factory=set)  # mem_ids of nodes to leave out


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
        self.pre_depth = 0
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

    def result(self) -> HtmlText:
        text = "".join(self._parts)
        quotes = [
            RawQuote(start, end, post_id, author, method="marker")
            for start, end, post_id, author in self._quotes
            if start is not None and end is not None and end > start
        ]
        return HtmlText(text, quotes)


def _classes(node: LexborNode) -> set[str]:
    value = node.attributes.get("class")
    return set(value.split()) if value else set()


def _children(node: LexborNode) -> list[LexborNode]:
    return list(node.iter(include_text=True))


def _attr(node: LexborNode, *names: str) -> str | None:
    attributes = node.attributes
    for name in names:
        value = attributes.get(name)
        if value is not None and value.strip():
            return value.strip()
    return None


def _post_id_from(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return value
    match = _POST_REF.search(value)
    return match.group(1) if match else None


def _closest_blockquote(node: LexborNode) -> LexborNode | None:
    parent = node.parent
    while parent is not None:
        if parent.tag == "blockquote":
            return parent
        parent = parent.parent
    return None


def _quote_of(
    node: LexborNode, classes: set[str], ctx: _Context
) -> tuple[str | None, str | None, list[LexborNode]] | None:
    """If ``node`` is quote markup: (quoted post id, quoted author, nodes of the passage)."""
    tag = node.tag
    if tag == "blockquote" and "bbCodeBlock--quote" in classes:  # XenForo 2
        author = clean_line(_attr(node, "data-quote"))
        post_id = _post_id_from(_attr(node, "data-source"))
        container = node.css_first(".bbCodeBlock-expandContent") or node.css_first(
            ".bbCodeBlock-content"
        )
        content = _children(container) if container is not None else _children(node)
        return post_id, author, content
    if "bbCodeQuote" in classes:  # XenForo 1: div.bbCodeQuote > aside > blockquote > .quote
        author = clean_line(_attr(node, "data-author"))
        post_id = None
        link = node.css_first(".AttributionLink")
        if link is not None:
            href = _attr(link, "href")
            match = _ID_PARAM.search(href or "") or _POST_REF.search(href or "")
            post_id = match.group(1) if match else None
        container = node.css_first(".quote") or node.css_first("blockquote")
        content = _children(container) if container is not None else _children(node)
        return post_id, author, content
    if tag == "aside" and "quote" in classes:  # Discourse
        author = clean_line(_attr(node, "data-username"))
        post_id = _attr(node, "data-post")
        topic = _attr(node, "data-topic")
        if post_id is not None and not post_id.isdigit():
            post_id = None
        if topic is not None and ctx.topic_id is not None and topic != ctx.topic_id:
            post_id = None  # a quote from another topic: that post is not in this file
        kids = _children(node)
        for kid in kids:
            if kid.is_element_node and kid.tag == "blockquote":
                return post_id, author, _children(kid)
        rest = [k for k in kids if not (k.is_element_node and "title" in _classes(k))]
        return post_id, author, rest
    if tag == "blockquote":  # Invision, phpBB, Markdown ">" and plain blockquotes
        author = clean_line(
            _attr(node, "data-ipsquote-username", "data-cite", "data-quote", "data-author")
            or _attr(node, "data-username")
        )
        post_id = _post_id_from(
            _attr(node, "data-ipsquote-contentcommentid", "data-post-id", "data-post")
        )
        for cite in node.css("cite"):
            owner = _closest_blockquote(cite)
            if owner is None or owner.mem_id != node.mem_id:
                continue
            match = _ATTRIBUTION.match(cite.text() or "")
            if match is None:
                break
            ctx.skip_ids.add(cite.mem_id)
            if author is None:
                named = cite.css_first("a")
                author = clean_line(named.text()) if named is not None else None
                author = author or clean_line(match.group(1))
            if post_id is None:
                for link in cite.css("a"):
                    post_id = _post_id_from(_attr(link, "data-post-id"))
                    if post_id is None:
                        ref = _ID_PARAM.search(_attr(link, "href") or "")
                        post_id = ref.group(1) if ref else None
                    if post_id is not None:
                        break
            break
        return post_id, author, _children(node)
    return None


def _walk(roots: Iterable[LexborNode], ctx: _Context) -> HtmlText:
    builder = _Builder()
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
        if tag in _SKIP_TAGS or node.mem_id in ctx.skip_ids:
            continue
        classes = _classes(node)
        if classes & ctx.skip_classes:
            continue
        if tag == "div" and "meta" in classes:  # Discourse image box: "name 800x600 50 KB"
            parent = node.parent
            if parent is not None and "lightbox" in _classes(parent):
                continue
        if tag == "br":
            builder.br()
            continue
        if tag == "img":
            if classes & {"smilie", "emoji"} or "data-shortname" in node.attributes:
                builder.text(" " + (_attr(node, "alt", "title") or "") + " ")
            continue
        if (tag == "aside" and "onebox" in classes) or "bbCodeBlock--unfurl" in classes:
            link = _attr(node, "data-onebox-src", "data-url")  # a link preview: keep the link
            builder.block()
            if link:
                builder.text(link)
            builder.block()
            continue
        if ctx.quotes:
            quote = _quote_of(node, classes, ctx)
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
                builder.pre_depth += 1

                def _leave_pre() -> None:
                    builder.pre_depth -= 1

                stack.append((1, _leave_pre))
        elif tag in _LINE_TAGS:
            builder.line()
            stack.append((1, builder.line))
        elif tag in _CELL_TAGS:
            builder.space()
            stack.append((1, builder.space))
        stack.extend((enter, kid) for kid in reversed(_children(node)))
    return builder.result()


def node_to_text(node: LexborNode | None, *, topic_id: str | None = None) -> HtmlText:
    """The plain text of an element's content, with its marked quotes as spans."""
    if node is None:
        return HtmlText("")
    return _walk(_children(node), _Context(topic_id=topic_id))


def html_to_text(markup: str, *, topic_id: str | None = None) -> HtmlText:
    """Convert an HTML fragment (a post body) to plain text with marked quote spans.

    Paragraphs and other blocks are separated by a blank line, ``<br>`` ends a line,
    whitespace inside lines is collapsed, entities are decoded, scripts, styles and embeds are
    dropped. Quote markup understood: XenForo 2 (``blockquote.bbCodeBlock--quote``), XenForo 1
    (``div.bbCodeQuote``), Discourse (``aside.quote``), Invision (``blockquote.ipsQuote``) and
    plain ``<blockquote>`` (phpBB's "X wrote:" ``<cite>`` is dropped and names the author).
    A quote's span covers its passage only, never its attribution.
    """
    if not markup or not markup.strip():
        return HtmlText("")
    tree = LexborHTMLParser(markup)
    body = tree.body if tree.body is not None else tree.root
    return node_to_text(body, topic_id=topic_id)


def plain_text(node: LexborNode | None, skip_classes: Iterable[str] = ()) -> str | None:
    """One line of plain text from an element (names, titles); None when empty."""
    if node is None:
        return None
    ctx = _Context(quotes=False, skip_classes=_SKIP_CLASSES | frozenset(skip_classes))
    return clean_line(_walk(_children(node), ctx).text)


# =============================================================================================
# The XenForo 2 reader
# =============================================================================================

_XF_MARKERS = (
    'id="XF"',
    "data-xf-init",
    "data-template=\"thread_view\"",
    "xenforo",
    "js-post-",
    "message--post",
    "bbWrapper",
)
_POST_NUMBER = re.compile(r"(?:js-)?post-(\d+)")
_DATE_SELECTORS = (
    ".message-attribution-main time[datetime]",
    ".message-attribution time[datetime]",
    "header.message-attribution time[datetime]",
    ".message-date time[datetime]",
    "time.u-dt[datetime]",
)


def sniff(raw: RawFile) -> bool:
    """True when the start of the file looks like a saved XenForo HTML page."""
    try:
        head = sniff_head(raw)
        lowered = head.lower()
        if "<html" not in lowered and "<!doctype html" not in lowered:
            return False
        return any(marker.lower() in lowered for marker in _XF_MARKERS)
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def read(raw: RawFile, **options: object) -> list[ParsedThread]:
    """Parse a saved XenForo 2 thread page into one thread.

    Raises
    ------
    IngestError
        When the file is not text, holds no ``article.message`` post, or no post has a body.
    """
    del options  # this format has no options
    return guarded(raw, "could not read XenForo HTML", lambda: _read(raw))


def _read(raw: RawFile) -> list[ParsedThread]:
    text = raw.text
    tree = LexborHTMLParser(text)
    articles = tree.css("article.message")
    if not articles:
        raise raw.fail("no XenForo posts found (no article.message element); not a thread page?")
    posts: list[RawPost] = []
    for article in articles:
        post = _read_post(article)
        if post is not None:
            posts.append(post)
    if not posts:
        raise raw.fail(
            f"found {len(articles)} article.message element(s) but none has a message body "
            "(.message-body .bbWrapper or .message-content)"
        )
    title = plain_text(
        tree.css_first("h1.p-title-value"), skip_classes=("label", "labelLink", "label-append")
    )
    if title is None:
        title = plain_text(tree.css_first("title"))
    url = None
    for selector, attribute in (
        ('link[rel="canonical"]', "href"),
        ('meta[property="og:url"]', "content"),
    ):
        element = tree.css_first(selector)
        if element is not None:
            url = clean_line(element.attributes.get(attribute))
            if url:
                break
    return [ParsedThread(format=FORMAT, posts=posts, title=title, url=url)]


def _read_post(article: LexborNode) -> RawPost | None:
    body = article.css_first(".message-body .bbWrapper") or article.css_first(".message-content")
    if body is None:
        return None
    converted = node_to_text(body)

    post_id = None
    for attribute in ("data-content", "id"):
        match = _POST_NUMBER.fullmatch((article.attributes.get(attribute) or "").strip())
        if match:
            post_id = match.group(1)
            break

    author = clean_line(article.attributes.get("data-author"))
    if author is None:
        author = plain_text(article.css_first(".message-name .username")) or plain_text(
            article.css_first(".message-name")
        )

    created_at = None
    for selector in _DATE_SELECTORS:
        stamp = article.css_first(selector)
        if stamp is None:
            continue
        created_at = parse_datetime(stamp.attributes.get("datetime"))
        if created_at is None:
            created_at = parse_datetime(stamp.attributes.get("data-time"))
        if created_at is not None:
            break

    author_title = plain_text(article.css_first(".userTitle"))
    joined, meta = _user_extras(article)

    edit = article.css_first(".message-lastEdit")
    edit_note = plain_text(edit) if edit is not None else None

    return RawPost(
        text=converted.text,
        post_id=post_id,
        author=author,
        author_title=author_title,
        author_joined=joined,
        author_meta=meta,
        created_at=created_at,
        edited=edit is not None,
        edit_note=edit_note,
        quotes=converted.quotes,
    )


def _user_extras(article: LexborNode) -> tuple[date | None, dict[str, str]]:
    joined: date | None = None
    meta: dict[str, str] = {}
    extras = article.css_first(".message-userExtras")
    if extras is None:
        return joined, meta
    for pair in extras.css("dl"):
        term = pair.css_first("dt")
        value = pair.css_first("dd")
        if term is None or value is None:
            continue
        name = plain_text(term)
        if name is None:  # some styles show an icon with a title instead of a word
            titled = term.css_first("[title]") or term.css_first("[aria-label]")
            if titled is not None:
                name = clean_line(_attr(titled, "title", "aria-label"))
        shown = plain_text(value)
        if name is None or shown is None:
            continue
        name = name.rstrip(":").strip()
        if name.lower() == "joined":
            stamp = value.css_first("time[datetime]")
            joined = parse_date(stamp.attributes.get("datetime") if stamp is not None else shown)
            if joined is None:
                joined = parse_date(shown)
            if joined is not None:
                continue
        meta[name] = shown
    return joined, meta
