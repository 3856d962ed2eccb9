"""Reader for a Discourse topic as JSON (``/t/{id}.json``; ``FORMAT = "discourse_json"``).

The topic object gives ``title``, ``id`` and ``slug``; its posts are in
``post_stream.posts[]`` with ``username``, ``name``, ``created_at``, ``post_number``,
``reply_to_post_number`` and ``cooked`` (the rendered HTML). The post id is the post number
as text, so that quotes (``aside.quote`` with ``data-post``/``data-username``/``data-topic``)
and replies point at ids of the same thread. A quote of another topic keeps its author but
names no post. Small-action posts ("closed the topic", ``post_type`` 3) are not posts and are
left out, and so is a post with no text (``cooked`` null or empty, as for a deleted or hidden
post), as rows with empty text are in the tabular formats. Posts are put in ``post_number``
order when every post has one: the later pages of ``/t/{id}/posts.json`` list the newest posts
first, and both the thread's positions and quote matching expect the oldest first. The JSON
only holds the topic's path, not the site's host, so the thread URL is the relative
``/t/{slug}/{id}`` unless ``read(raw, base_url="https://forum.example")`` is given.
"""

from __future__ import annotations

import re

from discourse.ingest.records import ParsedThread, RawFile, RawPost
from discourse.ingest.xenforo_html import (
    clean_line,
    guarded,
    html_to_text,
    parse_datetime,
    sniff_head,
)

FORMAT = "discourse_json"

_SMALL_ACTION = 3  # Discourse post_type of "closed the topic", "pinned globally", ...
_SLUG = re.compile(r"[^A-Za-z0-9_-]+")


def sniff(raw: RawFile) -> bool:
    """True when the start of the file looks like a Discourse topic JSON."""
    try:
        head = sniff_head(raw).lstrip()
        if not head.startswith("{") or '"format_version"' in head:
            return False
        if '"post_stream"' in head:
            return True
        return '"cooked"' in head and '"post_number"' in head
    except Exception:  # noqa: BLE001 - a sniffer never raises
        return False


def read(raw: RawFile, *, base_url: str | None = None, **options: object) -> list[ParsedThread]:
    """Parse a Discourse topic JSON into one thread.

    Parameters
    ----------
    base_url
        The forum's address (``https://forum.example``), used to make the thread URL absolute.
        Without it the URL is the relative path ``/t/{slug}/{id}``.

    Raises
    ------
    IngestError
        When the file is not valid JSON, not a topic object, has no ``post_stream.posts``, no
        post with text, or a field has the wrong type.
    """
    del options
    return guarded(raw, "could not read Discourse JSON", lambda: _read(raw, base_url))



def _read(raw: RawFile, base_url: str | None) -> list[ParsedThread]:
    data = raw.json()
    if not isinstance(data, dict):
        raise raw.fail(f"expected a Discourse topic object, found a JSON {type(data).__name__}")
    stream = data.get("post_stream")
    if stream is None:
        raise raw.fail("no post_stream in the JSON: not a Discourse topic (/t/ID.json)")
    if not isinstance(stream, dict) or not isinstance(stream.get("posts"), list):
        raise raw.fail("post_stream.posts is missing or not a list")

    title = data.get("title")
    if title is not None and not isinstance(title, str):
        raise raw.fail(f"title is a {type(title).__name__}, expected text")
    topic_id = _id_text(data.get("id"))
    if data.get("id") is not None and topic_id is None:
        raise raw.fail(f"topic id is a {type(data.get('id')).__name__}, expected a number")
    slug = data.get("slug")
    if slug is not None and not isinstance(slug, str):
        raise raw.fail(f"slug is a {type(slug).__name__}, expected text")

    posts: list[RawPost] = []
    for index, item in enumerate(stream["posts"]):
        post = _read_post(raw, index, item, topic_id)
        if post is not None:
            posts.append(post)
    if not posts:
        if stream["posts"]:
            raise raw.fail(f"none of the {len(stream['posts'])} post(s) has any text")
        raise raw.fail("the topic has no posts (post_stream.posts is empty)")
    posts = _in_post_number_order(posts)

    return [
        ParsedThread(
            format=FORMAT,
            posts=posts,
            title=clean_line(title),
            url=_topic_url(base_url, slug, topic_id),
        )
    ]


def _in_post_number_order(posts: list[RawPost]) -> list[RawPost]:
    """The posts sorted by post number (their id) when every post has one; else as given."""
    if any(post.post_id is None for post in posts):
        return posts
    return sorted(posts, key=lambda post: int(post.post_id or 0))


def _id_text(value: object) -> str | None:
    """A post number or topic id as text: ints and digit strings only."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip().isdigit():
        return value.strip()
    return None


def _read_post(raw: RawFile, index: int, item: object, topic_id: str | None) -> RawPost | None:
    where = f"post_stream.posts[{index}]"
    if not isinstance(item, dict):
        raise raw.fail(f"{where} is a {type(item).__name__}, expected an object")
    if item.get("post_type") == _SMALL_ACTION and not (item.get("cooked") or "").strip():
        return None

    post_number = item.get("post_number")
    post_id = _id_text(post_number)
    if post_number is not None and post_id is None:
        raise raw.fail(f"{where}.post_number is {post_number!r}, expected a number")
    reply_number = item.get("reply_to_post_number")
    reply_to = _id_text(reply_number)
    if reply_number is not None and reply_to is None:
        raise raw.fail(f"{where}.reply_to_post_number is {reply_number!r}, expected a number")

    cooked = item.get("cooked")
    if cooked is None:
        cooked = ""
    if not isinstance(cooked, str):
        raise raw.fail(f"{where}.cooked is a {type(cooked).__name__}, expected HTML text")
    for key in ("username", "name", "user_title", "edit_reason"):
        value = item.get(key)
        if value is not None and not isinstance(value, str):
            raise raw.fail(f"{where}.{key} is a {type(value).__name__}, expected text")

    converted = html_to_text(cooked, topic_id=topic_id)
    if not converted.text.strip():
        return None  # a deleted or hidden post: no words to read
    username = clean_line(item.get("username"))
    display_name = clean_line(item.get("name"))
    meta: dict[str, str] = {}
    if display_name and display_name != username:
        meta["name"] = display_name
    trust = item.get("trust_level")
    if isinstance(trust, int) and not isinstance(trust, bool):
        meta["trust_level"] = str(trust)

    edit_reason = clean_line(item.get("edit_reason"))
    version = item.get("version")
    edited = bool(edit_reason) or (
        isinstance(version, int) and not isinstance(version, bool) and version > 1
    )
    return RawPost(
        text=converted.text,
        post_id=post_id,
        author=username or display_name,
        author_title=clean_line(item.get("user_title")),
        author_meta=meta,
        created_at=parse_datetime(item.get("created_at")),
        reply_to=reply_to,
        edited=edited,
        edit_note=edit_reason,
        quotes=converted.quotes,
    )


def _topic_url(base_url: str | None, slug: object, topic_id: str | None) -> str | None:
    if topic_id is None:
        return None
    clean_slug = _SLUG.sub("-", slug).strip("-") if isinstance(slug, str) else ""
    path = f"/t/{clean_slug}/{topic_id}" if clean_slug else f"/t/{topic_id}"
    if base_url:
        return base_url.rstrip("/") + path
    return path

