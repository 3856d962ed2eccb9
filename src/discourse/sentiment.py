"""VADER sentiment per sentence of a post's own words, overall and toward each side.

The scores are NLTK's VADER with the lexicon that ships inside the ``vaderSentiment`` wheel, so
nothing is downloaded. :func:`score_sentence` gives exactly NLTK's
``SentimentIntensityAnalyzer(...).polarity_scores(sentence)["compound"]``, computed by
:mod:`discourse.fastpaths` from NLTK's own lexicon reading and word lists
(:mod:`discourse.vader_data`, read without importing NLTK; ``tests/test_sentiment.py`` compares
the two). :func:`sentence_scores` memoises it with the label's tone compound, because the stance
model and the sentiment stage score the same sentences: each distinct sentence reaches VADER
once. :func:`load_analyzer` builds NLTK's analyzer itself, for comparisons.

Contract of :func:`score_sentiment`: one row per input post, in input order, with
``sentiment`` = mean compound over the sentences of ``own_text`` (0.0 when it has none),
``sentiment_label`` = the post-level label of :mod:`discourse.sentiment_label` (the two
strongest sentences with the topic words of alliances and power taking no valence, the
debate's own words of scorn and approval, emoji; thresholds calibrated on the authored set),
and ``sentiment_us`` / ``sentiment_ussr`` = mean compound of
the sentences naming that side, null when no sentence names it. The per-sentence compounds
stay available through :func:`score_sentence`.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

import polars as pl

from discourse import schema, vader_data
from discourse.fastpaths import vader_compound_pair
from discourse.sentiment_label import TOPIC_WORDS, label_tone, post_tone, sentence_cues, tone_lexicon
from discourse.sides import find_sides
from discourse.text import split_sentences

if TYPE_CHECKING:  # pragma: no cover
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

POSITIVE_AT = 0.05
NEGATIVE_AT = -0.05
OUTPUT_COLUMNS = (
    schema.THREAD_ID,
    schema.POST_ID,
    schema.SENTIMENT,
    schema.SENTIMENT_LABEL,
    schema.SENTIMENT_US,
    schema.SENTIMENT_USSR,
)


@lru_cache(maxsize=1)
def load_analyzer() -> SentimentIntensityAnalyzer:
    """Return the process-wide VADER analyzer, loading the lexicon on first use.

    NLTK >= 3.10.3 only opens ``file:`` paths below a folder on ``nltk.data.path``, so the
    lexicon's folder is appended there first.
    """
    import nltk
    from nltk.sentiment.vader import SentimentIntensityAnalyzer

    path = vader_data.lexicon_path()
    folder = os.path.dirname(path)
    if folder not in nltk.data.path:
        nltk.data.path.append(folder)
    return SentimentIntensityAnalyzer(lexicon_file="file:" + path)


@lru_cache(maxsize=262144)
def sentence_scores(sentence: str) -> tuple[float, float]:
    """Return (VADER's compound, the tone compound) of one sentence, both in [-1, 1].

    The tone compound is the compound with :data:`~discourse.sentiment_label.TOPIC_WORDS`
    taking no valence (:func:`~discourse.sentiment_label.tone_lexicon`); it equals the
    compound for a sentence holding none of them, and only such a sentence is scored twice.
    """
    return vader_compound_pair(sentence, tone_lexicon(), TOPIC_WORDS)


def score_sentence(sentence: str) -> float:
    """Return VADER's compound score of one sentence, in [-1, 1]."""
    return sentence_scores(sentence)[0]


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
def _sentence_facts(sentence: str) -> tuple[float, float, int, float, frozenset[str]]:
    """(compound, tone compound, debate cues, emoji compound, sides named) of one sentence, one memo lookup."""
    hits, pictures = sentence_cues(sentence)
    return *sentence_scores(sentence), hits, pictures, find_sides(sentence)


def score_post(text: str | None) -> tuple[float, float | None, float | None, float]:
    """Return (mean compound, toward US, toward USSR, tone) for one text in one sentence pass.

    The tone is :func:`discourse.sentiment_label.post_tone`, the number the label is read from.
    """
    total = 0.0
    tones = []
    balance = 0
    emoji = 0.0
    us_sum = ussr_sum = 0.0
    us_n = ussr_n = 0
    for sentence in split_sentences(text):
        value, tone, hits, pictures, sides = _sentence_facts(sentence)
        total += value
        tones.append(tone)
        balance += hits
        emoji += pictures
        if sides:
            if "us" in sides:
                us_sum += value
                us_n += 1
            if "ussr" in sides:
                ussr_sum += value
                ussr_n += 1
    n = len(tones)
    mean = total / n if n else 0.0
    us = us_sum / us_n if us_n else None
    ussr = ussr_sum / ussr_n if ussr_n else None
    return mean, us, ussr, post_tone(tones, balance, emoji)


def score_sentiment(posts: pl.DataFrame) -> pl.DataFrame:
    """Score every post's ``own_text``; see the module docstring for the output contract."""
    texts = posts.get_column(schema.OWN_TEXT).to_list() if posts.height else []
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
        pl.Series(schema.SENTIMENT, overall, dtype=pl.Float64),
        pl.Series(schema.SENTIMENT_LABEL, labels, dtype=pl.String),
        pl.Series(schema.SENTIMENT_US, toward_us, dtype=pl.Float64),
        pl.Series(schema.SENTIMENT_USSR, toward_ussr, dtype=pl.Float64),
    )
    return frame.select(OUTPUT_COLUMNS)
