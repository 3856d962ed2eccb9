"""Quote attributions: "NAME wrote:", "Quote from: NAME on DATE", "Originally Posted by NAME".

:func:`parse_attribution` reads an attribution line in the languages of
:mod:`discourse.ingest.engines`; :func:`read_attribution` reads a quote's header or ``<cite>``
element, taking the author from a link to a member profile and the post id from a link to the
quoted post where the markup has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from selectolax.lexbor import LexborNode

from discourse.ingest import engines
from discourse.ingest.html_nodes import (
    children,
    clean_line,
    has_class,
    post_id_from,
    post_id_in_url,
)


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
