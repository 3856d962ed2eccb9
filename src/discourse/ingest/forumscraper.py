"""Reader for the JSON ``forumscraper`` writes for one thread (``FORMAT = "forumscraper_json"``).

forumscraper (https://github.com/TUVIMEN/forumscraper) saves each thread as a JSON object:
``format_version`` (e.g. ``"xenforo-2-thread"``, ``"phpbb-2+-thread"``, ``"invision-thread"``),
``url``, ``id``, ``title`` and ``posts[]``. The post fields differ a little between the forum
engines it scrapes, so we accept the variants:

* id: ``id``, ``postid`` or ``post_id``;
* body (HTML): ``text``, ``content`` or ``body``;
* date: ``date`` (ISO 8601 such as ``2010-10-05T23:09:32+0100``, epoch seconds, or the forum's
  own English format such as phpBB's ``Fri Apr 19, 2013 4:45 am``);
* author: ``user`` as a name or as an object with ``name``/``username`` (and ``title``,
  ``link``); ``user_title`` or ``rank_title``;
* author counters: ``user_extras.pairs`` (``[{"name":..., "value":...}]`` or ``[[name, value]]``)
  and phpBB's ``userinfo`` (``[{"key": "Joined", "value": "..."}]``); "Joined" becomes
  ``author_joined``.

Titles and names are stored HTML-escaped by the tool (``&nbsp;``, ``&gt;``) and are unescaped
to plain text. Quotes in the post HTML follow the forum's own markup (XenForo
``blockquote.bbCodeBlock--quote``, Invision ``blockquote.ipsQuote``, phpBB ``<blockquote>``
with a ``<cite>``...); a plain ``<blockquote>`` is a quote that names no post.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from discourse.ingest.records import ParsedThread, RawFile, RawPost
from discourse.ingest.xenforo_html import (
    clean_line,
    guarded,
    html_to_text,
    parse_date,
    parse_datetime,
    sniff_head,
)

FORMAT = "forumscraper_json"

_FORMAT_VERSION = re.compile(r'"format_version"\s*:\s*"([^"\\]{0,80})"')
_COUNTER = re.compile(r"^\s*([\d.,]+)\s+([^\d].*?)\s*$")


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
        thread, has no ``posts`` list, or a field has the wrong type.
    """
    del options
    return guarded(raw, "could not read forumscraper JSON", lambda: _read(raw))



def _read(raw: RawFile) -> list[ParsedThread]:
    data = raw.json()
    if not isinstance(data, dict):
        raise raw.fail(f"expected a forumscraper thread object, found a JSON {type(data).__name__}")
    version = data.get("format_version")
    if version is not None:
        if not isinstance(version, str):
            raise raw.fail(f"format_version is a {type(version).__name__}, expected text")
        if not version.endswith("thread"):
            raise raw.fail(f"format_version {version!r} is not a thread (a user or board listing?)")
    items = data.get("posts")
    if items is None:
        raise raw.fail("no posts list in the JSON: not a forumscraper thread")
    if not isinstance(items, list):
        raise raw.fail(f"posts is a {type(items).__name__}, expected a list")
    for key in ("title", "url"):
        value = data.get(key)
        if value is not None and not isinstance(value, str):
            raise raw.fail(f"{key} is a {type(value).__name__}, expected text")

    posts = [_read_post(raw, index, item) for index, item in enumerate(items)]
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


def _read_post(raw: RawFile, index: int, item: object) -> RawPost:
    where = f"posts[{index}]"
    if not isinstance(item, dict):
        raise raw.fail(f"{where} is a {type(item).__name__}, expected an object")

    body = _first(item, "text", "content", "body")
    if body is None:
        body = ""
    if not isinstance(body, str):
        raise raw.fail(f"{where}.text is a {type(body).__name__}, expected HTML text")
    raw_id = _first(item, "id", "postid", "post_id")
    post_id = _id_text(raw_id)
    if raw_id is not None and post_id is None:
        raise raw.fail(f"{where}.id is {type(raw_id).__name__}, expected a number or text")

    author, author_title = _author(raw, where, item)
    joined, meta, rank = _author_counters(item)
    converted = html_to_text(body)
    return RawPost(
        text=converted.text,
        post_id=post_id,
        author=author,
        author_title=author_title or rank,
        author_joined=joined,
        author_meta=meta,
        created_at=parse_datetime(_first(item, "date", "created_at", "time")),
        reply_to=_id_text(_first(item, "reply_to", "parent_id")),
        quotes=converted.quotes,
    )


def _author(raw: RawFile, where: str, item: dict[str, Any]) -> tuple[str | None, str | None]:
    user = _first(item, "user", "author", "username")
    title = _first(item, "user_title", "rank_title")
    if isinstance(user, dict):
        name = _first(user, "name", "username", "user")
        title = title if title is not None else _first(user, "title", "user_title")
    elif user is None or isinstance(user, str):
        name = user
    else:
        raise raw.fail(f"{where}.user is a {type(user).__name__}, expected a name or an object")
    return clean_line(name, unescape=True), clean_line(title, unescape=True)


def _author_counters(item: dict[str, Any]) -> tuple[date | None, dict[str, str], str | None]:
    """(joined date, other counters, a rank shown as a value-less pair) of a post's author."""
    pairs: list[tuple[object, object]] = []
    extras = item.get("user_extras")
    if isinstance(extras, dict) and isinstance(extras.get("pairs"), list):
        for pair in extras["pairs"]:
            if isinstance(pair, dict):
                pairs.append((_first(pair, "name", "key", "title"), pair.get("value")))
            elif isinstance(pair, (list, tuple)) and len(pair) == 2:
                pairs.append((pair[0], pair[1]))
    info = item.get("userinfo")
    if isinstance(info, list):
        for pair in info:
            if isinstance(pair, dict):
                pairs.append((_first(pair, "key", "name"), pair.get("value")))
    counters = item.get("user_info")  # Invision: ["82 posts"]
    if isinstance(counters, list):
        for entry in counters:
            match = _COUNTER.match(entry) if isinstance(entry, str) else None
            if match:
                pairs.append((match.group(2).capitalize(), match.group(1)))

    joined: date | None = None
    meta: dict[str, str] = {}
    rank: str | None = None
    for raw_name, raw_value in pairs:
        name = clean_line(raw_name, unescape=True)
        if name is None:
            continue
        name = name.rstrip(":").strip()
        if name.lower() == "contact":  # phpBB's contact-icons dropdown, not a counter
            continue
        if isinstance(raw_value, str):
            if "<" in raw_value:  # phpBB values are HTML (a link around the post count)
                value = clean_line(html_to_text(raw_value).text)
            else:
                value = clean_line(raw_value, unescape=True)
        else:
            value = clean_line(raw_value)
        if value is None:
            rank = rank or name  # phpBB lists the rank as a pair without a value
            continue
        if name.lower() == "joined":
            joined = parse_date(value)
            if joined is not None:
                continue
        meta[name] = value
    return joined, meta, rank
