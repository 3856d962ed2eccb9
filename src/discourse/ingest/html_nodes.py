"""Small helpers over selectolax (lexbor) nodes shared by the HTML-to-text modules.

Siblings and children are looked up by walking the tree's links, skipping comments and
whitespace-only text, so a rule that asks "what comes just before this quote?" costs a few
pointer steps, never a CSS query over the document.
"""

from __future__ import annotations

import html as htmllib
import math
import re
from collections.abc import Iterable

from selectolax.lexbor import LexborNode

EMPTY: frozenset[str] = frozenset()


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


def classes_of(attributes: dict[str, str | None]) -> frozenset[str]:
    """The class names of an element, from its attribute dict."""
    value = attributes.get("class")
    return frozenset(value.split()) if value else EMPTY


def has_class(node: LexborNode | None, *names: str) -> bool:
    """True when ``node`` exists and carries one of ``names``."""
    if node is None:
        return False
    classes = classes_of(node.attributes)
    return any(name in classes for name in names)


def children(node: LexborNode) -> list[LexborNode]:
    """All child nodes (text included), in document order."""
    return list(node.iter(include_text=True))


def elements(node: LexborNode) -> list[LexborNode]:
    """The child elements, in document order."""
    return [kid for kid in node.iter(include_text=False) if kid.is_element_node]


def child_with_class(node: LexborNode, name: str) -> LexborNode | None:
    """The first child element carrying class ``name`` (children only, not deeper)."""
    for kid in node.iter(include_text=False):
        if kid.is_element_node and name in classes_of(kid.attributes):
            return kid
    return None


def first_attr(attributes: dict[str, str | None], names: Iterable[str]) -> str | None:
    """The first of ``names`` that has a non-blank value, stripped."""
    for name in names:
        value = attributes.get(name)
        if value is not None and value.strip():
            return value.strip()
    return None


def is_blank(node: LexborNode) -> bool:
    """A comment or a whitespace-only text node: nothing a reader sees."""
    if node.is_comment_node:
        return True
    return node.is_text_node and not (node.text_content or "").strip()


def prev_element(node: LexborNode) -> LexborNode | None:
    """The element just before ``node``, when only blanks stand between them."""
    sibling = node.prev
    while sibling is not None and not sibling.is_element_node:
        if not is_blank(sibling):
            return None
        sibling = sibling.prev
    return sibling


def next_element(node: LexborNode) -> LexborNode | None:
    """The element just after ``node``, when only blanks stand between them."""
    sibling = node.next
    while sibling is not None and not sibling.is_element_node:
        if not is_blank(sibling):
            return None
        sibling = sibling.next
    return sibling


def first_element(node: LexborNode) -> LexborNode | None:
    """The first child element, when nothing but blanks comes before it."""
    kid = node.child
    while kid is not None and not kid.is_element_node:
        if not is_blank(kid):
            return None
        kid = kid.next
    return kid


_POST_REF = re.compile(r"post[:\s_-]*(\d+)", re.IGNORECASE)
# Links to a post, as the engines write them: phpBB "viewtopic.php?p=N#pN", vBulletin
# "showthread.php?p=N#postN", SMF "topic=T.msgN#msgN" and "?msg=N", MyBB/XMB "pid=N", XenForo
# "goto/post?id=N" and "#post-N", Invision "findComment&comment=N" / "findpost&p=N".
_POST_IN_URL = re.compile(
    r"(?:[?&;](?:p|pid|post|postid|post_id|comment|msg)=|goto/post\?id=|/posts?/|"
    r"#(?:p|post|pid|msg|entry|comment)[-_]?|[.?&;/]msg)(\d+)",
    re.IGNORECASE,
)


def post_id_from(value: str | None) -> str | None:
    """A post id from an attribute value: ``"123"``, ``"post: 123"``, ``"#post-123"``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return value
    match = _POST_REF.search(value)
    return match.group(1) if match else None


def post_id_in_url(href: str | None) -> str | None:
    """The post id a link to a post carries (see the forms above), or None."""
    if not href:
        return None
    match = _POST_IN_URL.search(href)
    return match.group(1) if match else None
