"""Post bodies of real forumscraper threads, one file per engine, read from ../shared at run time.

The files are other people's words and are never copied into the repository; the tests skip
when ../shared/real-data is absent. For every post body (forum posts, Stack Exchange answers and
comments, the Hacker News story and its comment tree) they check that

* a body with words never ends up with an empty own text (the text minus its quote spans);
* no quote attribution line ("NAME wrote:", "Quote from: NAME on DATE", "Originally Posted by
  NAME", "Cytat:", "Цитата:", "Click to expand...") is left in the own text;
* at least 95 % of smiley and emoji images are kept as text.

The checks define attributions and smilies on their own terms (the patterns below), not through
the code under test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from discourse.ingest.html_text import HtmlText, html_to_text
from discourse.quotes import remove_spans

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "forumscraper"


def _thread_files() -> list[Path]:
    if not REAL.is_dir():
        return []
    files = []
    for path in sorted(p for p in REAL.rglob("*") if p.is_file() and p.suffix != ".md"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and str(data.get("format_version", "")).endswith("thread"):
            files.append(path)
    return files


FILES = _thread_files()
pytestmark = pytest.mark.skipif(not FILES, reason="../shared/real-data/forumscraper is absent")

_BODY_KEYS = ("text", "content", "body")


def _bodies(data: dict) -> Iterator[str]:
    """Every post body of a thread file: posts, their comments, and nested comment trees."""
    stack: list[object] = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, list):
            stack.extend(reversed(item))
            continue
        if not isinstance(item, dict):
            continue
        if item is not data or "posts" not in data:
            for key in _BODY_KEYS:
                if isinstance(item.get(key), str):
                    yield item[key]
                    break
        for key in ("posts", "comments"):
            if isinstance(item.get(key), list):
                stack.append(item[key])


def _converted(path: Path) -> list[tuple[str, HtmlText]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [(body, html_to_text(body)) for body in _bodies(data)]


def _own(result: HtmlText) -> str:
    return remove_spans(result.text, [(q.start, q.end) for q in result.quotes])


def _ids(paths: list[Path]) -> list[str]:
    return [str(p.relative_to(REAL)) for p in paths]


# Attribution lines of the engines in the languages forums use; written for this test so that
# it does not trust the converter's own word lists.
ATTRIBUTION_LINE = re.compile(
    r"""
    ^\s*(?:quote|quoting|cytat|cytuj|цитата|zitat|citation|cita|citazione|citace|citát
        |citaat)\s*:?\s*$
    | ^\s*(?:quote\ from|zitat\ von|citation\ de|cita\ de|citaat\ van|cytat|цитата)
        \s*:\s*\S
    | ^\s*(?:originally\ posted\ by|quote\ originally\ posted\ by|сообщение\ от
        |zitat\ von)\b
    | (?:wrote|said|writes|says|pisze|napisał\(a\)|napisał|napisała|написал\(а\)|написал
        |писал\(а\)|сказал\(а\)|schrieb|hat\ geschrieben|a\ écrit|napsal|escribió|dijo|disse
        |escreveu|ha\ scritto|schreef|skrev|kirjoitti|írta|yazdı)\s*:\s*$
    | click\ to\ expand | kliknij\ by\ rozszerzyć
    """,
    re.IGNORECASE | re.MULTILINE | re.VERBOSE,
)

SMILEY_CLASS = re.compile(r"smil|emoji|emoticon", re.IGNORECASE)
SMILEY_PATH = re.compile(r"/(?:smilies|smileys|emoticons|emoji)/|emoji\.php", re.IGNORECASE)


def _smiley_images(body: str) -> list[dict[str, str | None]]:
    if not body.strip():
        return []
    found = []
    for img in LexborHTMLParser(body).css("img"):
        if img.parent is not None and img.parent.tag == "noscript":
            continue  # the no-JavaScript copy of a lazily loaded image shown once
        attrs = img.attributes
        path = f"{attrs.get('src') or ''} {attrs.get('data-src') or ''}"
        if (
            SMILEY_CLASS.search(attrs.get("class") or "")
            or "data-emoticon" in attrs
            or SMILEY_PATH.search(path)
        ):
            found.append(attrs)
    return found


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_bodies_with_words_keep_own_text(path: Path) -> None:
    emptied = [
        index
        for index, (body, result) in enumerate(_converted(path))
        if re.search(r"\w", LexborHTMLParser(body).body.text() if body.strip() else "")
        and not _own(result).strip()
    ]
    assert emptied == [], f"posts whose own text came out empty: {emptied}"


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_no_attribution_line_outside_quotes(path: Path) -> None:
    left = [
        (index, match.group(0).strip()[:60])
        for index, (_, result) in enumerate(_converted(path))
        for match in ATTRIBUTION_LINE.finditer(_own(result))
    ]
    assert left == []


@pytest.mark.parametrize("path", FILES, ids=_ids(FILES))
def test_smilies_are_kept_as_text(path: Path) -> None:
    total = kept = 0
    for body, result in _converted(path):
        expected: dict[str, int] = {}
        for attrs in _smiley_images(body):
            total += 1
            alt = (attrs.get("alt") or "").strip()
            if alt and not alt.replace(" ", "").isalnum():
                shown = alt  # the code the author typed, as the engine wrote it
            else:  # no code in alt: whatever text the image alone converts to
                shown = html_to_text(f"<img {_attributes(attrs)}>").text
            if shown:
                expected[shown] = expected.get(shown, 0) + 1
        kept += sum(min(count, result.text.count(shown)) for shown, count in expected.items())
    assert kept >= 0.95 * total, f"{kept} of {total} smilies kept"


def _attributes(attrs: dict[str, str | None]) -> str:
    return " ".join(
        f'{name}="{(value or "").replace(chr(34), "&quot;")}"' for name, value in attrs.items()
    )
