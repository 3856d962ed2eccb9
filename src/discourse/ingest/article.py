"""Read a long-form article saved as plain text: one thread of one author, paragraphs as posts.

Paragraphs are separated by blank lines, or, when the text has no blank lines (a copy where
each paragraph is one line, as in the seed article), by line breaks. Page chrome such as
"Follow Us On:" or "Share this:" is dropped, and a bare URL line is kept as the thread's url.
"""

from __future__ import annotations

import re

from discourse.ingest.records import ParsedThread, RawFile, RawPost

FORMAT = "article"

CHROME = frozenset(
    {
        "follow us on:",
        "follow us on",
        "share this:",
        "share this",
        "share",
        "advertisement",
        "read more",
        "subscribe",
        "related",
        "related articles",
        "comments",
        "print",
        "email",
        "tweet",
        "facebook",
        "twitter",
        "whatsapp",
        "linkedin",
    }
)
_URL_RE = re.compile(r"^https?://\S+$")
# A title is a short first line that does not read like a sentence of body text.
_TITLE_MAX = 150


def sniff(raw: RawFile) -> bool:
    """Any decodable text can be an article; detection tries this reader last."""
    try:
        return bool(raw.text.strip())
    except Exception:  # noqa: BLE001 - sniffing never raises
        return False


def read(raw: RawFile, **_options: object) -> list[ParsedThread]:
    """Split the text into paragraphs; raise IngestError when none remain after chrome."""
    lines = [line.strip() for line in raw.text.split("\n")]
    url = None
    kept: list[str] = []
    for line in lines:
        if line.lower() in CHROME:
            continue
        if _URL_RE.match(line):
            url = url or line
            continue
        kept.append(line)
    has_blank_separators = any(not line for line in _trim(kept))
    paragraphs = _paragraphs(kept) if has_blank_separators else [line for line in kept if line]
    title = None
    if len(paragraphs) > 1 and _looks_like_title(paragraphs[0]):
        title = paragraphs.pop(0)
    if not paragraphs:
        raise raw.fail("no paragraph text found in the article")
    posts = [RawPost(text=paragraph) for paragraph in paragraphs]
    return [ParsedThread(format=FORMAT, posts=posts, title=title, url=url)]


def _trim(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start]:
        start += 1
    while end > start and not lines[end - 1]:
        end -= 1
    return lines[start:end]


def _paragraphs(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return paragraphs


def _looks_like_title(line: str) -> bool:
    return "\n" not in line and len(line) <= _TITLE_MAX and not line.endswith((".", ",", ";", ":"))
