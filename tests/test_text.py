"""Normalisation, sentence splitting, tokenisation and negation marking (authored sentences)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.text import (
    is_negated,
    mark_negated,
    negation_flags,
    normalise_text,
    split_sentences,
    strip_negation,
    tokenize,
)


def test_normalise_folds_quotes_and_spaces() -> None:
    assert normalise_text("\u201cIt\u2019s  odd\u201d \u2014 really\u00a0so ") == "\"It's odd\" - really so"
    assert normalise_text(None) == ""
    assert normalise_text("a\r\nb") == "a\nb"


def test_split_keeps_abbreviations() -> None:
    # Authored text (project's own words).
    text = "The U.S. sent wheat. Gen. Ayub went to the U.S.S.R. in 1965! Was it wise? Yes."
    assert split_sentences(text) == [
        "The U.S. sent wheat.", "Gen. Ayub went to the U.S.S.R. in 1965!", "Was it wise?", "Yes."]


def test_split_on_line_breaks() -> None:
    assert split_sentences("USSR:\n* Communist\n\n* Poor") == ["USSR:", "* Communist", "* Poor"]
    assert split_sentences("") == [] and split_sentences(None) == []


def test_tokenize_keeps_abbreviations_and_contractions() -> None:
    assert tokenize("Pakistan didn't pick the U.S.A., :) non-aligned") == [
        "pakistan", "didn't", "pick", "the", "u.s.a.", ",", ":)", "non-aligned"]
    assert tokenize("USSR", lower=False) == ["USSR"]


def test_negation_scope_ends_at_clause_punctuation() -> None:
    marked = mark_negated(tokenize("we did not trust them . they helped"))
    assert [is_negated(t) for t in marked] == [False, False, False, True, True, False, False, False]
    assert [strip_negation(t) for t in marked] == tokenize("we did not trust them . they helped")


def test_negation_of_contractions() -> None:
    marked = mark_negated(tokenize("we shouldn't have joined"))
    assert marked[-1] == "joined_NEG"


@given(st.text(max_size=300))
def test_split_and_tokenize_never_fail(text: str) -> None:
    sentences = split_sentences(text)
    assert all(s.strip() == s and s for s in sentences)
    assert all(isinstance(t, str) and t for t in tokenize(text))


# --- faster equivalents of NLTK and regex steps (regression guards) --------------------------

_NEGATION_TOKENS = ["not", "never", "no", "nothing", "don't", "can't", "cant", "isn't", "wont", "want", "none",
                    "n't", ".", ":", ";", "!", "?", "?!", "we", "trust", "_us_", "", "not\n", ".\n", "no\nx"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_NEGATION_TOKENS), max_size=20))
def test_negation_marks_like_nltk(tokens: list[str]) -> None:
    from nltk.sentiment.util import mark_negation

    expected = mark_negation(list(tokens), double_neg_flip=True, shallow=True)
    assert mark_negated(tokens) == expected
    lower_case = [t for t in tokens if t == t.lower()]
    assert negation_flags(lower_case) == [is_negated(t) for t in mark_negated(lower_case)]


@given(st.text(alphabet=st.sampled_from(list("aAdDpP:;=-'()._ \n!?x9\u00e9\u03a3")), max_size=40))
def test_tokenize_lower_cases_like_token_by_token(text: str) -> None:
    assert tokenize(text) == [t.lower() for t in tokenize(text, lower=False)]


@given(st.text(alphabet=st.sampled_from(list("ab_.9 ,\u00e9\u0660-")), max_size=20))
def test_last_word_matches_its_regex(text: str) -> None:
    import re

    from discourse.text import _last_word

    found = re.search(r"[\w.]+$", text)
    assert _last_word(text, 0, len(text)) == (found.group() if found else "")


def test_normalise_collapses_every_kind_of_space_run() -> None:
    assert normalise_text("a \t b\f\fc\v d\n  e  ") == "a b c d\ne"
    assert normalise_text("plain single spaces") == "plain single spaces"
