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

This module also holds the helpers the other markup readers share (the exception guard, the
sniffing window) and re-exports the HTML-to-text helpers of :mod:`discourse.ingest.html_text`
and the date parsers of :mod:`discourse.ingest.dates`, so that
:mod:`discourse.ingest.discourse_json`, :mod:`discourse.ingest.forumscraper` and
:mod:`discourse.ingest.tabular` can import them from here.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from datetime import date
from typing import TypeVar

from selectolax.lexbor import LexborHTMLParser, LexborNode

from discourse.ingest.errors import IngestError
from discourse.ingest.html_text import (  # noqa: F401 - re-exported for the other readers
    HtmlText,
    clean_line,
    html_to_text,
    node_to_text,
    plain_text,
)
from discourse.ingest.records import ParsedThread, RawFile, RawPost

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


# Dates live in discourse.ingest.dates; re-exported for the readers that import them from here.
from discourse.ingest.dates import parse_date, parse_datetime  # noqa: E402


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
                name = clean_line(titled.attributes.get("title")) or clean_line(
                    titled.attributes.get("aria-label")
                )
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
