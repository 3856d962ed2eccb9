"""Reader for the JSON ``forumscraper`` writes for one thread (``FORMAT = "forumscraper_json"``).

forumscraper (https://github.com/TUVIMEN/forumscraper) saves each thread as a JSON object:
``format_version`` (``"xenforo-2-thread"``, ``"phpbb-2+-thread"``, ``"hackernews-thread"``...),
``url``, ``id``, ``title`` and the thread's posts. Its first word names the engine, which
decides how the JSON maps to posts:

* forum engines (XenForo, Invision, phpBB, SMF, vBulletin, XMB, and any other with a
  ``posts[]`` list): one post per entry of ``posts``, in the file's order (the forum's page
  order, oldest first);
* Hacker News: the story (``text``, or its ``title`` when the story is only a link) is the
  first post, then one post per entry of ``comments[]``. A comment's ``lvl`` is its depth in
  the tree, so it replies to the nearest comment before it one level up, or to the story;
* Stack Exchange: the question (``posts[0]``), its answers (``posts[1:]``, which reply to the
  question), and every entry of a post's ``comments[]``, which replies to that post. Comment
  ids get a ``comment-`` prefix: Stack Exchange numbers comments apart from posts.

Hacker News and Stack Exchange posts are put in time order (the story or question stays
first) when every one of them has a date; the page shows them ranked by votes instead.
Every entry becomes a post, also one whose body has no text left (an image-only post, a
deleted comment), so that it keeps its place in the thread and in the reply tree.

Post fields: id ``id``, ``postid`` or ``post_id``; body (HTML) ``text``, ``content`` or
``body``; date ``date`` (ISO 8601, epoch seconds, a forum's own format, or Hacker News'
``"2024-09-02T15:00:06 1725289206"``); the author's name, title, join date and counters as
:mod:`discourse.ingest.forumscraper_authors` reads them. Titles and names are stored
HTML-escaped by the tool (``&nbsp;``, ``&gt;``) and are unescaped to plain text. Quotes in the
post HTML follow the forum's own markup, which :func:`html_to_text` reads.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from discourse.ingest.forumscraper_authors import plain_value, read_author
from discourse.ingest.records import ParsedThread, RawFile, RawPost
from discourse.ingest.xenforo_html import (
    clean_line,
    guarded,
    html_to_text,
    parse_datetime,
    sniff_head,
)

FORMAT = "forumscraper_json"

_BODY_KEYS = ("text", "content", "body")  # where an entry's HTML is, first found wins
_FORMAT_VERSION = re.compile(r'"format_version"\s*:\s*"([^"\\]{0,80})"')
_HN_DATE = re.compile(r"^\S+\s+(\d{9,11})$")  # "2024-09-02T15:00:06 1725289206": ISO, epoch
#: The edit stamps XMB appends to a body, one per edit, in English and Norwegian.
_XMB_STAMP = r"(?:Edited on|Redigert den) [^\]\n]{1,80} (?:by|av) [^\]\n]{1,80}"
_XMB_EDIT_STAMPS = re.compile(rf"(?:(?:^|\s+)\[{_XMB_STAMP}\])*(?:^|\s+)\[(?P<last>{_XMB_STAMP})\]\s*$")
#: "<imgsrc=", "<fontclass=": a tag run into its first attribute (XMB copies)
_GLUED_TAG = re.compile(
    r"<(img|font|span|div|a|table|td|tr|p)(?=(?:src|class|style|alt|href|border|width|align|color|size)=)",
    re.IGNORECASE,
)
_TITLE_ATTRIBUTE = re.compile(r"""title=['"]([^'"]+)['"]""")
_DATE_TWICE = re.compile(r"^\s*(.{8,}?)\s*\1\s*$")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([:;,.])")
_NUMERIC_DATE = re.compile(r"\s*(\d{1,2})[-./](\d{1,2})[-./](?:\d{4}|\d{2})\b")  # "18-9-2014 kl 14:57"
_AT_NAME = re.compile(r"\s*@([^\s@,:;!?()]+)")  # a Stack Exchange comment's "@name" opening


def sniff(raw: RawFile) -> bool:
    """True when the file starts like forumscraper output (a JSON object with ``format_version``).

    User and board files are claimed too, so that :func:`read` rejects them with a clear
    reason instead of another reader taking the JSON for prose.
    """
    try:
        head = sniff_head(raw).lstrip()
        if not head.startswith("{"):
            return False
        match = _FORMAT_VERSION.search(head)
        return match is not None and "-" in match.group(1)
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def read(raw: RawFile, **options: object) -> list[ParsedThread]:
    """Parse one forumscraper thread file into one thread.

    Raises
    ------
    IngestError
        When the file is not valid JSON, is a forumscraper user/board file rather than a
        thread, has no list of posts (``posts``, or a Hacker News story's ``comments``), or a
        field has the wrong type.
    """
    del options
    return guarded(raw, "could not read forumscraper JSON", lambda: _read(raw))


def _read(raw: RawFile) -> list[ParsedThread]:
    data = raw.json()
    if not isinstance(data, dict):
        raise raw.fail(f"expected a forumscraper thread object, found a JSON {type(data).__name__}")
    version = data.get("format_version")
    engine = ""
    if version is not None:
        if not isinstance(version, str):
            raise raw.fail(f"format_version is a {type(version).__name__}, expected text")
        if not version.endswith("thread"):
            raise raw.fail(f"format_version {version!r} is not a thread (a user or board listing?)")
        engine = version.split("-", 1)[0].lower()
    for key in ("title", "url"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise raw.fail(f"{key} is a {type(value).__name__}, expected text")

    if engine == "hackernews" or (engine == "" and "comments" in data and "posts" not in data):
        posts = _story_posts(raw, data)
    else:
        items = data.get("posts")
        if items is None:
            raise raw.fail("no posts list in the JSON: not a forumscraper thread")
        if not isinstance(items, list):
            raise raw.fail(f"posts is a {type(items).__name__}, expected a list")
        if engine == "stackexchange":
            posts = _question_posts(raw, items, data.get("asked"))
        else:
            day_first = thread_day_order(items)
            posts = [
                _read_post(raw, f"posts[{i}]", item, engine, day_first)
                for i, item in enumerate(items)
                if not _is_placeholder(raw, i, item)
            ]
    if not posts:
        raise raw.fail("the thread has no posts (posts is empty)")
    return [
        ParsedThread(
            format=FORMAT,
            posts=posts,
            title=clean_line(data.get("title"), unescape=True),
            url=clean_line(data.get("url")),
        )
    ]


def _story_posts(raw: RawFile, data: dict[str, Any]) -> list[RawPost]:
    """A Hacker News story and its comment tree, each comment replying to its parent."""
    comments = data.get("comments")
    if comments is None:
        comments = []
    if not isinstance(comments, list):
        raise raw.fail(f"comments is a {type(comments).__name__}, expected a list")
    story = _read_post(raw, "story", data, "hackernews")
    if not story.text.strip():
        story.text = clean_line(data.get("title"), unescape=True) or ""
    posts = [story]
    # ancestors[d] is the id of the last comment seen at depth d: a comment at depth d replies
    # to ancestors[d - 1], and a depth-0 comment to the story.
    ancestors: list[str | None] = []
    for index, item in enumerate(comments):
        post = _read_post(raw, f"comments[{index}]", item, "hackernews")
        level = item.get("lvl")
        depth = level if isinstance(level, int) and not isinstance(level, bool) and level > 0 else 0
        depth = min(depth, len(ancestors))  # a skipped level hangs under the deepest comment
        post.reply_to = ancestors[depth - 1] if depth else story.post_id
        del ancestors[depth:]
        ancestors.append(post.post_id)
        posts.append(post)
    return _in_time_order(posts)


def _question_posts(raw: RawFile, items: list[object], asked: object = None) -> list[RawPost]:
    """A Stack Exchange question, its answers, and the comments under each of them.

    The question without a date of its own takes the page's ``asked`` date. A comment that
    opens with ``@name`` replies to the latest earlier comment under the same post by the user
    so addressed (:func:`_addressed_comment`); any other comment replies to the post.
    """
    posts: list[RawPost] = []
    question_id: str | None = None
    for index, item in enumerate(items):
        where = f"posts[{index}]"
        post = _read_post(raw, where, item, "stackexchange")
        if index == 0:
            question_id = post.post_id
            if post.created_at is None:
                post.created_at = _date_of(asked)
        else:
            post.reply_to = question_id
        posts.append(post)
        comments = item.get("comments") if isinstance(item, dict) else None
        if comments is None:
            continue
        if not isinstance(comments, list):
            raise raw.fail(f"{where}.comments is a {type(comments).__name__}, expected a list")
        earlier: list[RawPost] = []
        for c_index, comment in enumerate(comments):
            reply = _read_post(raw, f"{where}.comments[{c_index}]", comment, "stackexchange")
            if reply.post_id is not None:
                reply.post_id = f"comment-{reply.post_id}"
            reply.reply_to = _addressed_comment(reply.text, earlier) or post.post_id
            earlier.append(reply)
            posts.append(reply)
    return _in_time_order(posts)


def _addressed_comment(text: str, earlier: list[RawPost]) -> str | None:
    """The id of the comment an ``@name`` opening ``text`` answers, or None.

    Stack Exchange notifies the user whose display name, spaces removed, starts with ``name``
    (at least three characters, any case); among ``earlier`` (the comments before it under the
    same post, in order) the latest such user's comment is the one answered. An ``@name``
    that names no earlier commenter (the post's author, say) answers the post: None.
    """
    match = _AT_NAME.match(text)
    if match is None:
        return None
    token = match.group(1).rstrip(".").casefold()
    if len(token) < 3:
        return None
    for comment in reversed(earlier):
        name = "".join((comment.author or "").split()).casefold()
        if comment.post_id is not None and name.startswith(token):
            return comment.post_id
    return None


def _in_time_order(posts: list[RawPost]) -> list[RawPost]:
    """The first post, then the others by date, when every post has one; else as given."""
    if len(posts) < 3 or any(post.created_at is None for post in posts):
        return posts
    rest = sorted(posts[1:], key=lambda post: post.created_at or datetime.min)  # stable
    return [posts[0], *rest]


def _first(item: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if item.get(key) is not None:
            return item[key]
    return None


def _id_text(value: object) -> str | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return clean_line(value)
    return None


def _is_placeholder(raw: RawFile, index: int, item: object) -> bool:
    """Whether ``posts[index]`` stands in for no post (SMF writes one, post id 0, with no text
    and no date, its author the forum's name); recorded in the ingest report as skipped."""
    if not isinstance(item, dict) or item.get("postid", item.get("id")) not in (0, "0", None):
        return False
    body, when = _first(item, *_BODY_KEYS), item.get("date")
    if not all(value is None or (isinstance(value, str) and not value.strip()) for value in (body, when)):
        return False  # it says something, or holds a value of the wrong type for _read_post to report
    raw.skip_row(None, f"posts[{index}] holds no post (no id, no text, no date): skipped")
    return True


def thread_day_order(items: list[object]) -> bool | None:
    """Whether the thread's numeric dates put the day first (True) or the month (False).

    A forum writes every date the same way, so a date whose first or second number is above 12
    settles the order of those where both are 12 or less ("1-5-2014" beside "18-9-2014" is
    1 May); the order applies to the posts' dates and to their authors' join dates. None when
    no date settles it or the dates disagree: each value then follows
    :func:`discourse.ingest.dates.parse_datetime`'s own rule.
    """
    orders: set[bool] = set()
    for item in items:
        if not isinstance(item, dict):
            continue
        value = item.get("date")
        match = _NUMERIC_DATE.match(value) if isinstance(value, str) else None
        if match is None:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if first > 12 >= second:
            orders.add(True)
        elif second > 12 >= first:
            orders.add(False)
    return orders.pop() if len(orders) == 1 else None


def _read_post(raw: RawFile, where: str, item: object, engine: str, day_first: bool | None = None) -> RawPost:
    if not isinstance(item, dict):
        raise raw.fail(f"{where} is a {type(item).__name__}, expected an object")

    body = _first(item, *_BODY_KEYS)
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise raw.fail(f"{where}.text is a {type(body).__name__}, expected HTML text")
    raw_id = _first(item, "id", "postid", "post_id")
    post_id = _id_text(raw_id)
    if raw_id is not None and post_id is None:
        raise raw.fail(f"{where}.id is {type(raw_id).__name__}, expected a number or text")
    for key in ("user", "author"):
        user = item.get(key)
        if user is not None and not isinstance(user, (str, dict)):
            kind = type(user).__name__
            raise raw.fail(f"{where}.{key} is a {kind}, expected a name or an object")

    author = read_author(engine, item, day_first=day_first)
    if engine == "xmb":  # the scraper drops the break between a tag and its first attribute
        body = _GLUED_TAG.sub(r"<\1 ", body)
    converted = html_to_text(body)
    edited, edit_note = _edit_of(item.get("edited"))
    if not edited and converted.edit_note is not None:  # Invision writes it in the body
        edited, edit_note = True, converted.edit_note
    if engine == "xmb" and converted.text.endswith("]"):
        stamp = _XMB_EDIT_STAMPS.search(converted.text)
        if stamp is not None and all(quote.end <= stamp.start() for quote in converted.quotes):
            # XMB appends "[Edited on DATE by NAME]" to the body at each edit
            edited, edit_note = True, stamp.group("last")
            converted.text = converted.text[: stamp.start()]
    return RawPost(
        text=converted.text,
        post_id=post_id,
        author=author.name,
        author_title=author.title,
        author_joined=author.joined,
        author_meta=author.meta,
        created_at=_date_of(_first(item, "date", "created_at", "time"), day_first),
        reply_to=_id_text(_first(item, "reply_to", "parent_id")),
        edited=edited,
        edit_note=edit_note,
        quotes=converted.quotes,
    )


def _date_of(value: object, day_first: bool | None = None) -> datetime | None:
    if isinstance(value, str):
        match = _HN_DATE.match(value.strip())
        if match:  # Hacker News gives the time twice; the epoch seconds carry the time zone
            return parse_datetime(int(match.group(1)))
        if "<" in value:  # Stack Exchange: <span title='2011-07-22 23:15:04Z'>Jul 22, 2011 at 23:15</span>
            titled = _TITLE_ATTRIBUTE.search(value)
            value = titled.group(1) if titled else (plain_value(value) or "")
        twice = _DATE_TWICE.match(value)
        if twice and any(c.isdigit() for c in twice.group(1)):
            # XenForo 1 copies give the date twice, run together ("May 2, 2012 at 4:10 PMMay 2, ...")
            value = twice.group(1)
    return parse_datetime(value, day_first=day_first)


def _edit_of(value: object) -> tuple[bool, str | None]:
    """(edited, note) from an ``edited`` field: a date (Stack Exchange), the forum's edit line
    (SMF: "Last Edit: ... by ..."), or an object naming the editor and the date (vBulletin:
    the note reads "Last edited by NAME DATE")."""
    if isinstance(value, bool):
        return value, None
    if isinstance(value, str):
        note = plain_value(value)
        if note is None:
            return False, None
        # SMF 2.1 writes <span class="lastedit">Last Edit</span>: ...; no space before the colon
        note = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", note).strip("\u00ab\u00bb ").strip() or None
        return True, note if note and not note[:1].isdigit() else None
    if isinstance(value, dict):  # vBulletin: {"user": NAME, "date": ".  Thu 6 Dec '12, 4:10am"}
        user, when = clean_line(value.get("user")), clean_line(value.get("date"))
        if when:
            when = when.lstrip(". ").strip() or None
        if not (user or when):
            return False, None
        return True, " ".join(["Last edited", *(["by", user] if user else []), *([when] if when else [])])
    return False, None
