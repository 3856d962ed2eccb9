"""Quote detection: the seed thread's twelve links, partial quotes, tolerance and linearity."""

from __future__ import annotations

import re
import time

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.ingest.records import RawPost, RawQuote
from discourse.quotes import (
    find_quotes,
    normalise_key,
    remove_spans,
    split_paragraphs,
    split_sentences,
)
from discourse.text import normalise_text

SEED_ID = "pakpassion-why-not-ussr"
SEED_LINKS = {7: 5, 9: 7, 14: 13, 15: 13, 16: 15, 18: 16, 19: 13, 20: 13, 22: 21, 27: 25, 28: 27, 31: 29}


def test_seed_quote_links_are_exactly_the_known_twelve(seed_tables):
    quotes = seed_tables["quotes"].filter(pl.col("thread_id") == SEED_ID)
    links = {int(p): int(q) for p, q in zip(quotes["post_id"], quotes["quoted_post_id"], strict=True)}
    assert links == SEED_LINKS
    assert quotes.height == 12  # one passage each


def test_seed_own_text_excludes_the_quoted_passage(seed_tables):
    posts = seed_tables["posts"].filter(pl.col("thread_id") == SEED_ID)
    by_position = {row["position"]: row for row in posts.iter_rows(named=True)}
    for quoting, quoted in SEED_LINKS.items():
        own = by_position[quoting]["own_text"]
        assert own, f"post {quoting} lost all its own words"
        first_quoted_line = by_position[quoted]["own_text"].split("\n")[0]
        assert first_quoted_line not in own
    assert by_position[14]["own_text"].startswith("This is the truth.")
    assert by_position[28]["own_text"].startswith("You cannot restrict them")


def test_seed_quote_spans_point_at_the_quoted_text(seed_tables):
    posts = seed_tables["posts"].filter(pl.col("thread_id") == SEED_ID)
    texts = dict(zip(posts["post_id"], posts["text"], strict=True))
    for row in seed_tables["quotes"].filter(pl.col("thread_id") == SEED_ID).iter_rows(named=True):
        passage = texts[row["post_id"]][row["span_start"] : row["span_end"]]
        assert normalise_key(passage) in normalise_key(texts[row["quoted_post_id"]])


def test_partial_quote_of_a_longer_paragraph_is_caught():
    # Authored example posts.
    source = RawPost(
        "Aid from Washington arrived after 1954. It built dams and roads across the Punjab. "
        "Moscow offered a steel mill much later."
    )
    reply = RawPost("It built dams and roads across the Punjab.\n\nDams are not a foreign policy though.")
    found = find_quotes([source, reply])
    [quote] = found[1]
    assert quote.source == 0 and quote.method == "sentence_hash"
    assert 0 < quote.score < 1  # a third of the paragraph was quoted
    assert remove_spans(reply.text, [(quote.start, quote.end)]) == "Dams are not a foreign policy though."


def test_matching_tolerates_case_whitespace_and_typographic_quotes():
    source = RawPost("Nehru\u2019s \u201cnon-alignment\u201d was a bet on both blocs at once.")
    reply = RawPost("NEHRU'S  \"non-alignment\"   was a bet on both blocs at once.\n\nAnd it paid off.")
    [quote] = find_quotes([source, reply])[1]
    assert quote.source == 0


def test_sentence_quoted_inside_quotation_marks_is_a_quote():
    # Guards comments that quote a sentence "like this." before answering it (authored).
    source = RawPost("Aid from Washington arrived after 1954. It built dams and roads across the Punjab.")
    reply = RawPost("\u201cIt built dams and roads across the Punjab.\u201d Dams are not a foreign policy.")
    [quote] = find_quotes([source, reply])[1]
    assert (quote.source, quote.method) == (0, "sentence_hash")
    assert remove_spans(reply.text, [(quote.start, quote.end)]) == "Dams are not a foreign policy."


def test_stock_phrases_alone_are_not_quotes():
    posts = [RawPost("True.\n\nThe US was the better patron."), RawPost("True.\n\nI think otherwise.")]
    assert find_quotes(posts)[1] == []


def test_quote_of_a_quote_links_to_the_original_author():
    original = RawPost("Pakistan was never going to join the Warsaw Pact in any timeline.")
    middle = RawPost(original.text + "\n\nCorrect, and nobody asked it to.")
    last = RawPost(original.text + "\n\nStill, Moscow did offer friendship in 1949.")
    found = find_quotes([original, middle, last])
    assert [q.source for q in found[2]] == [0]


def test_marker_without_post_id_is_resolved_by_text():
    first = RawPost("Bandung in 1955 was where the non-aligned idea took shape.")
    text = "Bandung in 1955 was where the non-aligned idea took shape.\n\nAnd Pakistan attended it."
    reply = RawPost(text, quotes=[RawQuote(0, 58, None, "Someone")])
    [quote] = find_quotes([first, reply])[1]
    assert quote.source == 0 and quote.method == "marker" and quote.quoted_author == "Someone"


def test_marker_naming_a_post_not_in_the_dump_keeps_its_id():
    reply = RawPost("Lost words.\n\nMy answer.", quotes=[RawQuote(0, 11, "999", "Ghost")])
    [quote] = find_quotes([reply], {"0": 0})[0]
    assert quote.source is None and quote.quoted_post_id == "999"


def test_detection_time_grows_linearly_with_thread_size():
    def thread(n: int) -> list[RawPost]:
        posts = []
        for i in range(n):
            own = f"Post number {i} argues about aid, arms and alliances in its own distinct words."
            quoted = posts[i // 2].text.split("\n\n")[-1] if i else ""
            posts.append(RawPost(f"{quoted}\n\n{own}".strip()))
        return posts

    def timed(n: int) -> float:
        posts = thread(n)
        start = time.perf_counter()
        find_quotes(posts)
        return time.perf_counter() - start

    small, large = min(timed(2_000) for _ in range(3)), min(timed(16_000) for _ in range(3))
    assert large / small < 8 * 2.5  # 8x the posts; quadratic would be ~64x


# --- the fast paths agree with the reference definitions -------------------------------------------
# The reference definitions below are the plain forms of matching keys, paragraphs and
# sentences. The module takes quicker routes to the same values (an ASCII fast path for keys,
# whole runs of characters per regex step), and find_quotes reuses a post's paragraph split for
# its own text. These tests guard that both give the same values.

# ASCII with its white-space controls and a bullet, then no-break and wide spaces, a line
# separator, curly quotes, an em dash, a zero-width space, a full-width full stop, a ligature.
_AWKWARD = list("ab Z.!?'\")]-*>\u2022\n\t\r\x0b\x0c\x1c\x1f")
_AWKWARD += list("\u00a0\u2003\u3000\u2028\u2019\u201d\u2014\u200b\uff0e\ufb01")
_AWKWARD_TEXT = (
    st.text(alphabet=st.sampled_from(_AWKWARD), max_size=60)
    | st.text(alphabet=st.characters(max_codepoint=127), max_size=60)  # the ASCII fast path
    | st.text(max_size=40)
)


def _key_per_line(text: str) -> str:
    return re.sub(r"\s+", " ", normalise_text(text).lower()).strip(" \t\n-*•>\"'\u201c\u201d\u2018\u2019")


def _paragraphs_char_by_char(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[^\n](?:.|\n(?![ \t\u00a0]*\n))*", text):
        start, end = match.span()
        while end > start and text[end - 1].isspace():
            end -= 1
        while start < end and text[start].isspace():
            start += 1
        if end > start:
            spans.append((start, end))
    return spans


_SENTENCE_CHAR_BY_CHAR = re.compile(
    r"[^\s](?:[^\n.!?]|[.!?]+(?=[^\s.!?'\"\u2019\u201d)\]]))*(?:[.!?]+['\"\u2019\u201d)\]]*)?"
)


@settings(max_examples=400, deadline=None)
@given(_AWKWARD_TEXT)
def test_normalise_key_matches_the_per_line_definition(text):
    assert normalise_key(text) == _key_per_line(text)


@settings(max_examples=400, deadline=None)
@given(_AWKWARD_TEXT)
def test_paragraph_and_sentence_spans_match_the_char_by_char_patterns(text):
    assert split_paragraphs(text) == _paragraphs_char_by_char(text)
    assert split_sentences(text) == [m.span() for m in _SENTENCE_CHAR_BY_CHAR.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(_AWKWARD_TEXT)
def test_stripped_text_splits_into_the_same_paragraphs(text):
    # find_quotes indexes an unquoting post's paragraphs for its own text, text.strip()
    stripped = text.strip()
    paragraphs = [text[a:b] for a, b in split_paragraphs(text)]
    assert paragraphs == [stripped[a:b] for a, b in split_paragraphs(stripped)]


def test_quoted_text_with_typographic_quotes_and_odd_spaces_links_like_plain_text():
    # The same words once in ASCII, once with curly quotes, a non-breaking space and an em dash.
    source = RawPost("The \u201cBaghdad Pact\u201d\u00a0was signed in 1955 \u2014 Pakistan joined it.\n\nMore.")
    plain = RawPost('the "baghdad pact" was signed in 1955  -  pakistan joined it.\n\nMy answer.')
    [quote] = find_quotes([source, plain])[1]
    assert (quote.source, quote.method, quote.score) == (0, "paragraph_hash", 1.0)
