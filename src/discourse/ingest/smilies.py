"""Smiley and emoji images as the text the author typed (``:)``, ``:lol:``, ``🙂``).

A smiley is part of what the author said, and sentiment lexicons (VADER) score emoticons and
emoji, so the HTML-to-text conversion writes each smiley image as text instead of dropping it.
An image is a smiley when its class, its attributes or its file path say so (see
:mod:`discourse.ingest.engines`). Its text is, in order:

1. its ``alt`` when that is a code or an emoji (``:)``, ``;D``, ``:lol:``, ``🙂``);
2. the emoji of a file named by its code points (Twemoji, JoyPixels, Facebook: ``1f642.png``);
3. the engine's default code for the file name (``smile.gif`` is ``:)``, ``cheesy.gif`` ``:D``);
4. its ``alt`` or ``title`` description ("Confused"), or ``:name:`` from the file name.
"""

from __future__ import annotations

import re

from discourse.ingest import engines
from discourse.ingest.html_nodes import clean_line, first_attr

_SMILEY_CLASS = re.compile(
    r"(?:^|\s)(?:" + "|".join(map(re.escape, engines.SMILEY_CLASS_PREFIXES)) + ")", re.IGNORECASE
)
_SMILEY_PATH = re.compile("|".join(map(re.escape, engines.SMILEY_PATH_PARTS)), re.IGNORECASE)
_IMAGE_SUFFIXES = (".gif", ".png", ".jpg", ".jpeg", ".svg", ".webp")
_HEX_NAME = re.compile(r"(?:emoji_u)?([0-9a-f]{4,6}(?:[-_][0-9a-f]{4,6})*)")


def smiley_text(attributes: dict[str, str | None]) -> str | None:
    """What the author typed for a smiley or emoji ``<img>``; None when it is another picture.

    >>> smiley_text({"class": "smilies", "src": "./images/smilies/icon_e_smile.gif", "alt": ":)"})
    ':)'
    >>> smiley_text({"src": "https://example.org/Smileys/default/cheesy.gif", "alt": "Cheesy"})
    ':D'
    >>> smiley_text({"src": "https://cdn.example.org/emoji/64/1f642.png", "alt": ""})
    '🙂'
    >>> smiley_text({"src": "https://example.org/attachments/photo.jpg", "alt": "photo"}) is None
    True
    """
    src = first_attr(attributes, ("src", "data-src", "data-url")) or ""
    if src.startswith("data:"):  # lazy loading: the real file is in data-src
        src = first_attr(attributes, ("data-src", "data-url")) or ""
    if not (
        any(name in attributes for name in engines.SMILEY_ATTRIBUTES)
        or _SMILEY_CLASS.search(attributes.get("class") or "")
        or _SMILEY_PATH.search(src)
    ):
        return None
    alt = clean_line(attributes.get("alt"))
    if alt and _looks_typed(alt):
        return alt
    name = src.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1].lower()
    name = name.rsplit(".", 1)[0] if "." in name else name
    emoji = _emoji_from_name(name)
    if emoji:
        return emoji
    code = engines.SMILEY_CODES.get(_default_name(name))
    if code:
        return code
    if alt:
        return alt
    title = clean_line(attributes.get("title"))
    if title:
        last = title.rsplit(" ", 1)[-1]  # XenForo titles end with the code: "Stick out tongue :p"
        return last if _looks_typed(last) else title
    return f":{name}:" if name.isidentifier() else None


def _looks_typed(value: str) -> bool:
    """A smiley code or an emoji (":)", ":lol:", "🙂"), not a description or a file name."""
    if value.lower().endswith(_IMAGE_SUFFIXES):
        return False
    return any(not (ch.isalnum() or ch.isspace()) for ch in value)


def _default_name(name: str) -> str:
    for prefix in ("icon_e_", "icon_", "emoticon_", "default_"):  # phpBB, Invision file names
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _emoji_from_name(name: str) -> str | None:
    """The emoji of a file named by its code points (``1f642``, ``1f1fa-1f1f8``)."""
    match = _HEX_NAME.fullmatch(name)
    if match is None:
        return None
    points = [int(part, 16) for part in re.split(r"[-_]", match.group(1))]
    first = points[0]
    # Emoji live in the pictograph planes and the symbol blocks; other hex-looking names
    # ("face", "beef", "added") are words, not code points of pictures.
    if not (0x1F000 <= first <= 0x1FAFF or 0x2190 <= first <= 0x2BFF or first in (0xA9, 0xAE)):
        return None
    if any(point > 0x10FFFF or 0xD800 <= point <= 0xDFFF for point in points):
        return None
    return "".join(chr(point) for point in points)
