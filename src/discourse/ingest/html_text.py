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

The walk is here; the text buffer is :mod:`discourse.ingest.html_text_builder`, the ``>`` runs
:mod:`discourse.ingest.html_arrow_quotes` and the quote markup :mod:`discourse.ingest.html_quotes`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from selectolax.lexbor import LexborHTMLParser, LexborNode

from discourse.ingest import engines
from discourse.ingest.html_attribution import parse_attribution
from discourse.ingest.html_nodes import (
    children,
    classes_of,
    clean_line,
    first_attr,
    has_class,
    next_element,
)
from discourse.ingest.html_quote_rules import QuoteScope, imported_quote, mark_imported_quotes, table_box
from discourse.ingest.html_quotes import (
    QUOTE_TRIGGER_CLASSES,
    QUOTE_TRIGGER_TAGS,
    attribution_paragraph,
    mark_wrappers,
    quote_of,
)
from discourse.ingest.html_text_builder import HtmlText, TextBuilder, has_invisible
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
class _Context:
    quotes: bool = True  # detect quote markup (False: plain text of titles, names)
    blockquotes: bool = True  # False when the markup has no <blockquote>: skip looking for one
    drop_classes: frozenset[str] = engines.DROP_CLASSES
    scope: QuoteScope = field(default_factory=QuoteScope)
    check_invisible: bool = True  # drop invisible characters text node by text node (_convert)
    codebox: bool = True  # False when the markup has no phpBB code box: skip looking for its label


def _is_label(node: LexborNode, tag: str, classes: frozenset[str]) -> bool:
    """Labels whose meaning depends on their neighbours: code-box "Code:" labels and the like."""
    if tag == "div":
        if "smallfont" in classes:  # vBulletin 3: "Quote:" / "Code:" above its box
            after = next_element(node)
            return after is not None and (after.tag == "table" or has_class(after, "alt2"))
        return "type" in classes and has_class(node.parent, "bbCodeBlock")  # XenForo 1 "Code:"
    if tag == "dt":  # phpBB 3.0: <dl class="codebox"><dt>Code: Select all</dt>
        return has_class(node.parent, "codebox")
    if tag == "p":  # phpBB 3.1+: <div class="codebox"><p>Code: Select all</p><pre>
        after = next_element(node)
        return after is not None and after.tag == "pre"
    if tag == "td" and "code" in classes:  # XMB: table.code > td.code "Code:" label
        table = node.parent
        while table is not None and table.tag != "table":
            table = table.parent
        return has_class(table, "code")
    return tag == "font" and "subject" in classes  # XMB: the post's subject line


def _walk(roots: Iterable[LexborNode], ctx: _Context) -> HtmlText:
    builder = TextBuilder(check_invisible=ctx.check_invisible)
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
            if not scope.skip_ids or node.mem_id not in scope.skip_ids:
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
            if builder.edit_note is None and node.css_first("time") is not None:
                # the <time> holds the date twice, long and short ("1 yr"); the long one is kept
                builder.edit_note = plain_text(node, ("ipsTime__short",))
            continue
        if tag == "img":
            shown = smiley_text(attrs)
            if shown:
                builder.text(" " + shown)
                builder.soft_space()  # ":)." stays as typed, ":) and" keeps its space
            continue
        if (classes and not classes.isdisjoint(_LABEL_CLASSES)) or tag == "dt" or (
            tag == "p" and ctx.codebox and has_class(node.parent, "codebox")
        ):
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
                if quote is None and scope.imported and node.mem_id in scope.imported:
                    quote = imported_quote(scope.imported[node.mem_id], scope)
                elif quote is None and tag == "table":
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
        if tag in _BLOCK_TAGS and (not classes or classes.isdisjoint(engines.INLINE_CLASSES)):
            builder.block()
            stack.append((1, builder.block))
            if tag == "pre":
                builder.enter_pre()
                stack.append((1, builder.leave_pre))
        elif tag == "code":
            if "bbc_code" in classes:  # SMF 2.0: a code block, not code inside a line
                builder.block()
                stack.append((1, builder.block))
            builder.enter_code()
            stack.append((1, builder.leave_code))
        elif tag == "sup":  # "10<sup>19</sup>" is ten to the 19th, not 1019
            builder.text("^")
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


def _convert(
    node: LexborNode, topic_id: str | None, *, blockquotes: bool, imported: bool = True,
    codebox: bool = True,
) -> HtmlText:
    """Walk ``node``'s content; invisible characters are dropped text node by text node, in a
    second walk taken only when the first one's text holds any (one search per body instead
    of one per text node)."""
    result = _convert_once(node, topic_id, blockquotes, imported, codebox, check_invisible=False)
    if has_invisible(result.text):  # the edit note comes from plain_text, which drops them
        result = _convert_once(node, topic_id, blockquotes, imported, codebox, check_invisible=True)
    return result


def _convert_once(
    node: LexborNode, topic_id: str | None, blockquotes: bool, imported: bool, codebox: bool, *,
    check_invisible: bool,
) -> HtmlText:
    ctx = _Context(
        blockquotes=blockquotes, scope=QuoteScope(topic_id=topic_id), check_invisible=check_invisible,
        codebox=codebox,
    )
    mark_wrappers(node, ctx.scope)
    if imported:
        mark_imported_quotes(node, ctx.scope)
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
    return _convert(
        body, topic_id, blockquotes="<blockquote" in markup.lower(), imported="bbTable" in markup,
        codebox="codebox" in markup,
    )


def plain_text(node: LexborNode | None, skip_classes: Iterable[str] = ()) -> str | None:
    """One line of plain text from an element (names, titles); None when empty."""
    if node is None:
        return None
    ctx = _Context(quotes=False, drop_classes=engines.DROP_CLASSES | frozenset(skip_classes))
    return clean_line(_walk(children(node), ctx).text)
