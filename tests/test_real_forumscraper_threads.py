"""Real forumscraper files: threads accepted, listings rejected, every post kept, titles plain,
every quote that names a post of the thread linked to it.

The files are other people's words and stay outside the repository: they are read at run time
from ../shared/real-data/forumscraper, and the module is skipped when that folder is absent.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from discourse.ingest import forumscraper
from discourse.ingest.build import threads_to_tables
from discourse.ingest.errors import IngestError
from discourse.ingest.records import ParsedThread, RawFile

REAL = Path(__file__).resolve().parents[2] / "shared" / "real-data" / "forumscraper"
FILES = sorted(
    p for p in (REAL.rglob("*") if REAL.is_dir() else []) if p.is_file() and not p.name.startswith(".")
)
NOW = datetime(2024, 6, 1, tzinfo=UTC)
_MARKUP = re.compile(r"<[a-zA-Z/!]|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);")

pytestmark = pytest.mark.skipif(not FILES, reason=f"no real forumscraper files under {REAL}")


def _name(path: Path) -> str:
    return str(path.relative_to(REAL))


def _json(path: Path) -> dict[str, object]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _is_thread(path: Path) -> bool:
    return str(_json(path).get("format_version", "")).endswith("-thread")


def _expected_posts(data: dict[str, object]) -> int:
    """Posts the docs promise: one per entry, plus the story (Hacker News) or comments (SE)."""
    version = str(data.get("format_version"))
    if version.startswith("hackernews"):
        return 1 + len(data.get("comments") or [])  # type: ignore[arg-type]
    posts = data.get("posts") or []
    assert isinstance(posts, list)
    if version.startswith("stackexchange"):
        return len(posts) + sum(len(post.get("comments") or []) for post in posts)
    return len(posts)


THREADS = [p for p in FILES if _is_thread(p)]
LISTINGS = [p for p in FILES if not _is_thread(p)]


def _read(path: Path) -> ParsedThread:
    [thread] = forumscraper.read(RawFile(path.read_bytes(), _name(path), path))
    return thread


def test_the_sample_has_thread_files_and_a_listing() -> None:
    assert len(THREADS) >= 10 and LISTINGS


@pytest.mark.parametrize("path", LISTINGS, ids=_name)
def test_listing_files_are_rejected_with_a_reason(path: Path) -> None:
    with pytest.raises(IngestError, match=r"is not a thread \(a user or board listing\?\)"):
        forumscraper.read(RawFile(path.read_bytes(), _name(path), path))


@pytest.mark.parametrize("path", THREADS, ids=_name)
def test_thread_file_is_accepted_with_every_post(path: Path) -> None:
    thread = _read(path)
    assert len(thread.posts) == _expected_posts(_json(path))
    ids = {post.post_id for post in thread.posts}
    assert None not in ids and len(ids) == len(thread.posts)
    for post in thread.posts:
        # a reply names a post of the same thread (Hacker News and Stack Exchange trees)
        assert post.reply_to is None or post.reply_to in ids


@pytest.mark.parametrize("path", THREADS, ids=_name)
def test_author_titles_are_plain_text(path: Path) -> None:
    for post in _read(path).posts:
        for value in (post.author_title, *post.author_meta, *post.author_meta.values()):
            assert value is None or not _MARKUP.search(value), (post.post_id, value)
            assert value is None or value == value.strip() and value


@pytest.mark.parametrize("path", THREADS, ids=_name)
def test_every_quote_naming_a_post_of_the_thread_is_linked_to_it(path: Path) -> None:
    thread = _read(path)
    quotes = threads_to_tables([thread], _name(path), "0" * 64, NOW)["quotes"]
    linked = {
        (row["post_id"], row["span_start"], row["span_end"]): row["quoted_post_id"]
        for row in quotes.iter_rows(named=True)
    }
    ids = {post.post_id for post in thread.posts}
    for post in thread.posts:
        for quote in post.quotes:
            if quote.quoted_post_id in ids and quote.quoted_post_id != post.post_id:
                assert linked.get((post.post_id, quote.start, quote.end)) == quote.quoted_post_id


def _threads_of(engine: str) -> list[Path]:
    """The sample's thread files of one engine (the test is skipped when there are none)."""
    pages = [p for p in THREADS if str(_json(p).get("format_version")).startswith(engine)]
    if not pages:
        pytest.skip(f"no {engine} thread in the sample")
    return pages


def test_stack_exchange_at_name_comments_reply_to_the_named_commenter() -> None:
    # Guards the comment-to-comment links of a real Stack Exchange page.
    pages = _threads_of("stackexchange")
    to_comments = 0
    for path in pages:
        thread = _read(path)
        by_id = {post.post_id: post for post in thread.posts}
        for post in thread.posts:
            match = re.match(r"\s*@([^\s@,:;!?()]+)", post.text)
            target = by_id.get(post.reply_to or "")
            if match is None or target is None or not (target.post_id or "").startswith("comment-"):
                continue
            to_comments += 1
            token = match.group(1).rstrip(".").casefold()
            assert "".join((target.author or "").split()).casefold().startswith(token), post.post_id
    assert to_comments >= 1


def test_xmb_edit_stamps_are_read_as_edits_not_words() -> None:
    # Guards a real XMB thread whose posts end in "[Edited on DATE by NAME]" lines.
    pages = _threads_of("xmb")
    stamped = 0
    for path in pages:
        for item, post in zip(_json(path)["posts"], _read(path).posts, strict=True):  # type: ignore[arg-type]
            if re.search(r"\[Edited on [^\]]+\]\s*(?:</font>)?\s*$", item["body"]):
                stamped += 1
                assert post.edited and post.edit_note and "[Edited on" not in post.text
    assert stamped >= 1
