"""The quote markup of each forum engine: where its passage, quoted author and quoted post are.

Each rule is given an element already known to be that engine's quote and answers with a
:data:`Quote`: the quoted post id, the quoted author and the nodes of the passage, never the
attribution. :data:`CLASS_RULES` names the rule for each engine's quote class;
:func:`table_box` reads the quote and code boxes drawn as tables, and
:func:`mark_imported_quotes` the quotes a vBulletin import left in a XenForo body. The rules
follow the engine
templates listed in :mod:`discourse.ingest.engines`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from selectolax.lexbor import LexborNode

from discourse.ingest import engines
from discourse.ingest.html_attribution import parse_attribution, read_attribution
from discourse.ingest.html_nodes import (
    child_with_class,
    children,
    classes_of,
    clean_line,
    elements,
    first_attr,
    first_element,
    has_class,
    is_blank,
    post_id_from,
    post_id_in_url,
    prev_element,
)

#: A quote: (quoted post id, quoted author, the nodes of the passage).
Quote = tuple[str | None, str | None, list[LexborNode]]
#: An element's attributes, as selectolax gives them.
Attrs = dict[str, str | None]


@dataclass(slots=True)
class QuoteScope:
    """What the quote rules remember while one body is walked."""

    topic_id: str | None = None  # Discourse: quotes of another topic name no post here
    skip_ids: set[int] = field(default_factory=set)  # mem_ids of attribution nodes to leave out
    wrapper_ids: set[int] = field(default_factory=set)  # mem_ids of blockquotes that wrap a body
    pending_authors: dict[int, str | None] = field(default_factory=dict)  # blockquote -> author
    imported: dict[int, LexborNode] = field(default_factory=dict)  # table -> its passage cell


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


def _quote_xenforo2(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
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


def _quote_xenforo1(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
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


def _quote_invision(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
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


def _quote_vbulletin(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
    box = child_with_class(node, "quote_container") or node
    author = post_id = None
    header = child_with_class(box, "bbcode_postedby")
    if header is not None:
        _, author, post_id = read_attribution(header)
    message = child_with_class(box, "message")
    return post_id, author, children(message if message is not None else box)


def _quote_ucoz(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
    author = None
    header = child_with_class(node, "bbQuoteName")
    if header is not None:
        _, author, _ = read_attribution(header)
    message = child_with_class(node, "quoteMessage")
    return None, author, children(message if message is not None else node)


def _quote_fluxbb(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
    author = post_id = None
    content: LexborNode = node
    for kid in elements(node):
        if kid.tag == "cite":
            scope.skip_ids.add(kid.mem_id)
            _, author, post_id = read_attribution(kid)
        elif kid.tag == "blockquote":
            content = kid
    return post_id, author, children(content)


def quote_discourse(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
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


def quote_plain(node: LexborNode, attrs: Attrs, scope: QuoteScope) -> Quote:
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


def quote_xmb(node: LexborNode, scope: QuoteScope) -> Quote | None:
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


def mark_imported_quotes(root: LexborNode, scope: QuoteScope) -> None:
    """Find the quotes a forum carried over from vBulletin when it moved to XenForo.

    The import writes a bare "Quote:" line, a line break, then ``div.bbTable`` holding a
    one-cell table with the passage. The label's text node is left out (``skip_ids``) and the
    table is recorded as a quote of its cell (``imported``; :func:`imported_quote` reads it).
    """
    for box in root.css("div.bbTable"):
        table = first_element(box)
        rows = _rows(table) if table is not None and table.tag == "table" else []
        cells = elements(rows[0]) if len(rows) == 1 else []
        if len(cells) != 1 or cells[0].tag != "td":
            continue
        label = box.prev
        while label is not None and (label.tag == "br" or (label.is_text_node and is_blank(label))):
            label = label.prev
        if label is None or not label.is_text_node:
            continue
        if not parse_attribution((label.text_content or "").strip())[0]:
            continue
        scope.skip_ids.add(label.mem_id)
        scope.imported[table.mem_id] = cells[0]


def imported_quote(cell: LexborNode, scope: QuoteScope) -> Quote:
    """The quote of an imported box's cell; an opening ``<i>``/``<b>`` "Originally posted by
    NAME" line names the author (and the post, when it links to one) and is left out."""
    lead = first_element(cell)
    if lead is not None and lead.tag in ("i", "b", "em", "strong"):
        is_attribution, author, post_id = read_attribution(lead)
        if is_attribution and author:
            scope.skip_ids.add(lead.mem_id)
            return post_id, author, children(cell)
    return None, None, children(cell)


CLASS_RULES: tuple[tuple[str, Callable[[LexborNode, Attrs, QuoteScope], Quote]], ...] = (
    ("bbCodeBlock--quote", _quote_xenforo2),
    ("bbCodeQuote", _quote_xenforo1),
    ("ipsQuote", _quote_invision),
    ("ipsBlockquote", _quote_invision),
    ("bbcode_quote", _quote_vbulletin),
    ("bbQuoteBlock", _quote_ucoz),
    ("quotebox", _quote_fluxbb),
    ("bbc_standard_quote", quote_plain),
    ("bbc_alternate_quote", quote_plain),
    ("mycode_quote", quote_plain),
    ("quotecontent", quote_plain),
    ("uncited", quote_plain),
)
