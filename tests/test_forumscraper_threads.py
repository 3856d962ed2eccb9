"""forumscraper threads: how each engine's JSON maps to posts, author fields, and quote links.

Every document here is an authored example in the JSON shape forumscraper writes for that
engine (the keys its extractors emit); the words are the project's own.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime

import polars as pl
import pytest

from discourse.ingest import discourse_json, forumscraper
from discourse.ingest.build import threads_to_tables
from discourse.ingest.errors import IngestError
from discourse.ingest.records import ParsedThread, RawFile, RawPost, RawQuote
from discourse.quotes import find_quotes

NOW = datetime(2024, 6, 1, tzinfo=UTC)


def _read(doc: dict[str, object], name: str = "7") -> ParsedThread:
    [thread] = forumscraper.read(RawFile(json.dumps(doc).encode("utf-8"), name))
    return thread


def _links(thread: ParsedThread, name: str = "t") -> set[tuple[str, str]]:
    """(quoting post id, quoted post id) of every linked quote once the thread is built."""
    quotes = threads_to_tables([thread], name, "0" * 64, NOW)["quotes"]
    linked = quotes.filter(pl.col("quoted_post_id").is_not_null())
    return set(zip(linked["post_id"].to_list(), linked["quoted_post_id"].to_list(), strict=True))


def _hn_date(*args: int) -> str:
    """Hacker News' ``span.age`` title as forumscraper copies it: ISO time, then epoch seconds."""
    moment = datetime(*args, tzinfo=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S} {int(moment.timestamp())}"


def _hn_comment(cid: int, lvl: int, name: str, when: str, text: str) -> dict[str, object]:
    return {
        "id": cid,
        "lvl": lvl,
        "user": {"link": f"https://news.ycombinator.com/user?id={name}", "name": name},
        "date": when,
        "onstory": {"name": "", "link": ""},
        "text": text,
    }


def _hn_story(comments: list[dict[str, object]], text: str) -> dict[str, object]:
    return {
        "format_version": "hackernews-thread",
        "url": "https://news.ycombinator.com/item?id=9000",
        "id": 9000,
        "link": "https://example.org/declassified-u2-files",
        "title": "Declassified files on the 1960 U-2 flight from Peshawar",
        "score": 120,
        "date": _hn_date(2024, 3, 1, 9, 0),
        "user": {"link": "https://news.ycombinator.com/user?id=archivist", "name": "archivist"},
        "comments_count": len(comments),
        "comments_link": "https://news.ycombinator.com/item?id=9000",
        "text": text,
        "comments": comments,
    }


# --- Hacker News ---------------------------------------------------------------------------------


def test_hacker_news_story_and_comment_tree_become_one_thread_with_replies() -> None:
    at = _hn_date
    comments = [
        _hn_comment(9001, 0, "ayub", at(2024, 3, 1, 9, 30), "<p>Badaber was the real story.</p>"),
        _hn_comment(9004, 1, "kabir", at(2024, 3, 1, 11), "<p>Karachi knew what it hosted.</p>"),
        _hn_comment(9006, 2, "ayub", at(2024, 3, 1, 12), "<p>Knowing is not choosing.</p>"),
        _hn_comment(9002, 1, "mira", at(2024, 3, 1, 10), "<p>Moscow certainly thought so.</p>"),
        _hn_comment(9003, 0, "", at(2024, 3, 1, 9, 45), ""),  # a deleted comment
        _hn_comment(9007, 2, "lena", at(2024, 3, 1, 13), "<p>A reply under the deleted one.</p>"),
    ]
    thread = _read(_hn_story(comments, "<p>The flight that ended the Paris summit.</p>"), "9000")

    assert thread.title == "Declassified files on the 1960 U-2 flight from Peshawar"
    by_id = {post.post_id: post for post in thread.posts}
    assert len(thread.posts) == 1 + len(comments)  # the story, then every comment
    assert thread.posts[0].post_id == "9000" and thread.posts[0].author == "archivist"
    assert thread.posts[0].text == "The flight that ended the Paris summit."
    # lvl is the depth: a comment replies to the last comment one level up, or to the story
    assert {pid: post.reply_to for pid, post in by_id.items()} == {
        "9000": None,
        "9001": "9000",
        "9004": "9001",
        "9006": "9004",
        "9002": "9001",
        "9003": "9000",
        "9007": "9003",  # a level deeper than anything open hangs under the deepest comment
    }
    assert by_id["9003"].text == "" and by_id["9003"].author is None  # kept: it has replies
    assert by_id["9006"].created_at == datetime(2024, 3, 1, 12, 0, tzinfo=UTC)
    # ranked on the page, in time order in the thread (the story first)
    assert [post.post_id for post in thread.posts] == [
        "9000", "9001", "9003", "9002", "9004", "9006", "9007",
    ]


def test_hacker_news_comments_keep_page_order_when_a_date_is_missing() -> None:
    comments = [
        _hn_comment(9011, 0, "ayub", _hn_date(2024, 3, 2), "<p>Second in time, first on the page.</p>"),
        _hn_comment(9010, 0, "mira", "", "<p>No date on this one.</p>"),
    ]
    thread = _read(_hn_story(comments, "<p>Ask: who paid for Badaber?</p>"))
    assert [post.post_id for post in thread.posts] == ["9000", "9011", "9010"]


def test_hacker_news_link_story_without_text_is_its_title() -> None:
    thread = _read(_hn_story([], ""))
    [story] = thread.posts
    assert story.text == "Declassified files on the 1960 U-2 flight from Peshawar"


def test_hacker_news_quote_of_a_comment_is_linked_by_its_text() -> None:
    passage = "Aid bought a runway, not an alliance, and everyone in Rawalpindi knew it."
    comments = [
        _hn_comment(9021, 0, "ayub", _hn_date(2024, 3, 1, 10), f"<p>{passage}</p>"),
        _hn_comment(
            9022, 1, "kabir", _hn_date(2024, 3, 1, 11),
            f"<p>&gt; {passage}</p><p>The runway was the alliance.</p>",
        ),
    ]
    thread = _read(_hn_story(comments, "<p>Was the U-2 base worth it?</p>"))
    assert ("9022", "9021") in _links(thread)


def test_hacker_news_quote_of_a_clause_is_linked_to_the_parent_that_wrote_it() -> None:
    # Guards quote links when a reply quotes part of a sentence: no whole sentence matches, so
    # the clause is looked for in the own words of the comment replied to, then its parents.
    opening = "If the base had stayed secret for another year, the talks in Paris would have gone on."
    comments = [
        _hn_comment(9031, 0, "ayub", _hn_date(2024, 3, 1, 10), f"<p>{opening}</p>"),
        _hn_comment(9032, 1, "kabir", _hn_date(2024, 3, 1, 11), "<p>Secrets like that never last.</p>"),
        _hn_comment(9033, 2, "lena", _hn_date(2024, 3, 1, 12),
                    "<p>&gt; <i>the talks in Paris would have gone on</i></p><p>They were dead already.</p>"),
        _hn_comment(9034, 2, "omar", _hn_date(2024, 3, 1, 13),
                    "<p>&gt; never last</p><p>Too short a clause to say where it came from.</p>"),
        _hn_comment(9035, 0, "zia", _hn_date(2024, 3, 1, 14),
                    "<p>&gt; the talks in Paris would have gone on</p><p>Not a reply to ayub.</p>"),
    ]
    links = _links(_read(_hn_story(comments, "<p>Was the U-2 base worth it?</p>")))
    assert ("9033", "9031") in links  # found in the grandparent, past the parent
    assert not any(quoting in ("9034", "9035") for quoting, _ in links)


# --- Stack Exchange ------------------------------------------------------------------------------


def _se_user(name: str, reputation: int) -> dict[str, object]:
    return {
        "avatar": "", "name": name, "link": f"https://history.example/users/1/{name}",
        "reputation": reputation, "gbadge": 0, "sbadge": 1, "bbadge": 2,
    }


def _se_post(pid: int, when: str, name: str, text: str, comments: list[dict[str, object]],
             *, edited: str = "") -> dict[str, object]:
    return {
        "id": pid, "rating": 4, "checkmark": False, "bounty": 0,
        "content": f"<p>{text}</p>", "edited": edited, "editor": _se_user("", 0),
        "date": when, "author": _se_user(name, 1500), "comments": comments,
    }


def _se_comment(cid: int, when: str, name: str, text: str) -> dict[str, object]:
    return {
        "id": cid, "score": 1, "content": text, "date": when, "user": name,
        "user_link": f"https://history.example/users/2/{name}", "reputation": 320,
    }


SE_THREAD = {
    "format_version": "stackexchange-thread",
    "url": "https://history.example/questions/400/did-pakistan-leave-seato",
    "id": 400,
    "title": "Why did Pakistan stay in SEATO until 1973?",
    "views": 900,
    "asked": "2021-05-01 08:00:00Z",
    "modified": "2021-06-01 08:00:00Z",
    "tags": ["pakistan", "cold-war"],
    "posts": [
        _se_post(400, "2021-05-01 08:00:00Z", "asker", "It had stopped helping after 1965.", [
            _se_comment(402, "2021-05-01 09:00:00Z", "critic", "Which help do you mean, arms or aid?"),
        ], edited="2021-05-02 10:00:00Z"),
        # ranked by votes on the page: the later answer is listed first
        _se_post(403, "2021-05-03 08:00:00Z", "scholar", "Leaving had a price in Washington.", [
            _se_comment(401, "2021-05-04 08:00:00Z", "asker", "That price was small by then."),
        ]),
        _se_post(401, "2021-05-02 08:00:00Z", "veteran", "Membership cost nothing to keep.", []),
    ],
}


def test_stack_exchange_question_answers_and_comments_become_one_thread() -> None:
    thread = _read(SE_THREAD, "400")
    assert len(thread.posts) == 3 + 2  # question + answers + comments
    assert [(p.post_id, p.reply_to) for p in thread.posts] == [
        ("400", None),  # the question, then everything in time order
        ("comment-402", "400"),
        ("401", "400"),
        ("403", "400"),
        ("comment-401", "403"),
    ]
    question = thread.posts[0]
    assert question.author == "asker" and question.author_meta == {"Reputation": "1500"}
    assert question.edited and question.edit_note is None
    comment = thread.posts[1]
    assert comment.author == "critic" and comment.author_meta == {"Reputation": "320"}
    assert comment.text == "Which help do you mean, arms or aid?"
    assert comment.created_at == datetime(2021, 5, 1, 9, tzinfo=UTC)


def test_stack_exchange_comment_ids_never_collide_with_post_ids() -> None:
    # comment 401 and answer 401 are different things on Stack Exchange
    ids = [post.post_id for post in _read(SE_THREAD, "400").posts]
    assert len(ids) == len(set(ids)) and "401" in ids and "comment-401" in ids


def test_stack_exchange_at_name_comment_replies_to_that_users_latest_comment() -> None:
    # Guards the reply links of Stack Exchange comment threads: "@name" answers a comment, and
    # Stack Exchange matches the name without spaces, from its start, in any case.
    comments = [
        _se_comment(501, "2021-05-01 09:00:00Z", "Cold Warrior", "The pact bought tanks, not friends."),
        _se_comment(502, "2021-05-01 10:00:00Z", "asker", "Tanks were the point in 1954."),
        _se_comment(503, "2021-05-01 11:00:00Z", "Cold Warrior", "Then the point was lost by 1965."),
        _se_comment(504, "2021-05-01 12:00:00Z", "asker", "@coldwar: lost, but not wasted."),
        _se_comment(505, "2021-05-01 13:00:00Z", "critic", "@asker which year do you mean?"),
        _se_comment(506, "2021-05-01 14:00:00Z", "critic", "@nobody here knows, it seems."),
        _se_comment(507, "2021-05-01 15:00:00Z", "critic", "@As is too short to name anyone."),
    ]
    doc = {**SE_THREAD, "posts": [_se_post(500, "", "asker", "Was SEATO worth it?", comments)]}
    thread = _read(doc, "500")
    replies = {p.post_id: p.reply_to for p in thread.posts}
    assert replies["comment-504"] == "comment-503"  # the latest comment by "Cold Warrior"
    assert replies["comment-505"] == "comment-504"  # the asker's latest, not the first
    assert replies["comment-506"] == "500"  # names no commenter: answers the post
    assert replies["comment-507"] == "500"  # under three characters
    assert replies["comment-501"] == "500"
    # the question without a date of its own takes the page's "asked" date
    assert thread.posts[0].created_at == datetime(2021, 5, 1, 8, tzinfo=UTC)


# --- listings and malformed trees ----------------------------------------------------------------


@pytest.mark.parametrize(
    "version", ["hackernews-user", "xenforo-2-user", "phpbb-2+-forum", "invision-4-user", "xmb-board"]
)
def test_user_and_board_listings_are_rejected_with_a_reason(version: str) -> None:
    doc = {"format_version": version, "url": "https://forum.example/x", "id": 5, "threads": []}
    reason = re.escape(f"{version!r} is not a thread (a user or board listing?)")
    with pytest.raises(IngestError, match=reason):
        _read(doc, "m-5")


def test_malformed_comment_trees_are_rejected_with_the_field_named() -> None:
    with pytest.raises(IngestError, match=r"comments is a str, expected a list"):
        _read({**_hn_story([], "<p>x</p>"), "comments": "none"})
    with pytest.raises(IngestError, match=r"comments\[0\] is a int, expected an object"):
        _read({**_hn_story([], "<p>x</p>"), "comments": [5]})
    broken = {**SE_THREAD, "posts": [{**SE_THREAD["posts"][0], "comments": {"id": 1}}]}
    with pytest.raises(IngestError, match=r"posts\[0\]\.comments is a dict, expected a list"):
        _read(broken)


# --- order and quote links -----------------------------------------------------------------------


def _aside(number: int, user: str, passage: str) -> str:
    return (
        f'<aside class="quote no-group" data-username="{user}" data-post="{number}" '
        f'data-topic="77"><div class="title">{user}:</div><blockquote><p>{passage}</p>'
        "</blockquote></aside>"
    )


def _discourse_post(number: int, user: str, cooked: str | None) -> dict[str, object]:
    return {
        "id": 1000 + number, "username": user, "created_at": f"2024-02-0{number}T10:00:00Z",
        "post_number": number, "post_type": 1, "cooked": cooked,
    }


FIRST = "Nehru never promised to stay out of every quarrel."
SECOND = "He promised to judge each quarrel on its merits."


def test_discourse_posts_listed_newest_first_are_read_oldest_first_and_linked() -> None:
    # Regression: a /posts.json page lists the newest posts first, and quotes got no link.
    topic = {
        "id": 77, "title": "Non-alignment", "slug": "non-alignment",
        "post_stream": {"posts": [
            _discourse_post(3, "chandra", _aside(2, "bilal", SECOND) + "<p>Merits are a luxury.</p>"),
            _discourse_post(2, "bilal", _aside(1, "asha", FIRST) + f"<p>{SECOND}</p>"),
            _discourse_post(1, "asha", f"<p>{FIRST}</p>"),
        ]},
    }
    [thread] = discourse_json.read(RawFile(json.dumps(topic).encode(), "77.json"))
    assert [post.post_id for post in thread.posts] == ["1", "2", "3"]
    assert _links(thread) == {("2", "1"), ("3", "2")}


def test_discourse_post_without_cooked_text_is_skipped() -> None:
    topic = {"id": 77, "post_stream": {"posts": [
        _discourse_post(1, "asha", f"<p>{FIRST}</p>"),
        _discourse_post(2, "bilal", None),  # hidden or deleted: no cooked HTML
        _discourse_post(3, "chandra", "<p> </p>"),
    ]}}
    [thread] = discourse_json.read(RawFile(json.dumps(topic).encode(), "77.json"))
    assert [post.post_id for post in thread.posts] == ["1"]
    only_empty = {"id": 77, "post_stream": {"posts": [_discourse_post(2, "bilal", None)]}}
    with pytest.raises(IngestError, match=r"none of the 1 post\(s\) has any text"):
        discourse_json.read(RawFile(json.dumps(only_empty).encode(), "77.json"))


def test_marker_naming_a_post_later_in_the_list_is_still_linked() -> None:
    reply = RawPost(f"{FIRST}\n\nNor did anyone ask him to.", quotes=[RawQuote(0, len(FIRST), "11")])
    source = RawPost(FIRST)
    found = find_quotes([reply, source], {"12": 0, "11": 1})
    assert [q.source for q in found[0]] == [1]


def test_marker_naming_its_own_post_is_not_a_link() -> None:
    post = RawPost(f"{FIRST}\n\nMine.", quotes=[RawQuote(0, len(FIRST), "11")])
    [quote] = find_quotes([post], {"11": 0})[0]
    assert quote.source is None


def test_nested_marked_quotes_each_keep_their_link() -> None:
    # Regression: the inner span was merged into the outer one and its link was lost.
    middle = f"{FIRST}\n\n{SECOND}"
    text = f"{middle}\n\nBoth of you forget Kashmir."
    reply = RawPost(
        text,
        quotes=[RawQuote(0, len(middle), "2", "bilal"), RawQuote(0, len(FIRST), "1", "asha")],
    )
    posts = [RawPost(FIRST), RawPost(middle, quotes=[RawQuote(0, len(FIRST), "1")]), reply]
    found = find_quotes(posts, {"1": 0, "2": 1, "3": 2})
    assert [(q.start, q.end, q.source, q.quoted_author) for q in found[2]] == [
        (0, len(middle), 1, "bilal"),
        (0, len(FIRST), 0, "asha"),
    ]


def _xf_quote(post_id: int, user: str, inner_html: str) -> str:
    return (
        f'<blockquote data-attributes="member: 1" data-quote="{user}" data-source="post: {post_id}" '
        'class="bbCodeBlock bbCodeBlock--expandable bbCodeBlock--quote js-expandWatch">'
        f'<div class="bbCodeBlock-title"><a href="/goto/post?id={post_id}">{user} said:</a></div>'
        '<div class="bbCodeBlock-content"><div class="bbCodeBlock-expandContent js-expandContent ">'
        f"{inner_html}</div></div></blockquote>"
    )


def _xf_post(post_id: int, user: str, text: str) -> dict[str, object]:
    return {
        "user": user, "user_link": f"https://forum.example/members/{user}.1/", "user_id": 1,
        "user_avatar": "", "user_title": "Member", "user_banners": [],
        "user_extras": {"stars": [], "bar": [], "pairs": []},
        "id": post_id, "date": "2022-05-01T10:20:31+0100", "text": text,
        "attachments": [], "signature": "", "reactions": [],
    }


def test_nested_quotes_in_a_forumscraper_thread_are_all_linked_whatever_the_file_order() -> None:
    second_html = _xf_quote(501, "asha", FIRST) + SECOND
    third_html = _xf_quote(502, "bilal", second_html) + "Merits are a luxury of the strong."
    doc = {
        "format_version": "xenforo-2-thread", "url": "https://forum.example/threads/x.9/",
        "id": 9, "title": "Nehru and the blocs",
        # listed in an order no forum shows, to prove the links do not depend on it
        "posts": [_xf_post(503, "chandra", third_html), _xf_post(501, "asha", FIRST),
                  _xf_post(502, "bilal", second_html)],
    }
    assert _links(_read(doc)) == {("503", "502"), ("503", "501"), ("502", "501")}


# --- author fields -------------------------------------------------------------------------------


def _one_post(version: str, post: dict[str, object]) -> RawPost:
    doc = {"format_version": version, "url": "https://forum.example/t/1", "id": 1, "title": "T",
           "posts": [{"id": 1, "date": "", "text": "<p>A post.</p>", **post}]}
    [only] = _read(doc).posts
    return only


def test_xenforo_title_markup_is_dropped_and_pairs_are_read_from_both_versions() -> None:
    xf2 = _one_post("xenforo-2-thread", {
        "user": "Rahim",
        "user_title": '<font color="#b22222"><b>Old &amp; Bold</b></font>',
        "user_extras": {"stars": ["star"], "bar": [], "pairs": [
            {"key": "Joined", "value": "Mar 3, 2015"},
            {"key": "Messages", "value": '<a href="/search/member?user_id=3">1,204</a>'},
            {"key": "Location", "value": ""},
        ]},
    })
    assert xf2.author_title == "Old & Bold"
    assert xf2.author_joined == date(2015, 3, 3)
    assert xf2.author_meta == {"Messages": "1,204"}
    xf1 = _one_post("xenforo-1-thread", {
        "user": "Rahim", "user_title": "Active Member",
        "user_extra": [{"name": "Joined:", "value": "3 Mar 2015"}, {"name": "Posts:", "value": "90"}],
    })
    assert xf1.author_title == "Active Member"
    assert xf1.author_joined == date(2015, 3, 3) and xf1.author_meta == {"Posts": "90"}


def test_phpbb_rank_line_is_the_title_and_empty_or_widget_pairs_go_nowhere() -> None:
    post = _one_post("phpbb-2+-thread", {
        "user": "Simla_Scribe",
        "userinfo": [
            {"key": "Rank", "value": ""},  # an empty profile line
            {"key": "Rank", "value": 'Treaty Reader<br /><img src="./ranks/r3.gif" alt="Treaty Reader" />'},
            {"key": "Posts", "value": '<a href="./search.php?author_id=3">1,204</a>'},
            {"key": "Contact", "value": '<div class="dropdown-container"><a title="Site">Site</a></div>'},
            {"key": "Location", "value": "Lahore"},
        ],
    })
    assert post.author_title == "Treaty Reader"
    assert post.author_meta == {"Posts": "1,204", "Location": "Lahore"}


def test_image_only_rank_is_no_title() -> None:
    post = _one_post("phpbb-2+-thread", {
        "user": "Quiet", "userinfo": [{"key": "Rank", "value": '<img src="./ranks/r1.gif" alt="" />'}],
    })
    assert post.author_title is None and post.author_meta == {}


def test_smf2_title_comes_from_the_group_lines_never_from_star_images() -> None:
    post = _one_post("smf-2-thread", {
        "user": "Eastern_Wing",
        "userinfo": [
            {"key": "membergroup", "value": "Global Moderator"},
            {"key": "postgroup", "value": "Sr. Member"},
            {"key": "stars", "value": '<img src="/images/star.gif" alt="*" /><img src="/images/star.gif" alt="*" />'},
            {"key": "postcount", "value": "Posts: 512"},
            {"key": "gender", "value": 'Country: <img src="/flags/pk.png" alt="pk" title="Pakistan" />'},
            {"key": "profile", "value": "<ul> </ul>"},
        ],
    })
    assert post.author_title == "Global Moderator"
    assert post.author_meta == {"Posts": "512", "postgroup": "Sr. Member"}


def test_smf1_first_plain_line_before_the_stars_is_the_title() -> None:
    post = _one_post("smf-1-thread", {
        "user": "Dacca_Diarist",
        "userinfo": [
            "Archivist",
            '<img src="/images/star.gif" alt="*" /><img src="/images/star.gif" alt="*" />',
            "Posts: 77",
            '<img src="/images/useroff.gif" alt="Offline" /><span class="smalltext"> Offline</span>',
            "Reading old cables",  # the personal text, after the stars: not a title
        ],
    })
    assert post.author_title == "Archivist"
    assert post.author_meta == {"Posts": "77"}


def test_vbulletin_title_markup_is_dropped_and_rank_images_go_nowhere() -> None:
    post = _one_post("vbulletin-3+-thread", {
        "user": {"link": "", "name": "Quetta_Quill", "avatar": "",
                 "title": '<span style="color: green">Senior <i>Member</i></span>',
                 "rank": 4, "rank-name": "Diplomat",
                 "custom": [{"key": "Join Date", "value": "Mar 3, 2009"},
                            {"key": "Posts", "value": "2,310"},
                            {"key": None, "value": "Location: Quetta"},
                            {"key": None, "value": "no label here"}]},
    })
    assert post.author == "Quetta_Quill"
    assert post.author_title == "Senior Member"
    assert post.author_joined == date(2009, 3, 3)
    assert post.author_meta == {"Rank": "Diplomat", "Posts": "2,310", "Location": "Quetta"}


def test_xmb_rank_is_the_title_and_shifted_lines_are_not_kept() -> None:
    post = _one_post("xmb-thread", {
        "user": "Indus_Ink", "rank": " Senior Member", "stars": 4, "avatar": "",
        "posts": "4-6-2006 ", "registered": "Karachi ", "location": "  hopeful",
    })
    assert post.author_title == "Senior Member" and post.author_meta == {}


def test_invision_rank_title_else_group_and_custom_fields() -> None:
    post = _one_post("invision-4-thread", {
        "user": "Gilgit_Gazette", "group": "Moderators", "rank_title": "", "posts": "",
        "custom": "<span class='ft'>Location</span><span class='fc'>Gilgit</span>",
        "user_info": ["6,001 posts"],
    })
    assert post.author_title == "Moderators"
    assert post.author_meta == {"Location": "Gilgit", "Posts": "6,001"}
    ranked = _one_post("invision-4-thread", {"user": "G", "group": "Members", "rank_title": "Envoy"})
    assert ranked.author_title == "Envoy"


def test_unknown_engine_never_takes_a_valueless_pair_for_a_title() -> None:
    post = _one_post("newboard-1-thread", {
        "user": {"name": "Visitor"},
        "userinfo": [{"key": "stars", "value": ""}, {"key": "Icons", "value": "<img src='x.gif'>"},
                     {"key": "Posts", "value": "12"}],
    })
    assert post.author_title is None
    assert post.author_meta == {"Posts": "12"}


def test_ambiguous_numeric_dates_follow_the_threads_own_day_order() -> None:
    # Guards XMB-style "D-M-YYYY" dates: "1-5-2014" beside "18-9-2014" is 1 May, not 5 January.
    def post(pid: int, when: str) -> dict[str, object]:
        return {"body": f"<font class='mediumtxt'>Post {pid}.</font>", "date": when, "user": "kari",
                "postid": pid, "rank": "Member"}

    doc = {"format_version": "xmb-thread", "url": "https://board.example/viewthread.php?tid=9",
           "id": 9, "title": "Day first",
           "posts": [post(1, "1-5-2014 kl 01:24"), post(2, "18-9-2014 kl 14:57")]}
    thread = _read(doc, "9")
    assert [p.created_at for p in thread.posts] == [
        datetime(2014, 5, 1, 1, 24, tzinfo=UTC), datetime(2014, 9, 18, 14, 57, tzinfo=UTC)]
    # with no date that settles the order, the per-value rule stands (dashes: month first)
    alone = _read({**doc, "posts": [post(1, "1-5-2014 kl 01:24")]}, "9")
    assert alone.posts[0].created_at == datetime(2014, 1, 5, 1, 24, tzinfo=UTC)
    assert forumscraper.thread_day_order([{"date": "3-14-2014"}, {"date": "18-9-2014"}]) is None
    assert forumscraper.thread_day_order([{"date": "9-13-2014"}, "not a post"]) is False


def test_smf_placeholder_item_is_skipped_and_reported() -> None:
    # Guards against a post invented from SMF's stand-in item (post id 0, no text, no date).
    def item(pid: int, body: str, when: str, user: str) -> dict[str, object]:
        return {"postid": pid, "body": body, "date": when, "user": user, "edited": ""}

    doc = {"format_version": "smf-2-thread", "url": "https://board.example/index.php?topic=3",
           "id": 3, "title": "Stand-ins",
           "posts": [
               item(11, "<div class='inner'>Neutral was the only way.</div>", "May 01, 2020, 10:00:00 AM", "kari"),
               item(0, "", "", "The Board"),
               item(12, "<div class='inner'>Not in 1971.</div>", "May 02, 2020, 10:00:00 AM", "per"),
           ]}
    raw = RawFile(json.dumps(doc).encode("utf-8"), "3")
    [thread] = forumscraper.read(raw)
    assert [p.post_id for p in thread.posts] == ["11", "12"]
    assert raw.n_bad_rows == 1 and "posts[1] holds no post" in raw.notices[0].reason


def test_smf21_edit_note_has_no_space_before_its_colon() -> None:
    assert forumscraper._edit_of('<span class="lastedit">Last Edit</span>: May 01, 2020 by kari') == (
        True, "Last Edit: May 01, 2020 by kari")


def test_xmb_edit_stamps_leave_the_text_and_mark_the_post_edited() -> None:
    # Guards own words against XMB's "[Edited on DATE by NAME]" lines, one per edit.
    def post(pid: int, body: str) -> dict[str, object]:
        return {"body": f"<font class='mediumtxt'>{body}</font>", "date": "20-6-2006 at 17:44",
                "user": "kari", "postid": pid, "rank": "Member"}

    doc = {"format_version": "xmb-thread", "url": "https://board.example/viewthread.php?tid=8",
           "id": 8, "title": "Edits", "posts": [
               post(1, "Neutrality cost nothing.<br /><br />[Edited on 6/21/2006 by kari]<br /><br />"
                       "[Edited on 23-6-2006 by kari]"),
               post(2, "Alliances cost more.<br /><br />[Redigert den 18-9-2014 kl 13:58 av per]"),
               post(3, "A bracket [Edited on purpose] inside a line stays."),
           ]}
    first, second, third = _read(doc, "8").posts
    assert (first.text, first.edited, first.edit_note) == (
        "Neutrality cost nothing.", True, "Edited on 23-6-2006 by kari")
    assert (second.text, second.edited, second.edit_note) == (
        "Alliances cost more.", True, "Redigert den 18-9-2014 kl 13:58 av per")
    assert (third.text, third.edited) == ("A bracket [Edited on purpose] inside a line stays.", False)


def test_invision_edit_line_in_the_body_marks_the_post_edited() -> None:
    # Guards Invision's "Edited DATE by NAME" line: out of the words, into edited/edit_note.
    body = (
        '<div class="ipsType_richText"><p>Non-alignment kept both doors open.</p><p>'
        '<span class="ipsType_reset ipsType_medium ipsType_light" data-excludequote><strong>Edited '
        '<time datetime="2019-01-02T10:00:00Z">January 2, 2019</time> by kari</strong></span></p></div>'
    )
    doc = {"format_version": "invision-4-thread", "url": "https://board.example/topic/5-x/",
           "id": 5, "title": "Doors",
           "posts": [{"id": 51, "date": "2019-01-01T10:00:00Z", "content": body,
                      "user": {"name": "kari"}}]}
    [post] = _read(doc, "5").posts
    assert (post.text, post.edited, post.edit_note) == (
        "Non-alignment kept both doors open.", True, "Edited January 2, 2019 by kari")


# --- fields seen in unseen real files --------------------------------------------------------------


def test_phpbb_rank_written_as_the_key_is_the_title_unless_the_post_names_one() -> None:
    post = _one_post("phpbb-2+-thread", {"user": "kari", "userinfo": [
        {"key": 'Treaty Reader<br /><img src="./ranks/r3.gif" alt="r" />', "value": ""},
        {"key": "Posts", "value": "12"},
        {"key": "Enregistré le", "value": "12 Avr 2010, 10:00"},  # French "Joined"
        {"key": "poster_ip", "value": "Logged"},  # SMF-style chrome, never a counter
    ]})
    assert (post.author_title, post.author_joined, post.author_meta) == (
        "Treaty Reader", date(2010, 4, 12), {"Posts": "12"})
    named = _one_post("phpbb-2+-thread", {"user": {"name": "kari", "title": "Archivist"},
                                          "userinfo": [{"key": "Treaty Reader", "value": ""}]})
    assert named.author_title == "Archivist"
    counter = _one_post("phpbb-2+-thread", {"user": "kari", "userinfo": [{"key": "Posts", "value": ""}]})
    assert counter.author_title is None


def test_invision_rank_title_loses_its_label_and_ladder_count() -> None:
    post = _one_post("invision-4-thread", {"user": "kari", "rank_title": "Rank: Community Regular (7/13)"})
    assert post.author_title == "Community Regular"


def test_dates_written_twice_or_as_markup_are_read_once() -> None:
    # XenForo 1 copies run the date into itself; Stack Exchange answers may hold a <span title>.
    doubled = _one_post("xenforo-1-thread", {"date": "May 2, 2012 at 4:10 PMMay 2, 2012 at 4:10 PM"})
    assert doubled.created_at == datetime(2012, 5, 2, 16, 10, tzinfo=UTC)
    spanned = _one_post("stackexchange-thread", {
        "date": "<span title='2011-07-22 23:15:04Z' class='relativetime'>Jul 22, 2011 at 23:15</span>\n"})
    assert spanned.created_at == datetime(2011, 7, 22, 23, 15, 4, tzinfo=UTC)


def test_vbulletin_edit_object_gives_a_note() -> None:
    post = _one_post("vbulletin-3+-thread", {"edited": {"user": "kari", "date": ".  Thu 6 Dec '12, 4:10am"}})
    assert (post.edited, post.edit_note) == (True, "Last edited by kari Thu 6 Dec '12, 4:10am")
    assert _one_post("vbulletin-3+-thread", {"edited": {"user": "", "date": ""}}).edited is False


def test_xmb_tag_run_into_its_attribute_is_still_read() -> None:
    # Guards XMB copies that lost the space in "<img src=": the smiley stays the author's.
    post = _one_post("xmb-thread", {
        "text": '<fontclass="mediumtxt">Fine by me <imgsrc="./images/smilies/smile.gif" alt=":)" /></font>'})
    assert post.text == "Fine by me :)"


def test_stack_exchange_author_without_a_profile_is_named_from_the_joined_link() -> None:
    # Guards answers by users without a profile page: forumscraper leaves "name" empty and
    # joins the shown name onto the question's address.
    post = _one_post("stackexchange-thread", {"author": {
        "name": "", "link": "https://history.example/questions/400/Jane%20Doe", "reputation": 0}})
    assert post.author == "Jane Doe"
    profile = _one_post("stackexchange-thread", {"author": {
        "name": "", "link": "https://history.example/users/12/jane", "reputation": 0}})
    assert profile.author is None


def test_author_meta_is_stored_as_the_json_of_each_posts_own_counters() -> None:
    # Guards the remembered JSON of author counters: posts that share counters and posts that
    # differ get their own, in their own key order, and a value a reader gave as a list (which
    # cannot key the memo) is written all the same.
    metas = [{"Posts": "90"}, {"Posts": "90"}, {"Location": "Lahore", "Posts": "90"}, {"Posts": "91"}, {},
             {"Badges": ["gold", "silver"]}]
    posts = [RawPost(text=f"Authored post number {i}.", author_meta=meta) for i, meta in enumerate(metas)]
    tables = threads_to_tables([ParsedThread(format="csv", posts=posts)], "meta.csv", "0" * 64, datetime.now(UTC))
    stored = tables["posts"]["author_meta"].to_list()
    assert stored == [json.dumps(m, ensure_ascii=False) if m else None for m in metas]
    assert stored[2] == '{"Location": "Lahore", "Posts": "90"}'
