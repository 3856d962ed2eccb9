"""Quote markup of the forum engines: which element is a quote, who and which post it quotes.

:func:`quote_of` is asked about the elements that may be quotes (see
:data:`QUOTE_TRIGGER_CLASSES` and :data:`QUOTE_TRIGGER_TAGS`) and answers with the quoted post
id, the quoted author and the nodes of the passage; the attribution ("NAME said:", "Quote from:
NAME on DATE", a leading ``<cite>``) is never among those nodes. The rules follow the engine
templates listed in :mod:`discourse.ingest.engines`. :func:`parse_attribution` reads an
attribution line in the languages of :mod:`discourse.ingest.engines`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from discourse.ingest import engines
from discourse.ingest.html_nodes import (
    child_with_class,
    children,
    classes_of,
    clean_line,
    elements,
    first_attr,
    first_element,
    has_class,
    next_element,
    post_id_from,
    post_id_in_url,
    prev_element,
)

#: A quote: (quoted post id, quoted author, the nodes of the passage).
Quote = tuple[str | None, str | None, list[LexborNode]]


@dataclass(slots=True)
class QuoteScope:
    """What the quote rules remember while one body is walked."""

    topic_id: str | None = None  # Discourse: quotes of another topic name no post here
    skip_ids: set[int] = field(default_factory=set)  # mem_ids of attribution nodes to leave out
    wrapper_ids: set[int] = field(default_factory=set)  # mem_ids of blockquotes that wrap a body
    pending_authors: dict[int, str | None] = field(default_factory=dict)  # blockquote -> author


# --- Attribution lines ------------------------------------------------------------------------


def _alternatives(words: Iterable[str]) -> str:
    # Longest first, so "quote from" wins over "quote" and "napisał(a)" over "napisał".
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


def _is_spaced(word: str) -> bool:
    """Whether a word stands apart from the name (alphabetic scripts) or joins it (CJK)."""
    return ord(word[0]) < 0x2E80


_WROTE_SPACED = _alternatives(w for w in engines.WROTE_WORDS if _is_spaced(w))
_WROTE_JOINED = _alternatives(w for w in engines.WROTE_WORDS if not _is_spaced(w))
_QUOTE = _alternatives(engines.QUOTE_WORDS)
_POSTED_BY = _alternatives(engines.POSTED_BY_WORDS)
_ON = _alternatives(engines.ON_WORDS)
# A date follows: a token with a digit, "Today"/"Yesterday", or a word and a number ("May 5").
_DATE_AHEAD = rf"(?=\S*\d|(?:{_alternatives(engines.RELATIVE_DAY_WORDS)})\b|\w+[.,]?\s+\d)"
_BARE_QUOTE = re.compile(rf"(?:{_QUOTE})\s*:?", re.IGNORECASE)
_DATE_TAIL = rf"(?:\s+(?:{_ON})\s+{_DATE_AHEAD}.*)?"  # " on May 3, 2014", " am 3. Mai 2014"
_POSTED_BY_NAME = re.compile(
    rf"(?:{_POSTED_BY})\s*:?\s*(?P<name>.+?){_DATE_TAIL}", re.IGNORECASE
)
_QUOTE_FROM_NAME = re.compile(rf"(?:{_QUOTE})\s*:\s*(?P<name>.+?){_DATE_TAIL}", re.IGNORECASE)
_NAME_WROTE = re.compile(
    rf"(?P<name>.+?)(?:\s*,\s*(?:{_ON})\s+.+?,)?(?:\s+(?:{_WROTE_SPACED})|\s*(?:{_WROTE_JOINED}))"
    r"\s*[:\uff1a]?",
    re.IGNORECASE,
)
# Spaces, colons (also the full-width one) and the "jump to post" arrows around a name.
_EDGES = " \t\u00a0:\uff1a\u2191\u21e7\u25b2\u2197\u00bb\u2192"


def parse_attribution(text: str) -> tuple[bool, str | None]:
    """Read a quote attribution line: (is it one, the quoted author's name if it names one).

    Understands "NAME wrote:" / "NAME said:", "Quote:", "Quote from: NAME on DATE",
    "Originally Posted by NAME" and "NAME, on DATE, said:" in the languages of
    :mod:`discourse.ingest.engines` ("Kasia pisze:", "Cytat: Kasia on 3 maja 2014",
    "Сообщение от Kasia"). Lines that are none of these give ``(False, None)``.

    >>> parse_attribution("Quote from: Kasia on May 03, 2014, 09:15:33 pm")
    (True, 'Kasia')
    >>> parse_attribution("Ana napisał(a):")
    (True, 'Ana')
    >>> parse_attribution("Tea is good.")
    (False, None)
    """
    line = " ".join(text.split()).strip(_EDGES)
    if not line or len(line) > 200:
        return False, None
    if _BARE_QUOTE.fullmatch(line):
        return True, None
    for pattern in (_POSTED_BY_NAME, _QUOTE_FROM_NAME, _NAME_WROTE):
        match = pattern.fullmatch(line)
        if match is not None:
            name = match.group("name").strip(_EDGES)
            if pattern is _QUOTE_FROM_NAME:  # "Quote: Originally Posted by NAME" (XMB)
                inner = _POSTED_BY_NAME.fullmatch(name) or _NAME_WROTE.fullmatch(name)
                if inner is not None:
                    name = inner.group("name").strip(_EDGES)
            return True, clean_line(name)
    return False, None


_PROFILE_URL = re.compile(
    r"memberlist\.php|member\.php|/members?/|profile|/u/|/users?/|showuser=|/user-",
    re.IGNORECASE,
)
_UNSPOKEN_TAGS = frozenset({"span", "time", "img", "script", "style"})


def _attribution_text(node: LexborNode) -> str:
    """The words of an attribution element, without its date, icon and hidden parts."""
    out: list[str] = []
    stack: list[LexborNode] = list(reversed(children(node)))
    while stack:
        kid = stack.pop()
        if kid.is_text_node:
            out.append(kid.text_content or "")
        elif kid.is_element_node and kid.tag not in _UNSPOKEN_TAGS:
            if not has_class(kid, "responsive-hide"):
                stack.extend(reversed(children(kid)))
    return " ".join("".join(out).split())


def read_attribution(header: LexborNode) -> tuple[bool, str | None, str | None]:
    """(is it an attribution, quoted author, quoted post id) of a quote's header or cite.

    The author is the text of a link to a member profile, else the name the attribution line
    gives, else the text of its ``<strong>``/``<b>`` (vBulletin's "Originally Posted by
    <strong>NAME</strong>" in any language). The post id comes from ``data-post-id`` or a link
    to the quoted post.
    """
    post_id = post_id_from(header.attributes.get("data-post-id"))
    author = None
    for link in header.css("a"):
        attrs = link.attributes
        href = attrs.get("href")
        if post_id is None:
            post_id = (
                post_id_from(attrs.get("data-post-id"))
                or post_id_in_url(href)
                or post_id_from(attrs.get("data-content-selector"))
            )
        if author is None and href and _PROFILE_URL.search(href) and not post_id_in_url(href):
            author = clean_line(link.text())
    is_attribution, named = parse_attribution(_attribution_text(header))
    author = author or named
    if author is None:
        bold = header.css_first("strong") or header.css_first("b")
        if bold is not None:
            shown = clean_line(bold.text())
            if shown is not None:
                bold_attribution, bold_name = parse_attribution(shown)
                author = bold_name if bold_attribution else shown
    return is_attribution or author is not None, author, post_id


def attribution_paragraph(node: LexborNode, scope: QuoteScope) -> bool:
    """True for a short "NAME wrote:" paragraph right before a ``<blockquote>`` (Markdown).

    Only a line ending with a colon counts: "as I wrote" before a quote is the author's own.

    The name is kept for that blockquote, which :func:`quote_of` meets next.
    """
    after = next_element(node)
    if after is None or after.tag != "blockquote":
        return False
    text = (node.text() or "").rstrip()
    if len(text) > 120 or not text.endswith((":", "\uff1a")):
        return False
    is_attribution, name = parse_attribution(text)
    if not is_attribution:
        return False
    scope.pending_authors[after.mem_id] = name
    return True


def _leading_cite(node: LexborNode) -> LexborNode | None:
    """A ``<cite>`` that opens a quote (directly or in the quote's first ``<div>``)."""
    first = first_element(node)
    if first is None:
        return None
    if first.tag == "cite":
        return first
    if first.tag == "div":
        inner = first_element(first)
        if inner is not None and inner.tag == "cite":
            return inner
    return None


# --- Quote rules ------------------------------------------------------------------------------

_Attrs = dict[str, str | None]


def _quote_xenforo2(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    author = clean_line(attrs.get("data-quote"))
    post_id = post_id_from(attrs.get("data-source"))
    title = child_with_class(node, "bbCodeBlock-title")
    if title is not None and (author is None or post_id is None):
        _, named, linked = read_attribution(title)  # quotes saved without data-source
        author = author or named
        post_id = post_id or linked
    container = child_with_class(node, "bbCodeBlock-content")
    if container is not None:
        container = child_with_class(container, "bbCodeBlock-expandContent") or container
    return post_id, author, children(container if container is not None else node)


def _quote_xenforo1(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    author = clean_line(attrs.get("data-author"))
    post_id = None
    aside = node.css_first("aside") or node
    header = child_with_class(aside, "attribution")
    if header is not None:
        _, named, post_id = read_attribution(header)
        author = author or named
    container = None
    for kid in elements(aside):
        if kid.tag == "blockquote":
            container = child_with_class(kid, "quote") or kid
            break
    return post_id, author, children(container if container is not None else aside)


def _quote_invision(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    author = clean_line(first_attr(attrs, engines.AUTHOR_ATTRIBUTES))
    post_id = post_id_from(first_attr(attrs, engines.POST_ID_ATTRIBUTES))
    if author is None or post_id is None:
        header = child_with_class(node, "ipsQuote_citation") or child_with_class(node, "citation")
        if header is not None:
            _, named, linked = read_attribution(header)
            author, post_id = author or named, post_id or linked
    contents = child_with_class(node, "ipsQuote_contents")
    if contents is None:  # Invision 3: p.citation + div.blockquote > div.quote
        contents = child_with_class(node, "blockquote")
        if contents is not None:
            contents = child_with_class(contents, "quote") or contents
    return post_id, author, children(contents if contents is not None else node)


def _quote_vbulletin(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    box = child_with_class(node, "quote_container") or node
    author = post_id = None
    header = child_with_class(box, "bbcode_postedby")
    if header is not None:
        _, author, post_id = read_attribution(header)
    message = child_with_class(box, "message")
    return post_id, author, children(message if message is not None else box)


def _quote_ucoz(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    author = None
    header = child_with_class(node, "bbQuoteName")
    if header is not None:
        _, author, _ = read_attribution(header)
    message = child_with_class(node, "quoteMessage")
    return None, author, children(message if message is not None else node)


def _quote_fluxbb(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    author = post_id = None
    content: LexborNode = node
    for kid in elements(node):
        if kid.tag == "cite":
            scope.skip_ids.add(kid.mem_id)
            _, author, post_id = read_attribution(kid)
        elif kid.tag == "blockquote":
            content = kid
    return post_id, author, children(content)


def _quote_discourse(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    author = clean_line(attrs.get("data-username"))
    post_id = clean_line(attrs.get("data-post"))
    topic = clean_line(attrs.get("data-topic"))
    if post_id is not None and not post_id.isdigit():
        post_id = None
    if topic is not None and scope.topic_id is not None and topic != scope.topic_id:
        post_id = None  # a quote from another topic: that post is not in this file
    kids = children(node)
    for kid in kids:
        if kid.is_element_node and kid.tag == "blockquote":
            return post_id, author, children(kid)
    rest = [k for k in kids if not (k.is_element_node and has_class(k, "title"))]
    return post_id, author, rest


def _quote_plain(node: LexborNode, attrs: _Attrs, scope: QuoteScope) -> Quote:
    """A quote whose attribution is a leading ``<cite>``, the header before it, or attributes.

    phpBB 3, MyBB and SMF 2.1 open the passage with a ``<cite>``; SMF 1 and 2.0, phpBB
    subsilver2 and Invision 3 put a header element just before it; Markdown engines may put a
    "NAME wrote:" paragraph before it.
    """
    author = clean_line(first_attr(attrs, engines.AUTHOR_ATTRIBUTES))
    post_id = post_id_from(first_attr(attrs, engines.POST_ID_ATTRIBUTES))
    if post_id is None:
        post_id = post_id_in_url(attrs.get("cite"))  # phpBB 3.2: cite="viewtopic.php?p=N"
    header = _leading_cite(node)
    if header is not None:
        scope.skip_ids.add(header.mem_id)
    else:
        before = prev_element(node)
        if before is not None and not classes_of(before.attributes).isdisjoint(
            engines.HEADER_CLASSES
        ):
            header = before
    if header is not None:
        _, named, linked = read_attribution(header)
        author, post_id = author or named, post_id or linked
    if author is None:
        author = scope.pending_authors.pop(node.mem_id, None)
    return post_id, author, children(node)


def _quote_xmb(node: LexborNode, scope: QuoteScope) -> Quote | None:
    """XMB: ``table.quote`` with a ``td.quote`` header row and a ``td.quotemessage`` row."""
    author = post_id = None
    message = None
    for cell in node.css("td"):
        classes = classes_of(cell.attributes)
        if "quotemessage" in classes and message is None:
            message = cell
        elif "quote" in classes and message is None:
            _, author, post_id = read_attribution(cell)
    if message is None:
        return None
    lead = first_element(message)  # older posts: <em>Originally posted by NAME</em><br />
    if lead is not None and lead.tag in ("em", "i", "b", "strong"):
        is_attribution, named = parse_attribution(lead.text() or "")
        if is_attribution:
            scope.skip_ids.add(lead.mem_id)
            author = author or named
    return post_id, author, children(message)


def _rows(table: LexborNode) -> list[LexborNode]:
    rows: list[LexborNode] = []
    for kid in elements(table):
        if kid.tag == "tr":
            rows.append(kid)
        elif kid.tag in ("tbody", "thead", "tfoot"):
            rows.extend(row for row in elements(kid) if row.tag == "tr")
    return rows


def table_box(node: LexborNode) -> Quote | LexborNode | None:
    """vBulletin 3 and phpBB 2 quote and code boxes drawn as tables.

    Returns a quote; for a code box, the cell holding the code (its "Code:" row is not the
    author's); None for an ordinary table.
    """
    before = prev_element(node)
    if before is not None and before.tag == "div" and has_class(before, "smallfont"):
        # vBulletin 3: <div class="smallfont">Quote:</div><table><tr><td class="alt2">
        cell = node.css_first("td")
        if cell is None:
            return None
        parts = elements(cell)
        if len(parts) == 2 and all(part.tag == "div" for part in parts):
            header, passage = parts  # <div>Originally Posted by <strong>NAME</strong></div>
            if "italic" in (passage.attributes.get("style") or "") or header.css_first("strong"):
                _, author, post_id = read_attribution(header)
                return post_id, author, children(passage)
        return None, None, children(cell)
    rows = _rows(node)
    if len(rows) not in (2, 3):
        return None
    cells = elements(rows[1])
    if len(cells) != 1 or cells[0].tag != "td":
        return None
    body = cells[0]
    classes = classes_of(body.attributes)
    if "quote" in classes:  # phpBB 2: a "NAME wrote:" row, then td.quote
        _, author, post_id = read_attribution(rows[0])
        return post_id, author, children(body)
    if "code" in classes:  # phpBB 2: a "Code:" row, then td.code
        return body
    return None


_CLASS_RULES: tuple[tuple[str, Callable[[LexborNode, _Attrs, QuoteScope], Quote]], ...] = (
    ("bbCodeBlock--quote", _quote_xenforo2),
    ("bbCodeQuote", _quote_xenforo1),
    ("ipsQuote", _quote_invision),
    ("ipsBlockquote", _quote_invision),
    ("bbcode_quote", _quote_vbulletin),
    ("bbQuoteBlock", _quote_ucoz),
    ("quotebox", _quote_fluxbb),
    ("bbc_standard_quote", _quote_plain),
    ("bbc_alternate_quote", _quote_plain),
    ("mycode_quote", _quote_plain),
    ("quotecontent", _quote_plain),
    ("uncited", _quote_plain),
)

#: Elements :func:`quote_of` needs to see: these tags, and elements with these classes.
QUOTE_TRIGGER_TAGS = frozenset({"blockquote", "aside", "table"})
QUOTE_TRIGGER_CLASSES = engines.QUOTE_CLASSES | {"blockquote"}


def quote_of(
    node: LexborNode, tag: str, classes: frozenset[str], attrs: _Attrs, scope: QuoteScope
) -> Quote | None:
    """If ``node`` is quote markup: (quoted post id, quoted author, nodes of the passage)."""
    if not classes.isdisjoint(engines.QUOTE_CLASSES):
        for name, rule in _CLASS_RULES:
            if name in classes:
                return rule(node, attrs, scope)
        # "quote" alone: Discourse aside, XMB table, SMF 1 div after its header
        if tag == "aside":
            return _quote_discourse(node, attrs, scope)
        if tag == "table":
            return _quote_xmb(node, scope)
        if tag == "blockquote":
            return _quote_plain(node, attrs, scope)
        before = prev_element(node)
        if before is not None and has_class(before, *engines.HEADER_CLASSES):
            return _quote_plain(node, attrs, scope)
        return None
    if tag == "blockquote":
        if node.mem_id in scope.wrapper_ids or not classes.isdisjoint(engines.BODY_WRAPPER_CLASSES):
            return None
        return _quote_plain(node, attrs, scope)
    if tag == "div" and "blockquote" in classes:  # Invision 3: p.citation + div.blockquote
        before = prev_element(node)
        if before is not None and has_class(before, "citation"):
            return _quote_plain(node, attrs, scope)
    return None


def mark_wrappers(root: LexborNode, scope: QuoteScope) -> None:
    """Mark the ``<blockquote>`` elements that hold a whole body as wrappers, not quotes.

    Going down from the body while an element is the only thing in its parent, a classed
    ``<blockquote>`` whose classes say nothing of quoting (``messageText``, ``postcontent``, or
    an unknown engine's own name) wraps the post rather than quotes another one.
    """
    node = root
    for _ in range(8):
        only = None
        for kid in node.iter(include_text=True):
            if kid.is_element_node:
                if only is not None:
                    return
                only = kid
            elif kid.is_text_node and (kid.text_content or "").strip():
                return
        if only is None:
            return
        if only.tag == "blockquote":
            attrs = only.attributes
            classes = classes_of(attrs)
            if not classes or not classes.isdisjoint(engines.QUOTE_CLASSES):
                return
            named = [name.lower() for name in classes]
            if any("quote" in name or "cite" in name for name in named):
                if classes.isdisjoint(engines.BODY_WRAPPER_CLASSES):
                    return
            if first_attr(attrs, engines.AUTHOR_ATTRIBUTES + engines.POST_ID_ATTRIBUTES):
                return
            scope.wrapper_ids.add(only.mem_id)
        elif only.tag not in ("div", "article", "section", "main", "span", "font"):
            return
        node = only
