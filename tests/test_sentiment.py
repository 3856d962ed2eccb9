"""VADER sentiment on own text: per sentence, per post and toward each side."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discourse.sentiment import (
    label_compound,
    load_analyzer,
    score_post,
    score_sentence,
    score_sentiment,
    score_text,
)
from discourse.sentiment_label import (
    NEGATIVE_TO,
    POSITIVE_FROM,
    calibrate_thresholds,
    count_cues,
    label_tone,
    post_tone,
    score_emoji,
)
from discourse.text import split_sentences


def _posts(texts: list[str | None]) -> pl.DataFrame:
    return pl.DataFrame({
        "thread_id": ["t"] * len(texts),
        "post_id": [str(i) for i in range(len(texts))],
        "own_text": texts,
    }, schema={"thread_id": pl.String, "post_id": pl.String, "own_text": pl.String})


def test_analyzer_loads_offline_and_once() -> None:
    assert load_analyzer() is load_analyzer()
    assert load_analyzer().polarity_scores("great")["compound"] > 0


def test_labels_use_vader_cutoffs() -> None:
    assert label_compound(0.05) == "positive"
    assert label_compound(-0.05) == "negative"
    assert label_compound(0.0) == "neutral"


def test_side_sentiment_is_per_sentence() -> None:
    # Authored post (project's own words): praise for one side, contempt for the other.
    text = "The Americans were wonderful friends. The Soviets were cruel and dishonest."
    mean, us, ussr = score_text(text)
    assert us is not None and us > 0.3
    assert ussr is not None and ussr < -0.3
    assert mean == pytest.approx((us + ussr) / 2)


def test_batch_contract() -> None:
    out = score_sentiment(_posts(["Great news for Washington.", "", None, "The match starts at noon."]))
    assert out.columns == ["thread_id", "post_id", "sentiment", "sentiment_label", "sentiment_us", "sentiment_ussr"]
    assert out["post_id"].to_list() == ["0", "1", "2", "3"]
    assert out["sentiment"][1] == 0.0 and out["sentiment_label"][1] == "neutral"
    assert out["sentiment"][2] == 0.0
    assert out["sentiment_label"][0] == "positive"
    assert out["sentiment_us"][0] > 0 and out["sentiment_ussr"][0] is None
    assert out["sentiment_us"][3] is None


def test_a_batch_scores_each_post_as_it_would_alone() -> None:
    """Guards the batched, memoised scoring: 2,000 posts sharing most of their sentences give
    each post the scores it gets when scored on its own."""
    texts = [f"Post {i}: the USSR was a poor ally but the USA paid well." for i in range(2000)]
    texts[7] = "The USA let us down. The USSR kept its word!"
    out = score_sentiment(_posts(texts))
    assert out.height == 2000
    for i in (0, 7, 1999):
        alone = score_sentiment(_posts([texts[i]])).drop("post_id")
        assert out.drop("post_id").row(i) == alone.row(0)


# --- VADER without NLTK's word split, scored once per sentence (regression guards) --------

def _nltk_compound(text: str) -> float:
    return load_analyzer().polarity_scores(text)["compound"]


def test_compound_equals_nltk_on_seed_thread() -> None:
    from conftest import SEED_THREAD

    from discourse.fastpaths import vader_compound
    from discourse.text import split_sentences

    sentences = split_sentences(SEED_THREAD.read_text(encoding="utf-8"))
    assert len(sentences) > 50
    assert [vader_compound(s) for s in sentences] == [_nltk_compound(s) for s in sentences]


def _vader_words() -> list[str]:
    constants = load_analyzer().constants
    lexicon = sorted(load_analyzer().lexicon)
    return (
        lexicon[::97] + sorted(constants.BOOSTER_DICT) + sorted(constants.NEGATE)
        + ["never", "so", "this", "least", "at", "very", "kind", "of", "but", "BUT", "GOOD", "Great",
           "the", "shit", "bomb", "yeah", "right", "kiss", "death", "sort", ":)", "USSR", "I"]
    )


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(_vader_words()), st.sampled_from(["", "", ".", "!", "?", ",", "'", "..."]),
                  st.sampled_from(["", "", "", "(", '"', "-"]), st.booleans()),
        max_size=14,
    ),
    st.sampled_from(["", ".", "!", "!!", "??", "????", "!!!!!"]),
)
def test_compound_equals_nltk_on_generated_sentences(words: list, end: str) -> None:
    from discourse.fastpaths import vader_compound

    text = " ".join(before + (w.upper() if caps else w) + after for w, after, before, caps in words) + end
    assert vader_compound(text) == _nltk_compound(text)



@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "'", "!", "...", "(", "?!?", "-", "U.S", "a"]),
                          st.sampled_from(["good", "x", "U.S", "a.b", "", "GREAT"]),
                          st.sampled_from(["", ".", "'", "!!", ",", ")", "?!?!", "s"])), max_size=8))
def test_vader_words_equal_nltk_sentitext(parts: list[tuple[str, str, str]]) -> None:
    from nltk.sentiment.vader import SentiText

    from discourse.fastpaths import vader_words

    analyzer = load_analyzer()
    text = " ".join("".join(p) for p in parts)
    expected = SentiText(text, analyzer.constants.PUNC_LIST,
                         analyzer.constants.REGEX_REMOVE_PUNCTUATION).words_and_emoticons
    assert vader_words(text, frozenset(analyzer.constants.PUNC_LIST)) == expected

def test_each_distinct_sentence_reaches_vader_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from discourse import sentiment
    from discourse.stance import cues, sentence_cues
    from discourse.text import split_sentences

    # Authored posts (project's own words); the second and third repeat sentences.
    texts = [
        "The USA was a generous ally. Moscow never helped us.",
        "Moscow never helped us. The weather was fine.",
        "The weather was fine. The USA was a generous ally. Stay neutral!",
    ]
    calls: list[str] = []
    real = sentiment.vader_compound_pair

    def counting(text: str, *args) -> tuple[float, float]:
        calls.append(text)
        return real(text, *args)

    monkeypatch.setattr(sentiment, "vader_compound_pair", counting)
    sentiment.sentence_scores.cache_clear()
    sentiment._sentence_facts.cache_clear()
    sentence_cues.clear_sentence_memo()
    cues.cue_matrix(texts)  # the stance cues score the sentences that name a side
    score_sentiment(_posts(texts))  # sentiment scores every sentence
    cues.cue_matrix(texts)
    distinct = {s for t in texts for s in split_sentences(t)}
    assert sorted(calls) == sorted(distinct)


# --- the post-level label (discourse.sentiment_label) ---------------------------------------
# Authored posts below are the project's own words.

CALM_THEN_BITTER = (
    "The delegation reached Washington in the spring. The talks went well and the officials "
    "were pleased. Everyone liked the schedule. Then they stabbed us in the back and left us "
    "begging, the hypocrites."
)


def test_sentiment_stays_the_vader_mean_of_the_sentences() -> None:
    # Guards the contract: the new label must not change the ``sentiment`` number.
    out = score_sentiment(_posts([CALM_THEN_BITTER]))
    values = [score_sentence(s) for s in split_sentences(CALM_THEN_BITTER)]
    assert out["sentiment"][0] == pytest.approx(sum(values) / len(values))


def test_bitter_sentence_outweighs_a_calm_positive_mean() -> None:
    # The VADER mean of this post reads positive; the guide calls its tone negative.
    mean, _us, _ussr, tone = score_post(CALM_THEN_BITTER)
    assert label_compound(mean) == "positive"
    assert label_tone(tone) == "negative"
    assert score_sentiment(_posts([CALM_THEN_BITTER]))["sentiment_label"][0] == "negative"


def test_debate_words_count_where_vader_is_silent() -> None:
    text = "They sold us out and made us their puppet."
    assert score_sentence(text) == 0.0
    assert count_cues(text) == -2  # "sold us out" and "puppet", each once
    assert count_cues("Back-stabbing stooges, yeah right.") == -3
    assert count_cues("Well said, good thread :)") == 3
    assert count_cues("The assembly met on Tuesday.") == 0
    assert score_sentiment(_posts([text]))["sentiment_label"][0] == "negative"


def test_emoji_count_with_the_compound_of_their_name() -> None:
    assert score_emoji("\U0001F600") == score_sentence("grinning face") > 0
    assert score_emoji("x") == 0.0
    plain = score_post("The match is on Sunday.")[3]
    assert score_post("The match is on Sunday \U0001F600")[3] > plain


def test_tone_is_the_mean_of_the_two_strongest_sentences() -> None:
    assert post_tone([], 0, 0.0) == 0.0
    assert post_tone([0.4], 0, 0.0) == 0.4
    assert post_tone([0.1, -0.8, 0.0, 0.6], 0, 0.0) == pytest.approx(-0.1)
    assert post_tone([0.1, 0.2], -2, 0.0) == pytest.approx(0.15 - 1.0)  # cues per sentence


def test_empty_post_is_neutral() -> None:
    out = score_sentiment(_posts(["", None]))
    assert out["sentiment_label"].to_list() == ["neutral", "neutral"]


def test_calibration_separates_separable_tones_and_is_deterministic() -> None:
    tones = [-0.9, -0.7, 0.0, 0.1, 0.05, 0.5, 0.9]
    gold = ["negative", "negative", "neutral", "neutral", "neutral", "positive", "positive"]
    positive_from, negative_to = calibrate_thresholds(tones, gold)
    assert [label_tone(t, positive_from, negative_to) for t in tones] == gold
    assert calibrate_thresholds(tones, gold) == (positive_from, negative_to)
    assert NEGATIVE_TO < POSITIVE_FROM


def test_calibration_rejects_mismatched_input() -> None:
    with pytest.raises(ValueError, match="as many labels as tones"):
        calibrate_thresholds([0.1, 0.2], ["neutral"])
    with pytest.raises(ValueError, match="as many labels as tones"):
        calibrate_thresholds([], [])


def test_compound_with_another_lexicon_equals_nltk_built_with_it() -> None:
    # Guards vader_compound's lexicon argument: the same rules as NLTK's analyzer over the
    # valences it is given, not VADER's own.
    from discourse.fastpaths import vader_compound
    from discourse.sentiment_label import tone_lexicon

    analyzer = load_analyzer()
    own = analyzer.lexicon
    try:
        analyzer.lexicon = tone_lexicon()
        for text in ("US support kept us strong, but the peace was not worth much!",
                     "Like it or not, the security pact helped nobody.", "Great, another embargo."):
            assert vader_compound(text, tone_lexicon()) == analyzer.polarity_scores(text)["compound"]
    finally:
        analyzer.lexicon = own


_TOPIC_SAMPLES = ["support", "Support-", "(like", "likely", "unlike", "PEACE", "interests.", "x", "war",
                  "good", "strong!", "not", "freedom's", "helps,", "but", "very", "least", "at"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_TOPIC_SAMPLES), max_size=10), st.sampled_from(["", ".", "!", "?"]))
def test_compound_pair_is_both_compounds_from_one_split(words: list[str], end: str) -> None:
    # Guards the shortcut: a sentence without a topic word is scored once, and that must be
    # what the lexicon without the topic words gives too.
    from discourse.fastpaths import vader_compound, vader_compound_pair
    from discourse.sentiment_label import TOPIC_WORDS, tone_lexicon

    text = " ".join(words) + end
    assert vader_compound_pair(text, tone_lexicon(), TOPIC_WORDS) == (
        vader_compound(text), vader_compound(text, tone_lexicon()))


def test_topic_words_do_not_make_a_calm_post_positive() -> None:
    # VADER reads alliance vocabulary as warmth; the guide calls this narration neutral.
    text = "American support and the security pact served our interests. Washington promised more help."
    mean, _us, _ussr, tone = score_post(text)
    assert label_compound(mean) == "positive"
    assert label_tone(tone) == "neutral"
    assert score_sentiment(_posts([text]))["sentiment"][0] == pytest.approx(mean)  # VADER's mean stays
    # A post whose warmth is in its own words keeps it.
    assert label_tone(score_post("What a wonderful, brilliant thread, thanks to all of you!")[3]) == "positive"
