"""VADER sentiment per sentence of a post's own words, overall and toward each side.

The analyzer is NLTK's ``SentimentIntensityAnalyzer`` with the lexicon that ships inside the
``vaderSentiment`` wheel, so nothing is downloaded. It is built once per process
(:func:`load_analyzer`), and sentence scores are memoised because the stance model and the
sentiment stage score the same sentences: each distinct sentence reaches VADER once.

:func:`score_sentence` gives exactly NLTK's ``polarity_scores(sentence)["compound"]`` but
computes it itself (:func:`vader_compound`), from the analyzer's own lexicon and word lists.
NLTK pairs every word of a sentence with every punctuation mark in two dictionaries, strips
punctuation with a time-limited ``regex`` pattern and calls a method per word; the same rules
applied to plain lists are about six times faster. ``tests/test_sentiment.py`` compares the two
on the seed thread and on generated sentences built from the lexicon, boosters, negations,
idioms, capitals and punctuation.

Contract of :func:`score_sentiment`: one row per input post, in input order, with
``sentiment`` = mean compound over the sentences of ``own_text`` (0.0 when it has none),
``sentiment_label`` = the post-level label of :mod:`discourse.sentiment_label` (the two
strongest sentences, the debate's own words of scorn and approval, emoji; thresholds
calibrated on the authored set), and ``sentiment_us`` / ``sentiment_ussr`` = mean compound of
the sentences naming that side, null when no sentence names it. The per-sentence compounds
stay available through :func:`score_sentence`.
"""

from __future__ import annotations

import math
import os
import string
from functools import lru_cache
from typing import TYPE_CHECKING

import polars as pl

from discourse import schema
from discourse.sentiment_label import label_tone, post_tone, sentence_cues
from discourse.sides import find_sides
from discourse.text import split_sentences

if TYPE_CHECKING:  # pragma: no cover
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05
OUTPUT_COLUMNS = (
    schema.THREAD_ID,
    schema.POST_ID,
    "sentiment",
    "sentiment_label",
    "sentiment_us",
    "sentiment_ussr",
)


def lexicon_path() -> str:
    """Return the path of ``vader_lexicon.txt`` inside the installed vaderSentiment package."""
    import vaderSentiment

    return os.path.join(os.path.dirname(vaderSentiment.__file__), "vader_lexicon.txt")


@lru_cache(maxsize=1)
def load_analyzer() -> SentimentIntensityAnalyzer:
    """Return the process-wide VADER analyzer, loading the lexicon on first use.

    NLTK >= 3.10.3 only opens ``file:`` paths below a folder on ``nltk.data.path``, so the
    lexicon's folder is appended there first.
    """
    import nltk
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    path = lexicon_path()
    folder = os.path.dirname(path)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file="file:" + path)


# VADER strips exactly the ASCII punctuation of ``string.punctuation`` (its
# ``REGEX_REMOVE_PUNCTUATION`` is a character class of those characters).
_PUNCTUATION = string.punctuation
_DROP_PUNCTUATION = str.maketrans("", "", _PUNCTUATION)


def vader_words(text: str, punctuation_marks: frozenset[str]) -> list[str]:
    """Return the words VADER scores in ``text`` (NLTK's ``SentiText.words_and_emoticons``).

    White-space tokens of one character are dropped. A token made of one of VADER's
    punctuation marks (``punctuation_marks``) glued before or after a word loses the mark when
    that word, stripped of ASCII punctuation, also occurs in the text with more than one
    character. Because such a word holds no ASCII punctuation, the mark can only be the whole
    run of punctuation at the token's start (or end), which is what is looked up here.
    """
    tokens = text.split()
    bare = {w for w in text.translate(_DROP_PUNCTUATION).split() if len(w) > 1}
    words = []
    for token in tokens:
        if len(token) < 2:
            continue
        if token[0] in _PUNCTUATION:
            word = token.lstrip(_PUNCTUATION)
            mark = token[: len(token) - len(word)]
        elif token[-1] in _PUNCTUATION:
            word = token.rstrip(_PUNCTUATION)
            mark = token[len(word) :]
        else:  # most tokens: no punctuation at either end
            words.append(token)
            continue
        words.append(word if mark in punctuation_marks and word in bare else token)
    return words


class _VaderRules:
    """NLTK VADER's lexicon and word lists, bound once for :func:`vader_compound`."""

    def __init__(self) -> None:
        analyzer = load_analyzer()
        constants = analyzer.constants
        self.lexicon: dict[str, float] = analyzer.lexicon
        self.boosters: dict[str, float] = constants.BOOSTER_DICT
        self.idioms: dict[str, float] = constants.SPECIAL_CASE_IDIOMS
        self.negations: frozenset[str] = frozenset(constants.NEGATE)
        self.marks: frozenset[str] = frozenset(constants.PUNC_LIST)
        self.caps_boost: float = constants.C_INCR
        self.dampen: float = constants.B_DECR
        self.negation_scale: float = constants.N_SCALAR


@lru_cache(maxsize=1)
def _rules() -> _VaderRules:
    return _VaderRules()


def vader_compound(text: str) -> float:
    """Return NLTK VADER's compound score of ``text`` (``polarity_scores(text)["compound"]``).

    The rules are those of ``nltk.sentiment.vader.SentimentIntensityAnalyzer`` (3.10), applied
    to lists built once per sentence instead of through NLTK's per-word method calls and
    ``SentiText``; values are combined in the same order, so the result is the same float.
    ``tests/test_sentiment.py`` compares the two on the seed documents and generated sentences.
    """
    rules = _rules()
    lexicon = rules.lexicon
    boosters = rules.boosters
    words = vader_words(text, rules.marks)
    lower = [w.lower() for w in words]
    n = len(words)
    upper = sum(map(str.isupper, words))
    caps_differ = 0 < n - upper < n  # some, but not all, words in capitals
    # NLTK scores a repeated word at the position of its first occurrence (filled from the
    # end, so the first occurrence is written last).
    first = dict(zip(reversed(words), range(n - 1, -1, -1)))
    sentiments: list[float] = []
    for word in words:
        i = first[word]
        low = lower[i]
        if low not in lexicon or low in boosters or (low == "kind" and i < n - 1 and lower[i + 1] == "of"):
            sentiments.append(0)  # words outside the lexicon, boosters and "kind of" add zero
            continue
        valence = lexicon[low]
        if caps_differ and word.isupper():
            valence = valence + rules.caps_boost if valence > 0 else valence - rules.caps_boost
        for back in (1, 2, 3):  # up to three preceding words may boost, damp or negate
            if i < back or lower[i - back] in lexicon:
                continue
            before = words[i - back]
            valence = valence + _booster_scalar(rules, before, lower[i - back], valence, caps_differ, back)
            valence = _negation_rule(rules, words, lower, i, back, valence)
            if back == 3:
                valence = _idiom_rule(rules, words, i, valence)
        if i > 1 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            if lower[i - 2] != "at" and lower[i - 2] != "very":
                valence = valence * rules.negation_scale
        elif i > 0 and lower[i - 1] not in lexicon and lower[i - 1] == "least":
            valence = valence * rules.negation_scale
        sentiments.append(valence)
    if "but" in lower:  # words before "but" count half, words after it one and a half
        at = lower.index("but")
        for k, value in enumerate(sentiments):
            if k < at:
                sentiments[k] = value * 0.5
            elif k > at:
                sentiments[k] = value * 1.5
    if not sentiments:
        return 0.0
    total = float(sum(sentiments))
    emphasis = min(text.count("!"), 4) * 0.292
    questions = text.count("?")
    if questions > 1:
        emphasis += questions * 0.18 if questions <= 3 else 0.96
    if total > 0:
        total += emphasis
    elif total < 0:
        total -= emphasis
    return float(round(total / math.sqrt(total * total + 15), 4))


def _booster_scalar(
    rules: _VaderRules, word: str, low: str, valence: float, caps_differ: bool, back: int
) -> float:
    """Return what booster ``word``, ``back`` places before a scored word, adds to its valence."""
    scalar = 0.0
    if low in rules.boosters:
        scalar = rules.boosters[low]
        if valence < 0:
            scalar *= -1
        if word.isupper() and caps_differ:
            scalar = scalar + rules.caps_boost if valence > 0 else scalar - rules.caps_boost
    if back == 2 and scalar != 0:
        scalar = scalar * 0.95
    elif back == 3 and scalar != 0:
        scalar = scalar * 0.9
    return scalar


def _negates(rules: _VaderRules, low: str) -> bool:
    return low in rules.negations or "n't" in low


def _negation_rule(
    rules: _VaderRules, words: list[str], lower: list[str], i: int, back: int, valence: float
) -> float:
    """Apply VADER's negation ("not good") and "never so/this" rules for the word ``back`` before."""
    if back == 1:
        if _negates(rules, lower[i - 1]):
            valence = valence * rules.negation_scale
    elif back == 2:
        if words[i - 2] == "never" and (words[i - 1] == "so" or words[i - 1] == "this"):
            valence = valence * 1.5
        elif _negates(rules, lower[i - 2]):
            valence = valence * rules.negation_scale
    elif (words[i - 3] == "never" and (words[i - 2] == "so" or words[i - 2] == "this")) or (
        words[i - 1] == "so" or words[i - 1] == "this"
    ):
        valence = valence * 1.25
    elif _negates(rules, lower[i - 3]):
        valence = valence * rules.negation_scale
    return valence


def _idiom_rule(rules: _VaderRules, words: list[str], i: int, valence: float) -> float:
    """Apply VADER's idiom ("the bomb", "kiss of death") and two-word damper rules."""
    idioms = rules.idioms
    one_zero = f"{words[i - 1]} {words[i]}"
    two_one_zero = f"{words[i - 2]} {words[i - 1]} {words[i]}"
    two_one = f"{words[i - 2]} {words[i - 1]}"
    three_two_one = f"{words[i - 3]} {words[i - 2]} {words[i - 1]}"
    three_two = f"{words[i - 3]} {words[i - 2]}"
    for sequence in (one_zero, two_one_zero, two_one, three_two_one, three_two):
        if sequence in idioms:
            valence = idioms[sequence]
            break
    if len(words) - 1 > i:
        zero_one = f"{words[i]} {words[i + 1]}"
        if zero_one in idioms:
            valence = idioms[zero_one]
    if len(words) - 1 > i + 1:
        zero_one_two = f"{words[i]} {words[i + 1]} {words[i + 2]}"
        if zero_one_two in idioms:
            valence = idioms[zero_one_two]
    if three_two in rules.boosters or two_one in rules.boosters:
        valence = valence + rules.dampen
    return valence


@lru_cache(maxsize=262144)
def score_sentence(sentence: str) -> float:
    """Return VADER's compound score of one sentence, in [-1, 1]."""
    return vader_compound(sentence)


def label_compound(value: float) -> str:
    """Map one compound score to positive / neutral / negative with VADER's usual 0.05 cut-offs.

    For a sentence's own label; a post's ``sentiment_label`` is :func:`discourse.sentiment_label.label_tone`.
    """
    if value >= POSITIVE_AT:
        return "positive"
    if value <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def score_text(text: str | None) -> tuple[float, float | None, float | None]:
    """Return (mean compound, mean compound toward US, toward USSR) for one text."""
    return score_post(text)[:3]


@lru_cache(maxsize=262144)
def _sentence_facts(sentence: str) -> tuple[float, int, float, frozenset[str]]:
    """(compound, debate cues, emoji compound, sides named) of one sentence, one memo lookup."""
    hits, pictures = sentence_cues(sentence)
    return score_sentence(sentence), hits, pictures, find_sides(sentence)


def score_post(text: str | None) -> tuple[float, float | None, float | None, float]:
    """Return (mean compound, toward US, toward USSR, tone) for one text in one sentence pass.

    The tone is :func:`discourse.sentiment_label.post_tone`, the number the label is read from.
    """
    total = 0.0
    compounds = []
    balance = 0
    emoji = 0.0
    us_sum = ussr_sum = 0.0
    us_n = ussr_n = 0
    for sentence in split_sentences(text):
        value, hits, pictures, sides = _sentence_facts(sentence)
        total += value
        compounds.append(value)
        balance += hits
        emoji += pictures
        if sides:
            if "us" in sides:
                us_sum += value
                us_n += 1
            if "ussr" in sides:
                ussr_sum += value
                ussr_n += 1
    n = len(compounds)
    mean = total / n if n else 0.0
    us = us_sum / us_n if us_n else None
    ussr = ussr_sum / ussr_n if ussr_n else None
    return mean, us, ussr, post_tone(compounds, balance, emoji)


def score_sentiment(posts: pl.DataFrame) -> pl.DataFrame:
    """Score every post's ``own_text``; see the module docstring for the output contract."""
    texts = posts.get_column("own_text").to_list() if posts.height else []
    overall: list[float] = []
    toward_us: list[float | None] = []
    toward_ussr: list[float | None] = []
    labels: list[str] = []
    for text in texts:
        mean, us, ussr, tone = score_post(text)
        overall.append(mean)
        toward_us.append(us)
        toward_ussr.append(ussr)
        labels.append(label_tone(tone))
    frame = posts.select(schema.THREAD_ID, schema.POST_ID).with_columns(
        pl.Series("sentiment", overall, dtype=pl.Float64),
        pl.Series("sentiment_label", labels, dtype=pl.String),
        pl.Series("sentiment_us", toward_us, dtype=pl.Float64),
        pl.Series("sentiment_ussr", toward_ussr, dtype=pl.Float64),
    )
    return frame.select(OUTPUT_COLUMNS)
