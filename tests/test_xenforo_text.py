"""The plain-text XenForo reader, on the seed thread and on authored variants."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from conftest import NBSP, SEED_THREAD, TINY_THREAD
from discourse.ingest import IngestError, xenforo_text
from discourse.ingest.records import RawFile

SEED_ID = "pakpassion-why-not-ussr"
CHROME = ("What's new", "Last edited by a moderator:", "Back\nTop")


def read(text: str):
    return xenforo_text.read(RawFile(text.encode("utf-8"), "t.txt"))


def test_seed_thread_has_32_posts_and_its_title():
    [thread] = xenforo_text.read(RawFile(SEED_THREAD.read_bytes(), SEED_THREAD.name))
    assert len(thread.posts) == 32
    assert thread.title == "Why didn't Pakistan ally with the Soviet Union after independence?"


def test_seed_first_post_author_block_is_metadata_not_text():
    [thread] = xenforo_text.read(RawFile(SEED_THREAD.read_bytes(), SEED_THREAD.name))
    first = thread.posts[0]
    assert (first.author, first.author_title, first.author_joined) == ("Varun", "Senior Test Player", date(2012, 12, 25))
    assert first.author_meta == {"Runs": "26,111", "Post of the Week": "1"}
    assert first.text.startswith("I have long held the belief")
    assert all(post.author is None for post in thread.posts[1:])


def test_seed_has_no_chrome_inside_any_post(seed_tables):
    posts = seed_tables["posts"].filter(pl.col("thread_id") == SEED_ID)
    for text in posts["text"]:
        for chrome in CHROME:
            assert chrome not in text
        assert not text.endswith(("Back", "Top"))


def test_seed_edit_marker_belongs_to_post_20(seed_tables):
    posts = seed_tables["posts"].filter(pl.col("thread_id") == SEED_ID)
    edited = posts.filter(pl.col("edited"))
    assert edited["position"].to_list() == [20]
    assert edited["edit_note"].to_list() == ["Last edited by a moderator:"]
    assert posts.filter(pl.col("position") == 21)["text"][0].startswith("May be you should tell that to Putin.")


def test_author_block_with_bullets_and_inline_counters():
    text = "\n".join(
        ["What's new", "", "A title", "", "Nadia", "- Joined: Jan 5, 2019", "- Messages: 88", "- Reaction score: 12",
         "Body of the post, written for this test.", NBSP, "Second post."]
    )
    [thread] = read(text)
    post = thread.posts[0]
    assert post.author == "Nadia" and post.author_title is None
    assert post.author_joined == date(2019, 1, 5)
    assert post.author_meta == {"Messages": "88", "Reaction score": "12"}
    assert post.text == "Body of the post, written for this test."


def test_body_starting_with_short_line_is_not_an_author_block():
    [thread] = read("Agreed.\n\nThe Soviets had nothing to offer in 1950.\n" + NBSP + "\nTrue.")
    assert thread.posts[0].author is None
    assert thread.posts[0].text.startswith("Agreed.")


def test_last_edited_with_date_marks_previous_post():
    [thread] = read("First post here.\n" + NBSP + "\nLast edited: Mar 3, 2020\nSecond post here.")
    assert thread.posts[0].edited and thread.posts[0].edit_note == "Last edited: Mar 3, 2020"
    assert thread.posts[1].text == "Second post here."


def test_said_click_to_expand_variant_records_marked_quote():
    text = "\n".join(
        ["Opening post about Bandung and neutrality.", NBSP,
         "Imran said:", "Opening post about Bandung and neutrality.", "Click to expand...", "",
         "I disagree: Pakistan needed a patron.", NBSP]
    )
    [thread] = read(text)
    reply = thread.posts[1]
    assert "said:" not in reply.text and "Click to expand" not in reply.text
    [quote] = reply.quotes
    assert reply.text[quote.start:quote.end] == "Opening post about Bandung and neutrality."
    assert quote.quoted_author == "Imran" and quote.method == "marker"


def test_tiny_thread_parses_three_posts():
    [thread] = read(TINY_THREAD)
    assert thread.title == "Was the SEATO pact worth it?"
    assert [p.author for p in thread.posts] == ["Rahim", None, None]
    assert thread.posts[0].author_title == "Senior Member"


def test_text_with_only_chrome_is_rejected():
    with pytest.raises(IngestError, match="no post text"):
        read("What's new\n" + NBSP + "\nBack\nTop")
