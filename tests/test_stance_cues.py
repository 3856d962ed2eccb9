"""Target-aware cues: preference, advice, counterfactuals, evaluation and neutrality."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.stance.cues import CUE_NAMES, cue_matrix, extract_cues, scale_cues


def _on(text: str) -> dict[str, float]:
    return {k: v for k, v in extract_cues(text).items() if v}


# Authored sentences (project's own words) and a cue each must fire.
@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("It was America over the Soviets, no question.", "prefers:us"),
        ("Moscow over Washington any day.", "prefers:ussr"),
        ("The USSR was a better ally than the USA.", "prefers:ussr"),
        ("The Soviets were no match for the Americans.", "prefers:us"),
        ("I prefer the Kremlin.", "prefers:ussr"),
        ("It made sense to side with the USA.", "prefers:us"),
        ("We should have gone with the Soviets.", "should:ussr"),
        ("We should never have supported the Americans.", "should_not:us"),
        ("Joining the Americans was a blunder.", "regret:us"),
        ("Had we aligned with Moscow, we would have prospered.", "counterfactual_good:ussr"),
        ("If we had joined the USSR it would have brought its own set of problems.", "counterfactual_bad:ussr"),
        ("If we were not tied to the US we would have fallen apart.", "counterfactual_good:us"),
        ("The Russians were loyal and generous friends.", "praises:ussr"),
        ("The Americans betrayed us again and again.", "criticises:us"),
        ("Why didn't Pakistan choose the USSR?", "why_not:ussr"),
        ("Pakistan should have stayed neutral.", "advises_neutrality"),
        ("Non-alignment was the wiser road.", "neutrality"),
        ("We did not have the luxury to remain neutral.", "neutrality_rejected"),
        ("Pakistan had to pick a side.", "neutrality_rejected"),
        ("Both the USA and the USSR wanted bases.", "both_sides"),
    ],
)
def test_cue_fires(text: str, cue: str) -> None:
    assert _on(text).get(cue, 0) > 0, _on(text)


def test_negation_flips_preference() -> None:
    plain = _on("I prefer the Americans.")
    negated = _on("I do not prefer the Americans.")
    assert plain.get("prefers:us") and not negated.get("prefers:us")
    assert negated.get("rejects:us")


def test_negation_flips_evaluation() -> None:
    assert _on("The Soviets were reliable.").get("praises:ussr")
    flipped = _on("The Soviets were not reliable.")
    assert flipped.get("criticises:ussr") and not flipped.get("praises:ussr")


def test_lean_sums_directional_cues() -> None:
    us = _on("Choosing Washington over Moscow was the right decision.")
    ussr = _on("We should have allied with Moscow, not the Americans.")
    assert us["lean:us"] > 0 and "lean:ussr" not in us
    assert ussr["lean:ussr"] > 0


def test_no_side_and_short() -> None:
    cues = _on("Agreed.")
    assert cues == {"no_side": 1.0, "short": 1.0}
    assert extract_cues(None)["no_side"] == 1.0


def test_matrix_shape_and_scaling() -> None:
    m = cue_matrix(["USA over USSR", "", "neutral please"])
    assert m.shape == (3, len(CUE_NAMES))
    assert np.all(np.abs(scale_cues(m)) <= np.abs(m) + 1e-12)
    assert cue_matrix([]).shape == (0, len(CUE_NAMES))


# --- per-sentence cache and shared work (regression guards for the speed-ups) ---------------

# Authored posts (project's own words) that repeat sentences, the way forum threads do.
REPEATING_POSTS = [
    "The USA was a better ally than the USSR. We should never have trusted Moscow.",
    "We should never have trusted Moscow. Still, the Soviets did not betray us in 1971!",
    "If we had stayed neutral we would have avoided the mess. Non-alignment was wiser.",
    "The USA was a better ally than the USSR. Pakistan had to pick a side.",
    "Why didn't Pakistan choose the USSR? Both the USA and the USSR wanted bases.",
]


def test_cached_sentence_cues_equal_fresh_ones() -> None:
    from discourse.stance import sentence_cues as memo_module
    from discourse.text import split_sentences

    cached = [extract_cues(t) for t in REPEATING_POSTS]
    memo_module.clear_sentence_memo()
    fresh = [extract_cues(t) for t in REPEATING_POSTS]
    assert cached == fresh
    distinct = {s for t in REPEATING_POSTS for s in split_sentences(t)}
    assert len(memo_module._memo) == len(distinct) < sum(len(split_sentences(t)) for t in REPEATING_POSTS)
    assert np.array_equal(cue_matrix(REPEATING_POSTS), np.array([list(c.values()) for c in fresh]))


def test_callers_cannot_change_cached_cues() -> None:
    from discourse.stance.sentence_cues import sentence_cues

    text = REPEATING_POSTS[0]
    first = extract_cues(text)
    expected = dict(first)
    first["prefers:us"] = 99.0
    cue_matrix([text])[:] = 99.0
    assert extract_cues(text) == expected
    stored = sentence_cues("The USA was a better ally than the USSR.")
    with pytest.raises(AttributeError):
        stored.values = ()  # type: ignore[misc]
    assert isinstance(stored.columns, tuple) and isinstance(stored.values, tuple)


@pytest.mark.parametrize(
    "text",
    [
        *REPEATING_POSTS,
        "They went\nwest after that",  # "went west" over a line break names the US side
        "the West\nBengal is far",  # and here "West Bengal" is geography
        "Chinese\ncommunists won the war",
        "The US\nof A is big",
        "We were pro\nwestern",
        "It is the U.S.\nNext line, the USSR.",
        "went.\nwest",
        "",
    ],
)
def test_reused_ngram_words_equal_ngram_text(text: str) -> None:
    from discourse.stance.cues import cue_matrix_with_words
    from discourse.stance.model import ngram_text

    matrix, words = cue_matrix_with_words([text])
    assert np.array_equal(matrix, cue_matrix([text]))
    assert words[0] is None or words[0] == ngram_text(text)


def test_reused_ngram_words_on_seed_thread() -> None:
    from conftest import SEED_THREAD

    from discourse.stance.cues import cue_matrix_with_words
    from discourse.stance.model import ngram_text

    texts = [p for p in SEED_THREAD.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    _, words = cue_matrix_with_words(texts)
    assert sum(w is not None for w in words) > len(texts) / 2
    assert all(w == ngram_text(t) for w, t in zip(words, texts, strict=True) if w is not None)


_PHRASE_LISTS = ("REGRET_WORDS", "NEUTRAL", "TAKE_SIDES", "OPINION", "REPORTED", "EXPLANATION",
                 "PERSONAL", "ADVICE")


def _phrase_words() -> list[str]:
    import re

    from discourse.stance import cue_patterns as cues_module

    words = {"x", "a", "_us_", "not", "-", "'", "the"}
    for name in _PHRASE_LISTS:
        words.update(re.sub(r"\(\?:|[()?|\\]", " ", getattr(cues_module, name).source).split())
    return sorted(words)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_phrase_words()), max_size=10))
def test_phrase_lists_match_as_written(words: list[str]) -> None:
    import re

    from discourse.stance import cue_patterns as cues_module

    text = " ".join(words)
    runs = set(re.findall(r"\w+", text))
    for name in _PHRASE_LISTS:
        phrases = getattr(cues_module, name)
        plain = re.compile(phrases.source)
        expected = [m.span() for m in plain.finditer(text)]
        assert [m.span() for m in phrases.finditer(text, runs)] == expected, name
        assert (phrases.search(text, runs) is None) == (not expected), name


def _one_pattern_words() -> list[str]:
    import re

    from discourse.stance import cue_patterns as cues_module

    words = {"_us_", "_ussr_", "the", "x", "not", "well", "was", "with", "-", ":", "fair-weather"}
    for pattern, _, needed in cues_module.ONE_PATTERNS:
        words.update(needed or ())
        words.update(w for w in re.findall(r"[a-z']+", pattern.pattern) if len(w) > 1)
    return sorted(words)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_one_pattern_words()), max_size=9))
def test_word_gates_never_skip_a_match(words: list[str]) -> None:
    import re

    from discourse.stance import cue_patterns as cues_module

    text = " ".join(words)
    runs = set(re.findall(r"\w+", text))
    for pattern, cue, needed in cues_module.ONE_PATTERNS:
        if needed is not None and pattern.search(text):
            assert not runs.isdisjoint(needed), (cue, pattern.pattern[:40], text)


# Authored sentences (project's own words), one for each pattern that has a word gate.
GATED_SENTENCES = [
    "We were better off allied with the Americans.",
    "The Americans any day.",
    "The Soviets were the smarter choice.",
    "The best choice was with the USSR.",
    "It made sense to side with Moscow.",
    "Glad we went with the USA.",
    "Better off without the Soviets.",
    "The USA was a fair-weather friend.",
    "A terrible bet was the USSR.",
    "Never trust the Americans.",
    "Stay well away from the Kremlin.",
]


def test_word_gates_keep_authored_matches() -> None:
    from discourse.stance import cue_patterns as cues_module
    from discourse.stance.sentences import Sentence

    matched = set()
    for raw in GATED_SENTENCES:
        sent = Sentence(raw)
        for index, (pattern, _, needed) in enumerate(cues_module.ONE_PATTERNS):
            if needed is not None and pattern.search(sent.text):
                matched.add(index)
                assert not sent.words.isdisjoint(needed)
    gated = {i for i, (_, _, needed) in enumerate(cues_module.ONE_PATTERNS) if needed is not None}
    assert matched == gated


# Authored sentences with digits of other scripts, emoticons, dotted abbreviations, dashes and
# side mentions, where a token's first character decides whether the n-grams keep it.
_TOKEN_EDGE_SENTENCES = [
    "Pakistan joined SEATO in 1954 :) and the U.S.A. paid - or did it?",
    "x² and ³ aside, _us_ and _ussr_ are not words anyone writes.",
    "Moscow, Moscow and again Moscow — the Soviets; not Washington!",
    "'quoted' (bracketed) «angled» ... ;-) =D",
    "",
]


@pytest.mark.parametrize("raw", _TOKEN_EDGE_SENTENCES)
def test_ngram_words_keep_tokens_starting_with_a_word_character(raw: str) -> None:
    # ngram_words is found by one regex over the joined tokens; it must keep exactly the
    # tokens whose first character is alphanumeric or "_" (the n-gram vectoriser's words).
    from discourse.stance.sentence_cues import compute_sentence_cues
    from discourse.stance.sentences import Sentence

    sent = Sentence(raw)
    expected = " ".join(t for t in sent.tokens if t[0].isalnum() or t[0] == "_")
    assert compute_sentence_cues(raw, sent).ngram_words == expected


@given(st.lists(st.sampled_from(["_us_", "_ussr_", "the", "good", ".", "_us"]), max_size=12))
def test_side_positions_list_every_placeholder_in_token_order(tokens: list[str]) -> None:
    from discourse.stance.sentence_cues import _side_positions
    from discourse.stance.sentences import SIDE_OF

    expected = [(i, SIDE_OF[t]) for i, t in enumerate(tokens) if t in SIDE_OF]
    assert _side_positions(tokens) == expected
