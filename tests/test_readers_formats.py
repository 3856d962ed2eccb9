"""The input-format readers: XenForo HTML, Discourse JSON, forumscraper JSON, CSV/JSONL/Parquet.

Fixtures live in tests/fixtures/formats/ (authored examples, see the README there).
"""

from __future__ import annotations

import io
import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discourse.ingest import discourse_json, forumscraper, tabular, xenforo_html
from discourse.ingest.errors import IngestError
from discourse.ingest.records import ParsedThread, RawFile, RawPost

FIXTURES = Path(__file__).parent / "fixtures" / "formats"

XENFORO = "xenforo_thread.html"
DISCOURSE = "discourse_topic.json"
FORUMSCRAPER = "forumscraper_thread.json"
CSV = "posts.csv"
CSV_MAPPED = "posts_mapped.csv"
JSONL = "posts.jsonl"
PARQUET = "posts.parquet"
ALL_FIXTURES = (XENFORO, DISCOURSE, FORUMSCRAPER, CSV, CSV_MAPPED, JSONL, PARQUET)

SCRIPT_NAME = "<script>alert(1)</script>"


def raw_fixture(name: str) -> RawFile:
    return RawFile((FIXTURES / name).read_bytes(), name)


def raw_text(text: str, name: str = "input.txt") -> RawFile:
    return RawFile(text.encode("utf-8"), name)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def quoted(post: RawPost) -> list[tuple[str, str | None, str | None]]:
    """(passage, quoted post id, quoted author) of every marked quote of a post."""
    return [(post.text[q.start : q.end], q.quoted_post_id, q.quoted_author) for q in post.quotes]


def assert_well_formed(threads: list[ParsedThread]) -> None:
    """Invariants every reader's output keeps, whatever the input."""
    assert isinstance(threads, list) and threads
    for thread in threads:
        assert isinstance(thread, ParsedThread)
        assert thread.posts
        for post in thread.posts:
            assert isinstance(post.text, str)
            assert post.created_at is None or post.created_at.utcoffset() is not None
            for quote in post.quotes:
                assert 0 <= quote.start < quote.end <= len(post.text)
                assert quote.method == "marker"
                passage = post.text[quote.start : quote.end]
                assert passage == passage.strip()


# =============================================================================================
# XenForo 2 HTML
# =============================================================================================


@pytest.fixture(scope="module")
def xf_thread() -> ParsedThread:
    threads = xenforo_html.read(raw_fixture(XENFORO))
    assert len(threads) == 1
    assert_well_formed(threads)
    return threads[0]


def test_xenforo_thread_metadata(xf_thread: ParsedThread) -> None:
    assert xf_thread.format == "xenforo_html"
    assert xf_thread.title == "Was Pakistan right to join SEATO and CENTO?"  # prefix label dropped
    assert xf_thread.url == (
        "https://forum.example.org/threads/was-pakistan-right-to-join-seato-and-cento.4471/"
    )
    assert xf_thread.source_thread_id is None


def test_xenforo_posts_ids_authors_dates(xf_thread: ParsedThread) -> None:
    posts = xf_thread.posts
    assert len(posts) == 5  # the quick-reply box and the sidebar are not posts
    assert [p.post_id for p in posts] == ["90211", "90218", "90240", "90252", "90267"]
    assert [p.author for p in posts] == [
        "Rawalpindi_Reader",
        "DeccanDiplomat",
        SCRIPT_NAME,  # kept as plain text, escaped only when rendered
        "Rawalpindi_Reader",
        "Tashkent1966",
    ]
    assert [p.created_at for p in posts] == [
        utc(2023, 4, 2, 17, 41, 7),
        utc(2023, 4, 2, 19, 3, 55),
        utc(2023, 4, 3, 6, 15, 0),
        utc(2023, 4, 3, 8, 30, 12),
        utc(2023, 4, 4, 10, 2, 40),
    ]
    assert all(p.reply_to is None for p in posts)


def test_xenforo_author_details_and_edits(xf_thread: ParsedThread) -> None:
    first, second, third, _, fifth = xf_thread.posts
    assert first.author_title == "Senior Member"
    assert first.author_joined == date(2019, 3, 3)
    assert first.author_meta == {
        "Messages": "2,114",
        "Reaction score": "1,876",
        "Location": "Rawalpindi",
    }
    assert third.author_title == "New member"
    assert third.author_joined == date(2023, 4, 1)
    # a pair whose <dt> is only an icon is named by the icon's title
    assert fifth.author_meta == {"Messages": "418", "Reaction score": "512"}
    assert second.edited is True
    assert second.edit_note == "Last edited: Apr 2, 2023"
    assert [p.edited for p in xf_thread.posts] == [False, True, False, False, False]


def test_xenforo_text_conversion(xf_thread: ParsedThread) -> None:
    first = xf_thread.posts[0]
    assert first.text.startswith("In 1954 Karachi signed the Mutual Defence Assistance Agreement")
    assert "\n\nI am not so sure." in first.text  # <br /><br /> is a paragraph break
    assert "arms to both sides" in first.text  # inline markup flattened
    assert first.text == first.text.strip()
    last = xf_thread.posts[4]
    assert "Tashkent & got the troops" in last.text  # entity decoded
    assert last.text.endswith("not India's bodyguard :)")  # smilie kept as its text
    assert "trackRead" not in last.text  # script dropped
    assert "Non-alignment is a policy" not in last.text  # signature is not the post


def test_xenforo_quote_spans(xf_thread: ParsedThread) -> None:
    second = xf_thread.posts[1]
    passage = (
        "The problem is that Washington signed up to contain communism and Karachi signed up "
        "to balance India."
    )
    assert quoted(second) == [(passage, "90211", "Rawalpindi_Reader")]
    assert second.text.startswith(passage + "\n\nExactly, and that is why")
    for post in xf_thread.posts:
        assert "said:" not in post.text
        assert "Click to expand" not in post.text

    fourth = xf_thread.posts[3]
    assert quoted(fourth) == [
        (
            "Membership of the pacts put a target on Pakistan without buying it any protection "
            "against India.",
            "90240",
            SCRIPT_NAME,
        )
    ]


def test_xenforo_nested_quote(xf_thread: ParsedThread) -> None:
    third = xf_thread.posts[2]
    inner_passage = (
        "Washington signed up to contain communism and Karachi signed up to balance India."
    )
    outer_passage = (
        inner_passage
        + "\n\nExactly, and that is why Nehru's non-alignment looked cleverer than it was."
    )
    assert quoted(third) == [
        (outer_passage, "90218", "DeccanDiplomat"),
        (inner_passage, "90211", "Rawalpindi_Reader"),
    ]
    outer, inner = third.quotes
    assert outer.start <= inner.start < inner.end <= outer.end
    own = third.text[outer.end :].strip()
    assert own.startswith("Both of you leave out Badaber.")


XF_SHELL = """<!DOCTYPE html><html id="XF" data-template="thread_view"><head>
<title>Empty | Forum</title></head><body>{body}</body></html>"""


def test_xenforo_page_without_posts_is_rejected() -> None:
    raw = raw_text(XF_SHELL.format(body="<div class='p-body'>Nothing here.</div>"), "empty.html")
    with pytest.raises(IngestError, match=r"no XenForo posts found"):
        xenforo_html.read(raw)


def test_xenforo_posts_without_bodies_are_rejected() -> None:
    body = '<article class="message" data-author="A" data-content="post-1"><p>hi</p></article>'
    with pytest.raises(IngestError, match=r"none has a message body"):
        xenforo_html.read(raw_text(XF_SHELL.format(body=body), "nobody.html"))


def test_xenforo_binary_file_is_rejected() -> None:
    with pytest.raises(IngestError, match=r"binary file"):
        xenforo_html.read(RawFile(b"\x89PNG\r\n\x1a\n\x00\x00", "picture.html"))


def test_xenforo_fallbacks() -> None:
    body = """
    <h1 class="p-title-value">Fallback &amp; friends</h1>
    <article class="message" id="js-post-77">
      <h4 class="message-name"><a class="username">Plain &lt;b&gt;Name</a></h4>
      <header class="message-attribution">
        <time datetime="1999-12-31T23:00:00-01:00">x</time></header>
      <div class="message-content"><p>Body in content</p>
        <div class="message-lastEdit">Last edited by a moderator:</div></div>
    </article>"""
    [thread] = xenforo_html.read(raw_text(XF_SHELL.format(body=body), "fallback.html"))
    [post] = thread.posts
    assert thread.title == "Fallback & friends"
    assert post.post_id == "77"
    assert post.author == "Plain <b>Name"
    assert post.created_at == utc(2000, 1, 1, 0, 0, 0)
    assert post.text == "Body in content"
    assert post.edited and post.edit_note == "Last edited by a moderator:"


# =============================================================================================
# Discourse topic JSON
# =============================================================================================


@pytest.fixture(scope="module")
def dc_thread() -> ParsedThread:
    threads = discourse_json.read(raw_fixture(DISCOURSE))
    assert len(threads) == 1
    assert_well_formed(threads)
    return threads[0]


def test_discourse_thread_metadata(dc_thread: ParsedThread) -> None:
    assert dc_thread.format == "discourse_json"
    assert dc_thread.title == (
        "Nehru's non-alignment: principled stand or hedging between Washington and Moscow?"
    )
    # no host in the JSON: a relative path, not an invented address
    assert dc_thread.url == "/t/nehrus-non-alignment-principled-stand-or-hedging/1187"
    [with_base] = discourse_json.read(raw_fixture(DISCOURSE), base_url="https://forum.example.net/")
    assert with_base.url == (
        "https://forum.example.net/t/nehrus-non-alignment-principled-stand-or-hedging/1187"
    )


def test_discourse_posts(dc_thread: ParsedThread) -> None:
    posts = dc_thread.posts
    assert len(posts) == 4  # the "closed the topic" small action is not a post
    assert [p.post_id for p in posts] == ["1", "2", "3", "5"]
    assert [p.author for p in posts] == [
        "bandung_55",
        "cold_warrior_kan",
        "lahore_lecturer",
        "bandung_55",
    ]
    assert [p.reply_to for p in posts] == [None, "1", "2", "3"]
    assert posts[0].created_at == datetime(2024, 2, 10, 14, 2, 11, 512000, tzinfo=UTC)
    assert posts[2].created_at == utc(2024, 2, 11, 9, 12, 40)
    assert posts[1].author_title == "Veteran Debater"
    assert posts[0].author_meta == {"name": "Amrita S.", "trust_level": "2"}
    assert [p.edited for p in posts] == [False, False, False, True]
    assert posts[3].edit_note == "added the 1962 example"
    assert posts[0].text.count("\n\n") == 1  # two paragraphs
    assert posts[3].text.startswith("@lahore_lecturer fair point")
    assert posts[3].text.endswith("end of the story :thinking:")


def test_discourse_quotes(dc_thread: ParsedThread) -> None:
    _, second, third, fifth = dc_thread.posts
    passage = (
        "he claimed India would judge each question on its merits instead of signing up to a "
        "bloc in advance."
    )
    assert quoted(second) == [(passage, "1", "bandung_55")]
    assert second.text.startswith(passage + "\n\nOn its merits")
    assert quoted(third) == [
        ("That is not a principle, it is shopping in both markets.", "2", "cold_warrior_kan"),
        # quoted from another topic (data-topic 1042): the author is known, the post is not here
        (
            "the alliance was aimed at Moscow on paper and at Delhi in practice.",
            None,
            "lahore_lecturer",
        ),
    ]
    assert "cold_warrior_kan:" not in third.text  # the attribution line is dropped
    assert "Pakistan in SEATO and CENTO" not in third.text
    # a Markdown "> quote" is a marked quote naming nobody
    assert quoted(fifth) == [("The test of non-alignment is what you do in a crisis.", None, None)]


def _discourse(doc: object) -> RawFile:
    return raw_text(json.dumps(doc), "topic.json")


def test_discourse_malformed() -> None:
    text = (FIXTURES / DISCOURSE).read_text(encoding="utf-8")
    with pytest.raises(IngestError, match=r"invalid JSON at line \d+"):
        discourse_json.read(raw_text(text[: len(text) // 2], "truncated.json"))
    with pytest.raises(IngestError, match=r"expected a Discourse topic object, found a JSON list"):
        discourse_json.read(_discourse([1, 2]))
    with pytest.raises(IngestError, match=r"no post_stream"):
        discourse_json.read(_discourse({"title": "x", "id": 3}))
    with pytest.raises(IngestError, match=r"post_stream.posts is missing or not a list"):
        discourse_json.read(_discourse({"post_stream": {"posts": "nope"}}))
    with pytest.raises(IngestError, match=r"posts\[0\]\.cooked is a int"):
        discourse_json.read(_discourse({"post_stream": {"posts": [{"cooked": 5}]}}))
    with pytest.raises(IngestError, match=r"post_number is 'two'"):
        discourse_json.read(
            _discourse({"post_stream": {"posts": [{"cooked": "<p>x</p>", "post_number": "two"}]}})
        )
    with pytest.raises(IngestError, match=r"the topic has no posts"):
        discourse_json.read(_discourse({"post_stream": {"posts": []}}))


# =============================================================================================
# forumscraper JSON
# =============================================================================================


@pytest.fixture(scope="module")
def fs_thread() -> ParsedThread:
    threads = forumscraper.read(raw_fixture(FORUMSCRAPER))
    assert len(threads) == 1
    assert_well_formed(threads)
    return threads[0]


def test_forumscraper_thread(fs_thread: ParsedThread) -> None:
    assert fs_thread.format == "forumscraper_json"
    # the tool stores the title HTML-escaped; we keep plain text
    assert fs_thread.title == "The U-2 from Peshawar \u2014 did Pakistan pay for America's spying?"
    assert fs_thread.url == (
        "https://coldwar-talk.example.com/threads/"
        "the-u-2-from-peshawar-did-pakistan-pay-for-americas-spying.88123/"
    )
    posts = fs_thread.posts
    assert [p.post_id for p in posts] == ["301544", "301560", "301571", "301590"]
    assert [p.author for p in posts] == [
        "Khyber_Watch",
        "Volga_Boatman",
        "Peshawar_Lad",
        "Khyber_Watch",
    ]
    assert [p.created_at for p in posts] == [
        utc(2022, 5, 1, 9, 20, 31),
        utc(2022, 5, 1, 12, 47, 9),
        utc(2022, 5, 2, 7, 5, 55),
        utc(2022, 5, 2, 18, 31, 2),
    ]
    assert posts[0].author_title == "Well-known member"
    assert posts[0].author_joined == date(2016, 1, 12)
    assert posts[0].author_meta == {"Messages": "3,480", "Reaction score": "2,961"}
    assert "\n\nMy question:" in posts[0].text


def test_forumscraper_quotes(fs_thread: ParsedThread) -> None:
    _, second, third, fourth = fs_thread.posts
    assert quoted(second) == [
        (
            "did Pakistan ever get value for that risk, or did it just become a Soviet target "
            "for nothing?",
            "301544",
            "Khyber_Watch",
        )
    ]
    assert quoted(third) == [
        ("The Seventh Fleet sailed into the Bay of Bengal and turned round again.", None, None)
    ]
    assert third.text.endswith("Islamabad.\nYahya Khan carried the messages.")
    assert quoted(fourth)[0][1:] == ("301571", "Peshawar_Lad")
    for post in fs_thread.posts:
        assert "said:" not in post.text and "Click to expand" not in post.text


def test_forumscraper_variants() -> None:
    doc = {
        "format_version": "phpbb-2+-thread",
        "url": "https://board.example.com/viewtopic.php?t=5",
        "title": "Simla &amp; after",
        "posts": [
            {
                "postid": 11,
                "date": "Fri Jul 07, 1972 4:45 pm",
                "content": "<p>Bhutto and Indira Gandhi signed at Simla.</p>",
                "user": {
                    "name": "Simla_Scribe",
                    "link": "https://board.example.com/u/3",
                    "title": "Archivist",
                },
                "userinfo": [
                    {"key": "Board Historian", "value": ""},
                    {"key": "Posts", "value": '<a href="./search.php?author_id=3">1,204</a>'},
                    {"key": "Joined", "value": "Sat Jan 02, 2010 5:33 pm"},
                ],
            },
            {
                "postid": "12",
                "date": 78000000,
                "content": (
                    '<blockquote><div><cite><a href="./memberlist.php?u=3">Simla_Scribe</a> wrote: '
                    '<a href="./viewtopic.php?p=11#p11" data-post-id="11">\u2191</a></cite>'
                    "Bhutto and Indira Gandhi signed at Simla.</div></blockquote>"
                    "And no superpower was in the room."
                ),
                "user": "Bilateral_Bano",
            },
        ],
    }
    [thread] = forumscraper.read(raw_text(json.dumps(doc), "5"))
    first, second = thread.posts
    assert thread.title == "Simla & after"
    assert first.post_id == "11" and first.author == "Simla_Scribe"
    assert first.author_title == "Archivist"
    assert first.author_joined == date(2010, 1, 2)
    assert first.author_meta == {"Posts": "1,204"}
    assert first.created_at == utc(1972, 7, 7, 16, 45)
    assert second.created_at == datetime.fromtimestamp(78000000, tz=UTC)
    assert quoted(second) == [("Bhutto and Indira Gandhi signed at Simla.", "11", "Simla_Scribe")]
    assert "wrote" not in second.text


def test_forumscraper_malformed() -> None:
    text = (FIXTURES / FORUMSCRAPER).read_text(encoding="utf-8")
    with pytest.raises(IngestError, match=r"invalid JSON at line 1"):
        forumscraper.read(raw_text(text[:500], "88123"))
    with pytest.raises(IngestError, match=r"'xenforo-2-user' is not a thread"):
        forumscraper.read(raw_text(json.dumps({"format_version": "xenforo-2-user"}), "m-1"))
    with pytest.raises(IngestError, match=r"no posts list"):
        forumscraper.read(raw_text(json.dumps({"format_version": "smf-2-thread"}), "7"))
    with pytest.raises(IngestError, match=r"posts\[0\]\.user is a list"):
        forumscraper.read(raw_text(json.dumps({"posts": [{"text": "x", "user": []}]}), "7"))
    with pytest.raises(IngestError, match=r"posts\[0\]\.text is a dict"):
        forumscraper.read(raw_text(json.dumps({"posts": [{"text": {}}]}), "7"))


# =============================================================================================
# CSV / JSON Lines / Parquet
# =============================================================================================


def test_csv_groups_rows_into_threads() -> None:
    threads = tabular.read(raw_fixture(CSV), fmt="csv")
    assert_well_formed(threads)
    assert [t.source_thread_id for t in threads] == ["kashmir-1948", "cuba-1962"]
    assert [t.format for t in threads] == ["csv", "csv"]
    kashmir, cuba = threads
    assert kashmir.title == "Kashmir at the UN: where the Cold War came in"
    assert cuba.title == "October 1962, two crises at once"
    assert [p.post_id for p in kashmir.posts] == ["1", "2", "3"]  # the blank row 4 is skipped
    assert [p.author for p in kashmir.posts] == [
        "Srinagar_Archivist",
        "Multan_Mehdi",
        "Srinagar_Archivist",
    ]
    assert [p.reply_to for p in kashmir.posts] == [None, "1", "2"]
    assert [p.created_at for p in kashmir.posts] == [
        utc(2023, 11, 2, 9, 14),  # ISO with Z
        utc(2023, 11, 2, 9, 54),  # epoch seconds
        utc(2023, 11, 2, 7, 10),  # ISO with +05:30
    ]
    assert cuba.posts[0].created_at == utc(2023, 10, 22, 22, 0)
    assert cuba.posts[1].created_at is None  # unreadable date: unknown, not an error
    assert "betrayal.\n\nWhat changed" in kashmir.posts[1].text  # quoted newlines kept
    assert all(p.quotes == [] for t in threads for p in t.posts)


def test_csv_column_mapping() -> None:
    mapping = {
        "text": "body",
        "author": "user",
        "thread_id": "topic",
        "post_id": "msg_id",
        "created_at": "posted",
    }
    [thread] = tabular.read(raw_fixture(CSV_MAPPED), fmt="csv", columns=mapping)
    assert thread.source_thread_id == "tashkent"
    assert [p.post_id for p in thread.posts] == ["101", "102", "103"]
    assert thread.posts[2].author == SCRIPT_NAME
    assert thread.posts[0].created_at == utc(1966, 1, 11, 8, 0)
    # the CLI spelling gives the same result
    [again] = tabular.read(
        raw_fixture(CSV_MAPPED),
        fmt="csv",
        columns="text=body,author=user,thread_id=topic,post_id=msg_id,created_at=posted",
    )
    assert [p.text for p in again.posts] == [p.text for p in thread.posts]
    with pytest.raises(IngestError, match=r"no 'text' column .*'body'"):
        tabular.read(raw_fixture(CSV_MAPPED), fmt="csv")
    missing = r"column 'message' \(mapped to text\) is not in the file"
    with pytest.raises(IngestError, match=missing):
        tabular.read(raw_fixture(CSV_MAPPED), fmt="csv", columns={"text": "message"})
    with pytest.raises(IngestError, match=r"unknown column 'body' in the column mapping"):
        tabular.read(raw_fixture(CSV_MAPPED), fmt="csv", columns={"body": "text"})


def test_parse_columns() -> None:
    assert tabular.parse_columns("text=body, author=user,") == {"text": "body", "author": "user"}
    with pytest.raises(ValueError, match="not of the form"):
        tabular.parse_columns("text")
    with pytest.raises(ValueError, match="unknown column 'words'"):
        tabular.parse_columns("words=body")


def test_csv_malformed() -> None:
    with pytest.raises(IngestError, match=r"no 'text' column"):
        tabular.read_csv(raw_text("author,body\nA,hello\n", "posts.csv"))
    ragged = "author,text\nA,fine\nB,too,many\n"
    raw = raw_text(ragged, "posts.csv")
    [thread] = tabular.read_csv(raw)  # the ragged row is left out, the good one kept
    assert [p.text for p in thread.posts] == ["fine"]
    [notice] = raw.notices
    assert notice.kind == "bad_row" and notice.line == 3
    assert re.match(r"line 3 has 3 fields but the header has 2", notice.reason)
    [thread] = tabular.read_csv(raw_text(ragged, "posts.csv"), truncate_ragged_lines=True)
    assert [p.text for p in thread.posts] == ["fine", "too"]
    with pytest.raises(IngestError, match=r"all 2 row\(s\) have empty text"):
        tabular.read_csv(raw_text('author,text\nA,""\nB,   \n', "posts.csv"))
    with pytest.raises(IngestError, match=r"no rows"):
        tabular.read_csv(raw_text("author,text\n", "posts.csv"))
    with pytest.raises(IngestError, match=r"binary file"):
        tabular.read_csv(RawFile(b"PK\x03\x04zipzip", "posts.csv"))


def test_jsonl_reader() -> None:
    [thread] = tabular.read(raw_fixture(JSONL), fmt="jsonl")
    assert_well_formed([thread])
    assert thread.format == "jsonl"
    assert thread.source_thread_id == "bangladesh-1971"
    assert thread.title == "1971: did the superpowers decide the war?"
    assert [p.post_id for p in thread.posts] == ["a1", "a2", "a3", "a4"]
    assert [p.reply_to for p in thread.posts] == [None, "a1", "a2", "a3"]
    assert [p.created_at for p in thread.posts] == [
        utc(1971, 12, 13, 6, 0),
        utc(1971, 12, 10, 0, 0),  # epoch seconds
        utc(1971, 12, 16, 9, 30),
        None,
    ]


def _bad_rows(raw: RawFile) -> list[tuple[int | None, str]]:
    return [(n.line, n.reason) for n in raw.notices if n.kind == "bad_row"]


def test_jsonl_malformed() -> None:
    raw = raw_text('{"text": "ok"}\n{"text": "cut sho\n', "p.jsonl")
    assert [p.text for t in tabular.read_jsonl(raw) for p in t.posts] == ["ok"]
    [(line, reason)] = _bad_rows(raw)
    assert line == 2 and reason.startswith("line 2 is not valid JSON")
    raw = raw_text('["text"]\n', "p.jsonl")
    with pytest.raises(IngestError, match=r"no row could be read: 1 malformed"):
        tabular.read_jsonl(raw)
    assert _bad_rows(raw) == [(1, "line 1 is a JSON list, expected an object")]
    raw = raw_text('{"text": "a"}\n\n{"text": 5}\n', "p.jsonl")
    assert len(tabular.read_jsonl(raw)[0].posts) == 1
    assert _bad_rows(raw) == [(3, "line 3: column 'text' holds a int, expected text")]
    raw = raw_text('{"text": "a", "author": {"n": 1}}\n', "p.jsonl")
    with pytest.raises(IngestError, match=r"no row could be read"):
        tabular.read_jsonl(raw)
    assert _bad_rows(raw)[0][1].startswith("line 1: column 'author' holds a dict")
    with pytest.raises(IngestError, match=r"no 'text' column"):
        tabular.read_jsonl(raw_text('{"body": "a"}\n', "p.jsonl"))
    mapped = raw_text('{"body": "a", "who": "b"}\n', "p.jsonl")
    [thread] = tabular.read_jsonl(mapped, "text=body,author=who")
    assert thread.posts[0].author == "b"
    with pytest.raises(IngestError, match=r"all 1 row\(s\) have empty text"):
        tabular.read_jsonl(raw_text('{"text": " "}\n', "p.jsonl"))


def test_parquet_reader() -> None:
    threads = tabular.read(raw_fixture(PARQUET), fmt="parquet")
    assert_well_formed(threads)
    assert [t.source_thread_id for t in threads] == ["7", "8"]
    detente, zia = threads
    assert detente.title == "Detente and the subcontinent"
    assert [p.post_id for p in detente.posts] == ["1", "2", "3"]
    assert [p.reply_to for p in detente.posts] == [None, "1", "2"]
    assert detente.posts[1].created_at == utc(2021, 6, 1, 14, 30)
    assert zia.posts[0].created_at is None


def _parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


def test_parquet_malformed() -> None:
    with pytest.raises(IngestError, match=r"not a Parquet file"):
        tabular.read_parquet(raw_text("text\nhello\n", "p.parquet"))
    good = (FIXTURES / PARQUET).read_bytes()
    broken = good[:4] + b"\x00" * 64 + good[-8:]
    with pytest.raises(IngestError, match=r"Parquet file will not open"):
        tabular.read_parquet(RawFile(broken, "broken.parquet"))
    numbers = _parquet_bytes(pl.DataFrame({"text": [1, 2]}))
    with pytest.raises(IngestError, match=r"column 'text' \(text\) holds Int64 values"):
        tabular.read_parquet(RawFile(numbers, "n.parquet"))
    nested = _parquet_bytes(pl.DataFrame({"text": ["a"], "author": [["x", "y"]]}))
    with pytest.raises(IngestError, match=r"column 'author' \(author\) holds List"):
        tabular.read_parquet(RawFile(nested, "n.parquet"))
    naive = _parquet_bytes(
        pl.DataFrame({"body": ["a"], "when": [datetime(2020, 1, 2, 3, 4)], "thread": ["t"]})
    )
    [thread] = tabular.read_parquet(
        RawFile(naive, "naive.parquet"),
        {"text": "body", "created_at": "when", "thread_id": "thread"},
    )
    assert thread.posts[0].created_at == utc(2020, 1, 2, 3, 4)  # naive times are taken as UTC


def test_tabular_dispatch() -> None:
    assert tabular.FORMATS == ("csv", "jsonl", "parquet")
    assert tabular.sniff_format(raw_fixture(PARQUET)) == "parquet"
    assert tabular.sniff_format(raw_fixture(JSONL)) == "jsonl"
    assert tabular.sniff_format(raw_fixture(CSV)) == "csv"
    assert [t.format for t in tabular.read(raw_fixture(JSONL))] == ["jsonl"]
    with pytest.raises(ValueError, match="unknown tabular format"):
        tabular.read(raw_fixture(CSV), fmt="xlsx")


# =============================================================================================
# Sniffing
# =============================================================================================

SNIFFERS = {
    XENFORO: xenforo_html.sniff,
    DISCOURSE: discourse_json.sniff,
    FORUMSCRAPER: forumscraper.sniff,
    CSV: tabular.sniff_csv,
    CSV_MAPPED: tabular.sniff_csv,
    JSONL: tabular.sniff_jsonl,
    PARQUET: tabular.sniff_parquet,
}


@pytest.mark.parametrize("fixture", ALL_FIXTURES)
@pytest.mark.parametrize(
    "sniffer",
    [
        xenforo_html.sniff,
        discourse_json.sniff,
        forumscraper.sniff,
        tabular.sniff_csv,
        tabular.sniff_jsonl,
        tabular.sniff_parquet,
    ],
    ids=["xenforo", "discourse", "forumscraper", "csv", "jsonl", "parquet"],
)
def test_sniff_own_format_only(fixture: str, sniffer) -> None:
    expected = SNIFFERS[fixture] is sniffer
    assert sniffer(raw_fixture(fixture)) is expected


def test_sniffers_on_edge_cases() -> None:
    prose = raw_text(
        "Dear diary, today I read about Tashkent, Simla and Lahore.\nMore.\n", "notes.txt"
    )
    user_file = raw_text(json.dumps({"format_version": "xenforo-2-user", "posts": []}), "m-12")
    for sniffer in (xenforo_html.sniff, discourse_json.sniff, forumscraper.sniff,
                    tabular.sniff_csv, tabular.sniff_jsonl, tabular.sniff_parquet):
        assert sniffer(prose) is False
        assert sniffer(RawFile(b"", "empty")) is False
        assert sniffer(RawFile(b"\xff\xfe\x00", "odd")) is False
    # forumscraper's user profiles are claimed, then rejected by read() with a clear reason
    assert forumscraper.sniff(user_file) is True
    with pytest.raises(IngestError, match="not a thread"):
        forumscraper.read(user_file)
    assert tabular.sniff_csv(raw_text("who;body\nA;hi\n", "export.txt")) is True


# =============================================================================================
# Property tests: arbitrary input yields threads or IngestError, nothing else
# =============================================================================================

FUZZ = settings(
    max_examples=200,
    deadline=None,
    database=None,  # keep no example database in the working tree
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

_XF_PIECES = [
    '<article class="message" data-author="A" data-content="post-1" id="js-post-1">',
    "</article>",
    '<div class="message-body"><div class="bbWrapper">',
    '<div class="message-content">',
    "</div>",
    '<blockquote class="bbCodeBlock bbCodeBlock--quote" data-quote="Q" data-source="post: 9">',
    '<div class="bbCodeBlock-title">Q said:</div>',
    '<div class="bbCodeBlock-expandContent">',
    "</blockquote>",
    '<time datetime="2020-01-01T00:00:00+0100">',
    '<header class="message-attribution"><time datetime="garbage">',
    '<div class="message-userExtras"><dl><dt>Joined</dt><dd>Mar 3, 2019</dd></dl>',
    '<aside class="quote" data-post="x" data-topic="2"><div class="title">t</div>',
    "<blockquote><cite>Someone wrote:</cite>",
    "<br>", "<p>", "</p>", "<pre>", "</pre>", "<script>", "</script>", "&amp;", "&nbsp;",
    '<img class="smilie" alt=":)">', "<td>", "<li>", "\n", " ", "<",
    '<h1 class="p-title-value">', '<link rel="canonical" href="/x">',
]  # fmt: skip


@st.composite
def html_soup(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.sampled_from(_XF_PIECES) | st.text(max_size=8), max_size=40))
    return '<!DOCTYPE html><html id="XF">' + "".join(pieces)


_JSON_KEYS = [
    "post_stream", "posts", "cooked", "post_number", "reply_to_post_number", "username",
    "name", "title", "id", "slug", "created_at", "version", "edit_reason", "post_type",
    "format_version", "text", "content", "user", "date", "postid", "user_extras", "pairs",
    "userinfo", "key", "value", "user_title", "url", "thread_id", "post_id", "author",
    "reply_to",
]  # fmt: skip
_json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["<p>x</p>", "xenforo-2-thread", "2020-01-01T00:00:00Z", "12", "", "Joined"])
    | st.text(max_size=12)
)
json_documents = st.recursive(
    _json_scalars,
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.sampled_from(_JSON_KEYS) | st.text(max_size=4), children, max_size=6),
    max_leaves=40,
)

json_objects = st.dictionaries(st.sampled_from(_JSON_KEYS), json_documents, max_size=8)

any_bytes = st.binary(max_size=2048)
any_text = st.text(max_size=2048).map(lambda s: s.encode("utf-8"))


def _check(read, data: bytes, name: str = "fuzz.txt", **options) -> None:
    try:
        threads = read(RawFile(data, name), **options)
    except IngestError:
        return
    assert_well_formed(threads)


def _sniffs_cleanly(data: bytes) -> None:
    raw = RawFile(data, "fuzz.txt")
    for sniffer in (xenforo_html.sniff, discourse_json.sniff, forumscraper.sniff,
                    tabular.sniff_csv, tabular.sniff_jsonl, tabular.sniff_parquet):
        assert sniffer(raw) in (True, False)


_XF_POST = (
    '<article class="message" data-content="post-{n}"><div class="message-body">'
    '<div class="bbWrapper">{body}</div></div></article>'
)


@st.composite
def xenforo_pages(draw: st.DrawFn) -> bytes:
    bodies = draw(st.lists(html_soup(), min_size=1, max_size=4))
    posts = "".join(_XF_POST.format(n=n, body=body) for n, body in enumerate(bodies))
    return ('<!DOCTYPE html><html id="XF"><body>' + posts).encode("utf-8")


@FUZZ
@given(data=any_bytes | any_text | html_soup().map(str.encode) | xenforo_pages())
def test_fuzz_xenforo(data: bytes) -> None:
    _sniffs_cleanly(data)
    _check(xenforo_html.read, data)


@FUZZ
@given(
    data=any_bytes
    | any_text
    | st.lists(json_objects, max_size=4).map(
        lambda posts: json.dumps({"post_stream": {"posts": posts}, "id": 1}).encode()
    )
    | json_documents.map(lambda d: json.dumps(d).encode())
)
def test_fuzz_discourse(data: bytes) -> None:
    _sniffs_cleanly(data)
    _check(discourse_json.read, data)


@FUZZ
@given(
    data=any_bytes
    | any_text
    | st.lists(json_objects, max_size=4).map(
        lambda posts: json.dumps({"format_version": "x-thread", "posts": posts}).encode()
    )
    | json_documents.map(lambda d: json.dumps(d).encode())
)
def test_fuzz_forumscraper(data: bytes) -> None:
    _sniffs_cleanly(data)
    _check(forumscraper.read, data)


_csv_text = st.lists(
    st.sampled_from(list('ab,;"\n\t 1xé') + ["text", "thread_id", "2020-01-01", "\r\n"]),
    max_size=120,
).map("".join)


@FUZZ
@given(data=any_bytes | any_text | _csv_text.map(lambda s: ("text,author\n" + s).encode()))
def test_fuzz_csv(data: bytes) -> None:
    _sniffs_cleanly(data)
    _check(tabular.read_csv, data)


@FUZZ
@given(
    data=any_bytes
    | any_text
    | st.lists(
        st.fixed_dictionaries(
            {"text": st.text(max_size=20)},
            optional={
                key: _json_scalars
                for key in ("thread_id", "post_id", "author", "created_at", "reply_to", "title")
            },
        )
        | json_objects
        | json_documents,
        max_size=5,
    ).map(
        lambda rows: "\n".join(json.dumps(r) for r in rows).encode()
    )
)
def test_fuzz_jsonl(data: bytes) -> None:
    _sniffs_cleanly(data)
    _check(tabular.read_jsonl, data)


_PARQUET = (FIXTURES / PARQUET).read_bytes()


@FUZZ
@given(
    data=any_bytes
    | any_bytes.map(lambda b: b"PAR1" + b + b"PAR1")
    | st.tuples(st.integers(0, len(_PARQUET) - 1), st.binary(min_size=1, max_size=8)).map(
        lambda t: _PARQUET[: t[0]] + t[1] + _PARQUET[t[0] + len(t[1]) :]
    )
)
def test_fuzz_parquet(data: bytes) -> None:
    _sniffs_cleanly(data)
    _check(tabular.read_parquet, data)


@FUZZ
@given(markup=html_soup())
def test_fuzz_html_to_text_spans(markup: str) -> None:
    result = xenforo_html.html_to_text(markup)
    assert result.text == result.text.strip()
    assert "  " not in result.text
    for quote in result.quotes:
        assert 0 <= quote.start < quote.end <= len(result.text)


def test_tabular_without_thread_id_is_one_thread() -> None:
    text = 'title,text,author\n"Kashmir, again","",nobody\n,First post,A\n,Second post,B\n'
    [thread] = tabular.read_csv(raw_text(text, "one.csv"))
    assert thread.source_thread_id is None
    assert thread.title == "Kashmir, again"  # the first title, even from a row without text
    assert [p.author for p in thread.posts] == ["A", "B"]
    assert [p.post_id for p in thread.posts] == [None, None]
