"""VADER sentiment per sentence of a post's own words, overall and toward each side.

The analyzer is NLTK's ``SentimentIntensityAnalyzer`` with the lexicon that ships inside the
``vaderSentiment`` wheel, so nothing is downloaded. It is built once per process
(:func:`load_analyzer`), and sentence scores are memoised because the stance model and the
sentiment stage score the same sentences.

Contract of :func:`score_sentiment`: one row per input post, in input order, with
``sentiment`` = mean compound over the sentences of ``own_text`` (0.0 when it has none),
``sentiment_label`` = positive (>= 0.05) / negative (<= -0.05) / neutral, and
``sentiment_us`` / ``sentiment_ussr`` = mean compound of the sentences naming that side, null
when no sentence names it.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

import polars as pl

from discourse import schema
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


@lru_cache(maxsize=262144)
def score_sentence(sentence: str) -> float:
    """Return VADER's compound score of one sentence, in [-1, 1]."""
    return float(load_analyzer().polarity_scores(sentence)["compound"])


def label_compound(value: float) -> str:
    """Map a compound score to positive / neutral / negative with VADER's usual 0.05 cut-offs."""
    if value >= POSITIVE_AT:
        return "positive"
    if value <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def score_text(text: str | None) -> tuple[float, float | None, float | None]:
    """Return (mean compound, mean compound toward US, toward USSR) for one text."""
    total = 0.0
    n = 0
    side_sum = {"us": 0.0, "ussr": 0.0}
    side_n = {"us": 0, "ussr": 0}
    for sentence in split_sentences(text):
        value = score_sentence(sentence)
        total += value
        n += 1
        for side in find_sides(sentence):
            side_sum[side] += value
            side_n[side] += 1
    mean = total / n if n else 0.0
    us = side_sum["us"] / side_n["us"] if side_n["us"] else None
    ussr = side_sum["ussr"] / side_n["ussr"] if side_n["ussr"] else None
    return mean, us, ussr


def score_sentiment(posts: pl.DataFrame) -> pl.DataFrame:
    """Score every post's ``own_text``; see the module docstring for the output contract."""
    texts = posts.get_column("own_text").to_list() if posts.height else []
    overall: list[float] = []
    toward_us: list[float | None] = []
    toward_ussr: list[float | None] = []
    for text in texts:
        mean, us, ussr = score_text(text)
        overall.append(mean)
        toward_us.append(us)
        toward_ussr.append(ussr)
    frame = posts.select(schema.THREAD_ID, schema.POST_ID).with_columns(
        pl.Series("sentiment", overall, dtype=pl.Float64),
        pl.Series("sentiment_us", toward_us, dtype=pl.Float64),
        pl.Series("sentiment_ussr", toward_ussr, dtype=pl.Float64),
    )
    label = (
        pl.when(pl.col("sentiment") >= POSITIVE_AT)
        .then(pl.lit("positive"))
        .when(pl.col("sentiment") <= NEGATIVE_AT)
        .then(pl.lit("negative"))
        .otherwise(pl.lit("neutral"))
    )
    return frame.with_columns(label.alias("sentiment_label")).select(OUTPUT_COLUMNS)
