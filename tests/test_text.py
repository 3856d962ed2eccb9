"""Normalisation, sentence splitting, tokenisation and negation marking (authored sentences)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from discourse.text import (
    is_negated,
    mark_negated,
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
