"""Read a XenForo thread page copied as plain text (what a browser's "select all, copy" gives).

What such a copy looks like (the seed thread is one):

* header chrome ("What's new", navigation words), then the thread title;
* for posts whose author was kept, an author block: name, optional user title, "Joined" and a
  date, then counters such as "Messages" / "Reaction score" / "Runs" as label and value lines,
  with or without "- " bullets, or as "Label: value" on one line;
* the post body; a line holding only a non-breaking space (U+00A0) ends each post;
* "Last edited by a moderator:" / "Last edited: <date>" right after that separator is the
  *previous* post's edit marker;
* replies repeat quoted paragraphs with no marker (found later by :mod:`discourse.quotes`), or,
  in another copy mode, between "NAME said:" and "Click to expand..." lines, which we record as
  marked quotes;
* footer chrome ("Back", "Top", share/reply words).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from discourse.ingest.records import ParsedThread, RawFile, RawPost, RawQuote

FORMAT = "xenforo_text"

HEADER_CHROME = frozenset(
    {
        "what's new",
        "whats new",
        "forums",
        "home",
        "log in",
        "register",
        "search",
        "menu",
        "new posts",
        "latest activity",
        "members",
        "install the app",
        "install",
    }
)
FOOTER_CHROME = frozenset(
    {
        "back",
        "top",
        "reply",
        "share:",
        "share",
        "you must log in or register to reply here.",
        "similar threads",
        "prev",
        "next",
    }
)
# Author-block counters XenForo boards show; unknown labels are accepted when a number follows.
KNOWN_COUNTERS = frozenset(
    {
        "messages",
        "reaction score",
        "points",
        "runs",
        "post of the week",
        "likes",
        "trophy points",
        "location",
        "gender",
        "age",
        "solutions",
        "posts",
        "country",
    }
)

_SEPARATOR_CHARS = frozenset("\u00a0 \t")
_EDIT_RE = re.compile(r"^last edited(?: by (?P<who>[^:]{1,80}))?:\s*(?P<when>.*)$", re.IGNORECASE)
_SAID_RE = re.compile(r"^(?P<name>\S.{0,79}?) said:\s*(?:↑|\^)?\s*$")
_EXPAND = "click to expand..."
_BULLET_RE = re.compile(r"^[-•*]\s+")
_NUMBER_RE = re.compile(r"^[\d][\d,.\s]*[kKmM]?$")
_INLINE_COUNTER_RE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z ]{1,30}):\s*(?P<value>\S.{0,60})$")
_DATE_FORMATS = ("%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y", "%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y")


def sniff(raw: RawFile) -> bool:
    """True when the text looks like a XenForo plain-text copy (separators or quote markers)."""
    try:
        head = raw.text[:200_000]
    except Exception:  # noqa: BLE001 - sniffing never raises; decoding errors surface in read()
        return False
    lines = head.split("\n")
    if any(_is_separator(line) for line in lines):
        return True
    if lines and lines[0].strip().lower() in HEADER_CHROME:
        return True
    lowered = head.lower()
    return " said:" in lowered and _EXPAND in lowered


def read(raw: RawFile, **_options: object) -> list[ParsedThread]:
    """Parse the copy into one thread; raise IngestError when it holds no post text."""
    lines = raw.text.split("\n")
    segments = _split_segments(lines)
    title, segments[0] = _take_header(segments[0])
    posts: list[RawPost] = []
    for index, segment in enumerate(segments):
        segment = _strip_blank(segment)
        if index == len(segments) - 1:
            segment = _strip_footer(segment)
        if segment and posts:
            note = _edit_marker(segment[0])
            if note is not None:
                posts[-1].edited = True
                posts[-1].edit_note = note
                segment = _strip_blank(segment[1:])
        if not segment:
            continue
        post = _parse_post(segment)
        if post is not None:
            posts.append(post)
    if not posts:
        raise raw.fail("no post text found in the XenForo text copy")
    return [ParsedThread(format=FORMAT, posts=posts, title=title)]


def _is_separator(line: str) -> bool:
    return "\u00a0" in line and all(ch in _SEPARATOR_CHARS for ch in line)


def _split_segments(lines: list[str]) -> list[list[str]]:
    segments: list[list[str]] = [[]]
    for line in lines:
        if _is_separator(line):
            segments.append([])
        else:
            segments[-1].append(line.rstrip())
    return segments


def _strip_blank(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    while start < end and not lines[start].strip():
        start += 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _take_header(lines: list[str]) -> tuple[str | None, list[str]]:
    """Drop leading chrome; when chrome was present, the next line is the thread title."""
    lines = _strip_blank(lines)
    i = 0
    saw_chrome = False
    while i < len(lines) and (not lines[i].strip() or lines[i].strip().lower() in HEADER_CHROME):
        saw_chrome = saw_chrome or bool(lines[i].strip())
        i += 1
    title = None
    if saw_chrome and i < len(lines) and len(lines[i].strip()) <= 300:
        title = lines[i].strip()
        i += 1
    return title, lines[i:]


def _strip_footer(lines: list[str]) -> list[str]:
    end = len(lines)
    while end > 0 and (not lines[end - 1].strip() or lines[end - 1].strip().lower() in FOOTER_CHROME):
        end -= 1
    return lines[:end]


def _edit_marker(line: str) -> str | None:
    match = _EDIT_RE.match(line.strip())
    return line.strip() if match else None


def _parse_post(lines: list[str]) -> RawPost | None:
    post = RawPost(text="")
    body = _take_author_block(lines, post)
    text, quotes = _extract_marked_quotes(_strip_blank(body))
    if not text.strip():
        return None
    post.text = text
    post.quotes = quotes
    return post


def _take_author_block(lines: list[str], post: RawPost) -> list[str]:
    """Fill the post's author fields from a leading author block and return the remaining lines.

    A block is recognised only when a "Joined" line appears among its first three non-blank
    lines, so a body that happens to start with a short line is never mistaken for a name.
    """
    content = [(i, stripped) for i, line in enumerate(lines) if (stripped := line.strip())]
    joined_at = None
    for k, (_, line) in enumerate(content[:4]):
        label = _BULLET_RE.sub("", line)
        if k >= 1 and (label.lower() == "joined" or label.lower().startswith("joined:")):
            joined_at = k
            break
    if joined_at is None or joined_at > 2:
        return lines
    name = content[0][1]
    if len(name) > 80:
        return lines
    post.author = name
    if joined_at == 2:
        post.author_title = content[1][1]
    joined_label = _BULLET_RE.sub("", content[joined_at][1])
    k = joined_at + 1
    if ":" in joined_label and joined_label.split(":", 1)[1].strip():
        post.author_joined = _parse_date(joined_label.split(":", 1)[1].strip())
    elif k < len(content):
        post.author_joined = _parse_date(content[k][1])
        k += 1
    # Counters: "Label" then "value", or "Label: value" on one line, bullets optional.
    while k < len(content):
        label = _BULLET_RE.sub("", content[k][1])
        inline = _INLINE_COUNTER_RE.match(label)
        if inline and (inline.group("label").lower() in KNOWN_COUNTERS):
            post.author_meta[inline.group("label").strip()] = inline.group("value").strip()
            k += 1
            continue
        if k + 1 < len(content) and _looks_like_counter(label, content[k + 1][1]):
            post.author_meta[label] = content[k + 1][1]
            k += 2
            continue
        break
    if k >= len(content):
        return []
    return lines[content[k][0] :]


def _looks_like_counter(label: str, value: str) -> bool:
    if len(label) > 40 or label.endswith((".", "?", "!")):
        return False
    if label.lower() in KNOWN_COUNTERS:
        return len(value) <= 60
    return bool(_NUMBER_RE.match(value)) and len(label.split()) <= 4


@lru_cache(maxsize=4096)
def _parse_date(value: str) -> date | None:
    # Memoised: a thread repeats its authors' join dates, and strptime costs about 10 µs.
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def split_marked_quotes(text: str) -> tuple[str, list[RawQuote]]:
    """Return ``text`` without its "NAME said:" / "Click to expand..." lines, and the quote spans.

    The same rule the thread reader applies to each post's body, for one post's text on its own
    (e.g. a development-set text copied from such a page).
    """
    return _extract_marked_quotes(text.split("\n"))


def _extract_marked_quotes(lines: list[str]) -> tuple[str, list[RawQuote]]:
    """Join the body lines, dropping "NAME said:" / "Click to expand..." and recording spans."""
    out: list[str] = []
    quotes: list[RawQuote] = []
    length = 0  # characters in "\n".join(out) so far
    open_name: str | None = None
    open_start = 0
    for line in lines:
        stripped = line.strip()
        # The pattern holds " said:" literally; its lazy name tries up to 80 lengths per line.
        said = _SAID_RE.match(stripped) if " said:" in stripped else None
        if said and open_name is None:
            open_name = said.group("name").strip()
            open_start = length + (1 if out else 0)
            continue
        if stripped.lower() == _EXPAND and open_name is not None:
            end = length
            if end > open_start:
                quotes.append(RawQuote(open_start, end, None, open_name, "marker"))
            open_name = None
            continue
        length += len(line) + (1 if out else 0)
        out.append(line)
    text = "\n".join(out)
    if open_name is not None and length > open_start:
        # A "said:" without its "Click to expand..." (a truncated copy): the quote runs to the
        # first blank line, which is where XenForo's plain-text copies put the reply.
        blank = text.find("\n\n", open_start)
        end = blank if blank != -1 else len(text)
        if end > open_start:
            quotes.append(RawQuote(open_start, end, None, open_name, "marker"))
    return text, quotes
