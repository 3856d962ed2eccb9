"""Quote markup of the forum engines: which element is a quote, which wraps a whole body.

:func:`quote_of` is asked about the elements that may be quotes (see
:data:`QUOTE_TRIGGER_CLASSES` and :data:`QUOTE_TRIGGER_TAGS`) and answers, through the engine
rules of :mod:`discourse.ingest.html_quote_rules`, with the quoted post id, the quoted author
and the nodes of the passage; the attribution ("NAME said:", "Quote from: NAME on DATE", a
leading ``<cite>``) is never among those nodes. :func:`mark_wrappers` finds the blockquotes
that hold a whole body, and :func:`attribution_paragraph` the "NAME wrote:" paragraph above a
Markdown quote. Attribution lines are read by :mod:`discourse.ingest.html_attribution`.
"""

from __future__ import annotations

from selectolax.lexbor import LexborNode

from discourse.ingest import engines
from discourse.ingest.html_attribution import parse_attribution, read_attribution
from discourse.ingest.html_nodes import (
    classes_of,
    first_attr,
    has_class,
    next_element,
    prev_element,
)
from discourse.ingest.html_quote_rules import (
    CLASS_RULES,
    Attrs,
    Quote,
    QuoteScope,
    quote_discourse,
    quote_plain,
    quote_xmb,
    table_box,
)

__all__ = [
    "QUOTE_TRIGGER_CLASSES",
    "QUOTE_TRIGGER_TAGS",
    "Quote",
    "QuoteScope",
    "attribution_paragraph",
    "mark_wrappers",
    "parse_attribution",
    "quote_of",
    "read_attribution",
    "table_box",
]


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


#: Elements :func:`quote_of` needs to see: these tags, and elements with these classes.
QUOTE_TRIGGER_TAGS = frozenset({"blockquote", "aside", "table"})
QUOTE_TRIGGER_CLASSES = engines.QUOTE_CLASSES | {"blockquote"}


def quote_of(
    node: LexborNode, tag: str, classes: frozenset[str], attrs: Attrs, scope: QuoteScope
) -> Quote | None:
    """If ``node`` is quote markup: (quoted post id, quoted author, nodes of the passage)."""
    if not classes.isdisjoint(engines.QUOTE_CLASSES):
        for name, rule in CLASS_RULES:
            if name in classes:
                return rule(node, attrs, scope)
        # "quote" alone: Discourse aside, XMB table, SMF 1 div after its header
        if tag == "aside":
            return quote_discourse(node, attrs, scope)
        if tag == "table":
            return quote_xmb(node, scope)
        if tag == "blockquote":
            return quote_plain(node, attrs, scope)
        before = prev_element(node)
        if before is not None and has_class(before, *engines.HEADER_CLASSES):
            return quote_plain(node, attrs, scope)
        return None
    if tag == "blockquote":
        if node.mem_id in scope.wrapper_ids or not classes.isdisjoint(engines.BODY_WRAPPER_CLASSES):
            return None
        return quote_plain(node, attrs, scope)
    if tag == "div" and "blockquote" in classes:  # Invision 3: p.citation + div.blockquote
        before = prev_element(node)
        if before is not None and has_class(before, "citation"):
            return quote_plain(node, attrs, scope)
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
