"""VADER sentiment on own text: per sentence, per post and toward each side."""

from __future__ import annotations

import time

import polars as pl
import pytest

from discourse.sentiment import label_compound, load_analyzer, score_sentiment, score_text


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


def test_batch_is_fast() -> None:
    texts = [f"Post {i}: the USSR was a poor ally but the USA paid well." for i in range(2000)]
    start = time.perf_counter()
    out = score_sentiment(_posts(texts))
    assert out.height == 2000
    assert time.perf_counter() - start < 10
