"""Who wrote a forumscraper post: the author's name, title, join date and counters, per engine.

forumscraper copies each engine's author panel into the JSON field by field, so the same facts
sit under different keys (see forumscraper's ``extractors/*.py``):

========================  ===================================================================
engine                    title, then the pairs that become ``author_meta``
========================  ===================================================================
XenForo 1 and 2           ``user_title``; ``user_extra`` (XF1) or ``user_extras.pairs`` (XF2)
Invision                  ``rank_title``, else ``group``; ``posts``, ``user_info`` ("82 posts"),
                          the ``custom`` field's label/value spans, ``reputation_badge``
phpBB                     the first ``userinfo`` pair keyed ``Rank`` that holds words (forumscraper
                          gives that key to every profile line without a label); the others
SMF 1                     the first plain line of ``userinfo``, before the star images; the
                          lines written ``Label: value``
SMF 2                     ``userinfo`` pairs keyed by the line's class: ``title``, else
                          ``membergroup``, else ``postgroup``; the others (``Posts: 25``)
vBulletin                 ``user.title``; ``user.rank-name`` and ``user.custom``
XMB                       ``rank``; ``posts`` when it is a number (the other lines are matched
                          by position and shift when a line is missing, so they are not kept)
Stack Exchange            no title; the reputation
Hacker News               no title, no counters
========================  ===================================================================

A title is plain text: tags are dropped and entities decoded (XenForo titles can be styled
``<font>`` markup). Images say nothing in words, so a rank shown as star images, an online
icon or a flag adds nothing, and a pair left with no value (``Rank: ""``, a label whose value
was an image) goes nowhere. A value that is a widget (a contact dropdown, a list of profile
icons: block markup) is not a counter either. A pair labelled as a join date in one of the
languages below becomes ``author_joined`` when its date can be read.
"""

from __future__ import annotations

import re
from urllib.parse import unquote
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any

from discourse.ingest.xenforo_html import clean_line, parse_date

Pair = tuple[object, object, bool]  # (label, value as the JSON holds it, value may carry "Label: ")


@dataclass(frozen=True, slots=True)
class Author:
    """What a post says about its author."""

    name: str | None = None
    title: str | None = None
    joined: date | None = None
    meta: dict[str, str] = field(default_factory=dict)


# "Joined" as forum engines print it in their author panels, lower-cased, colon dropped.
_JOINED_LABELS = frozenset(
    {
        "joined", "join date", "registered", "member since", "joined on",
        "registriert", "registriert seit", "mitglied seit", "dabei seit", "anmeldedatum",
        "inscrit", "inscrit le", "inscription", "date d'inscription", "membre depuis",
        "enregistré le", "enregistré",
        "registrado", "registrado desde", "registro", "fecha de registro", "miembro desde",
        "iscritto", "iscritto il", "iscrizione", "registrato", "membro dal",
        "lid sinds", "geregistreerd", "aangemeld",
        "rejestracja", "dołączył", "dołączył(a)", "zarejestrowany",
        "registrace", "registrován", "registrovaný",
        "регистрация", "зарегистрирован", "на форуме с",
        "registrerad", "medlem sedan", "registreret", "tilmeldt", "registrert",
        "rekisteröitynyt", "liittynyt", "regisztrált", "csatlakozott", "înregistrat",
        "kayıt", "kayıt tarihi", "katılım", "üyelik tarihi",
    }
)
_TAG = re.compile(r"<[^>]*>")
# Block markup in a value marks a widget (dropdown, icon list), not a counter.
_WIDGET = re.compile(r"<(?:div|ul|ol|table|form|button)\b", re.IGNORECASE)
# "Posts: 25", "Długość toru:: 870 m": a short label without digits, then the value.
_LABELLED = re.compile(r"^([^\d:<>][^:<>]{0,40}?)\s*:+\s*(.*)$")
# Invision custom fields: <span class='ft'>Label</span><span class='fc'>Value</span>
_INVISION_FIELD = re.compile(
    r"""<span[^>]*class=['"]ft['"][^>]*>(.*?)</span>\s*"""
    r"""<span[^>]*class=['"]fc['"][^>]*>(.*?)</span>""",
    re.IGNORECASE | re.DOTALL,
)
_SE_NAME_IN_LINK = re.compile(r"/questions/\d+/([^/?#]+)$")
_INVISION_RANK = re.compile(r"^\s*Rank\s*:\s*|\s*\(\d+\s*/\s*\d+\)\s*$")
_INVISION_COUNTER = re.compile(r"^\s*([\d.,]+)\s+([^\d].*?)\s*$")  # "6,798 posts"
_SMF_TITLE_KEYS = ("title", "membergroup", "postgroup")
#: Panel entries that say nothing about the author (SMF 2.1's "poster_ip" shows "Logged").
_SKIPPED_KEYS = frozenset({"avatar", "profile", "im_icons", "contact", "poster_ip"})
#: Panel keys of counters and facts, which an empty value does not make a rank.
_COUNTER_LABELS = frozenset({
    "posts", "messages", "message(s)", "location", "reputation", "likes", "points", "age",
    "gender", "website", "contact", "status", "online", "offline", "warnings", "thanks",
})  # fmt: skip


def read_author(engine: str, item: dict[str, Any], *, day_first: bool | None = None) -> Author:
    """Return the author of one forumscraper post (or comment) of the given engine.

    ``engine`` is the first word of the file's ``format_version`` (``xenforo``, ``phpbb``,
    ``smf``...); an engine not listed in the module notes is read with the union of the
    generic keys, and any engine without a title of its own falls back to the generic title
    keys (``user_title``, ``rank_title``, a ``user`` object's ``title``). Fields of an
    unexpected type are ignored, never an error. ``day_first`` is the thread's order of day and
    month (:func:`discourse.ingest.forumscraper.thread_day_order`) for an ambiguous join date.
    """
    title, pairs = _ENGINES.get(engine, _generic_fields)(item)
    if title is None:
        title = _generic_title(item)
    joined, meta = _counters(pairs, day_first)
    return Author(name=_name(item), title=title, joined=joined, meta=meta)


@lru_cache(maxsize=16384)
def plain_value(markup: str) -> str | None:
    """One line of plain text from a short HTML fragment (a title, a counter); None if empty.

    Tags, images included, are dropped; entities are decoded; white space collapses. Author
    panels repeat the same few values on every post, hence the cache.
    """
    if "<" in markup:
        markup = _TAG.sub(" ", markup)
    return clean_line(markup, unescape=True)


def _plain(value: object) -> str | None:
    if isinstance(value, str):
        return plain_value(value)
    return clean_line(value)


def _name(item: dict[str, Any]) -> str | None:
    for key in ("user", "author", "username"):
        value = item.get(key)
        if isinstance(value, dict):
            link = value.get("link")
            value = _first(value, "name", "username", "user")
            if not (isinstance(value, str) and value.strip()) and isinstance(link, str):
                # Stack Exchange answers by a user without a profile: forumscraper leaves the
                # name empty and joins the shown name onto the question's address
                named = _SE_NAME_IN_LINK.search(link)
                value = unquote(named.group(1)) if named else value
        # forumscraper takes names from elements without children: no tags to drop, but
        # entities to decode (the same rule as thread titles).
        name = clean_line(value, unescape=True) if isinstance(value, str) else None
        if name:
            return name
    return None


def _first(item: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if item.get(key) not in (None, ""):
            return item[key]
    return None


def _listed_pairs(entries: object) -> Iterator[Pair]:
    """Pairs given as ``[{"key"|"name"|"title": ..., "value": ...}]`` or ``[[label, value]]``."""
    if not isinstance(entries, list):
        return
    for entry in entries:
        if isinstance(entry, dict):
            label = _first(entry, "key", "name", "title")
            yield label, entry.get("value"), label is None
        elif isinstance(entry, (list, tuple)) and len(entry) == 2:
            yield entry[0], entry[1], False


def _counters(pairs: list[Pair], day_first: bool | None = None) -> tuple[date | None, dict[str, str]]:
    """(join date, other counters) from (label, value, labelled value) pairs."""
    joined: date | None = None
    meta: dict[str, str] = {}
    for raw_label, raw_value, value_has_label in pairs:
        if isinstance(raw_value, str) and _WIDGET.search(raw_value):
            continue
        label = _plain(raw_label) if raw_label is not None else None
        value = _plain(raw_value)
        if value_has_label and value is not None:
            match = _LABELLED.match(value)
            if match:
                label, value = match.group(1), clean_line(match.group(2))
        if label is None or value is None:
            continue
        label = label.rstrip(":").strip()
        if not label or label.lower() in _SKIPPED_KEYS:
            continue
        if joined is None and label.lower() in _JOINED_LABELS:
            joined = parse_date(value, day_first=day_first)
            if joined is not None:
                continue
        meta.setdefault(label, value)
    return joined, meta


# --- one function per engine: (title, pairs for the counters) ---------------------------------


def _xenforo_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    pairs = list(_listed_pairs(item.get("user_extra")))  # XenForo 1
    extras = item.get("user_extras")
    if isinstance(extras, dict):
        pairs.extend(_listed_pairs(extras.get("pairs")))
    return _plain(item.get("user_title")), pairs


def _invision_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    rank = _plain(item.get("rank_title"))
    if rank is not None:  # Invision 4.7+: "Rank: NAME (7/13)", the rank's place on the ladder
        rank = _INVISION_RANK.sub("", rank).strip() or None
    title = rank or _plain(item.get("group"))
    pairs: list[Pair] = [("Posts", item.get("posts"), False)]
    counters = item.get("user_info")
    if isinstance(counters, list):
        for entry in counters:
            match = _INVISION_COUNTER.match(entry) if isinstance(entry, str) else None
            if match:
                pairs.append((match.group(2).capitalize(), match.group(1), False))
    custom = item.get("custom")
    if isinstance(custom, str):
        pairs.extend((label, value, False) for label, value in _INVISION_FIELD.findall(custom))
    pairs.append(("Reputation", item.get("reputation_badge"), False))
    return title, pairs


def _phpbb_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    title: str | None = None
    key_rank: str | None = None
    pairs: list[Pair] = []
    for label, value, has_label in _listed_pairs(item.get("userinfo")):
        # forumscraper keys every profile line without a "Label:" as "Rank"; the rank is the
        # first of them with words (its image, if any, is dropped).
        if title is None and isinstance(label, str) and label.strip().lower() == "rank":
            title = _plain(value)
            if title is not None:
                continue
        # Some phpBB styles put the rank line in the key, with an empty value: the title when
        # the post names no other.
        if key_rank is None and isinstance(label, str) and _plain(value) is None and not has_label:
            words = _plain(label)
            if words is not None and words.lower() != "rank" and not _is_counter_label(words):
                key_rank = words
                continue
        pairs.append((label, value, has_label))
    if title is None and key_rank is not None and _generic_title(item) is None:
        title = key_rank
    return title, pairs


def _is_counter_label(label: str) -> bool:
    """Whether a panel key names a counter or a date (Posts, Joined, Location...) rather than
    being a rank line itself."""
    key = label.rstrip(":").strip().lower()
    return key in _JOINED_LABELS or key in _COUNTER_LABELS or key in _SKIPPED_KEYS


def _smf_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    info = item.get("userinfo")
    if not isinstance(info, list):
        return None, []
    if info and all(isinstance(entry, str) for entry in info):
        return _smf1_lines(info)
    # SMF 2: one pair per <li class="..."> of the poster panel
    by_key: dict[str, object] = {}
    pairs: list[Pair] = []
    for label, value, _ in _listed_pairs(info):
        if isinstance(label, str) and label in _SMF_TITLE_KEYS:
            by_key.setdefault(label, value)
        else:
            pairs.append((label, value, True))
    title = None
    for key in _SMF_TITLE_KEYS:
        text = _plain(by_key.get(key))
        if text is None:
            continue
        if title is None:
            title = text
        else:
            pairs.append((key, text, False))
    return title, pairs


def _smf1_lines(lines: list[str]) -> tuple[str | None, list[Pair]]:
    """SMF 1 gives the poster panel as lines: title/groups, star images, then counters."""
    title: str | None = None
    pairs: list[Pair] = []
    seen_markup = False
    for line in lines:
        text = _plain(line)
        if text is None:
            seen_markup = seen_markup or "<" in line
            continue
        if _LABELLED.match(text):
            pairs.append((None, line, True))
        elif title is None and not seen_markup and "<" not in line:
            title = text  # the custom title or member group, printed before the stars
        seen_markup = seen_markup or "<" in line
    return title, pairs


def _vbulletin_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    user = item.get("user")
    if not isinstance(user, dict):
        return _plain(item.get("user_title")), []
    pairs: list[Pair] = [("Rank", user.get("rank-name"), False)]  # "rank" counts rank images
    pairs.extend(_listed_pairs(user.get("custom")))
    return _plain(user.get("title")), pairs


def _xmb_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    posts = item.get("posts")
    pairs: list[Pair] = []
    if isinstance(posts, int) and not isinstance(posts, bool):
        pairs.append(("Posts", posts, False))
    return _plain(item.get("rank")), pairs


def _stackexchange_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    author = item.get("author")
    reputation = author.get("reputation") if isinstance(author, dict) else item.get("reputation")
    if isinstance(reputation, int) and reputation <= 0:
        reputation = None  # forumscraper writes 0 when the page shows no reputation
    return None, [("Reputation", reputation, False)]


def _hackernews_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    del item
    return None, []


def _generic_title(item: dict[str, Any]) -> str | None:
    title = _plain(_first(item, "user_title", "rank_title"))
    user = item.get("user")
    if title is None and isinstance(user, dict):
        title = _plain(_first(user, "title", "user_title"))
    return title


def _generic_fields(item: dict[str, Any]) -> tuple[str | None, list[Pair]]:
    title = _generic_title(item)
    _, pairs = _xenforo_fields(item)
    info = item.get("userinfo")
    if isinstance(info, list):
        pairs.extend(_listed_pairs(info))
    _, counters = _invision_fields({"user_info": item.get("user_info")})
    pairs.extend(counters)
    return title, pairs


_ENGINES: dict[str, Callable[[dict[str, Any]], tuple[str | None, list[Pair]]]] = {
    "xenforo": _xenforo_fields,
    "invision": _invision_fields,
    "phpbb": _phpbb_fields,
    "smf": _smf_fields,
    "vbulletin": _vbulletin_fields,
    "xmb": _xmb_fields,
    "stackexchange": _stackexchange_fields,
    "hackernews": _hackernews_fields,
}
