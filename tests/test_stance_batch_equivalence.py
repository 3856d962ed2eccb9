"""The batched cue path gives exactly what the one-sentence-at-a-time path gives.

``classify_posts`` runs over a generated corpus of a few thousand posts (``bench/generate.py``,
the benchmark's own generator) twice: once as the pipeline runs it, the new sentences of a call
prepared as one batch (one gazetteer scan for all of them), and once through the reference
path kept for this test, where each new sentence is prepared on its own by ``Sentence(raw)``
(its side mentions found by a scan of that sentence alone), every memo emptied first. Every
column of the two tables must be equal, floats bit for bit.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import polars as pl
import pytest

from discourse import schema, sides
from discourse.classify import classify_posts
from discourse.stance import cues, sentence_cues
from discourse.stance.model import StanceClassifier
from discourse.stance.train import model_params

BENCH = Path(__file__).resolve().parents[1] / "bench"
N_POSTS = 3000
N_THREADS = 30


def _generator():
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("bench_generate", module)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> tuple[list[pl.DataFrame], StanceClassifier]:
    """Per-thread post tables of a generated corpus, and a model fitted on generated posts."""
    gen = _generator()
    authors = gen._author_pool(200, 7)
    threads = []
    for index, size in enumerate(gen._thread_sizes(N_POSTS, N_THREADS, 7)):
        _, posts = gen.build_thread(index, size, 7, authors)
        n = len(posts)
        threads.append(schema.conform(pl.DataFrame({
            schema.THREAD_ID: [f"g{index}"] * n, schema.POST_ID: [str(k) for k in range(n)],
            schema.POSITION: list(range(n)), "text": [p.text for p in posts],
            "own_text": [p.own_text for p in posts],
        }), schema.POSTS))
    texts, labels = zip(*gen.labelled_examples(400, seed=7), strict=True)
    params = {**model_params(), "adapt_prior": 20.0}  # also exercise the per-thread prior
    return threads, StanceClassifier(**params).fit(list(texts), list(labels))


def _forget_everything() -> None:
    from discourse import sentiment, text

    sentence_cues.clear_sentence_memo()
    sides._scanned.clear()
    sentiment.sentence_scores.cache_clear()
    sentiment._sentence_facts.cache_clear()
    text._split_cached.cache_clear()


def _one_by_one(raws: list[str]) -> list[sentence_cues.SentenceCues]:
    """The reference: each sentence prepared and scored on its own, nothing memoised."""
    return [sentence_cues.compute_sentence_cues(raw, sentence_cues.Sentence(raw)) for raw in raws]


def _classify_all(threads: list[pl.DataFrame], model: StanceClassifier) -> pl.DataFrame:
    empty_quotes = schema.empty(schema.QUOTES)
    return pl.concat([classify_posts(posts, empty_quotes, model) for posts in threads])


def test_batched_classification_equals_sentence_by_sentence(
    generated: tuple[list[pl.DataFrame], StanceClassifier], monkeypatch: pytest.MonkeyPatch
) -> None:
    threads, model = generated
    _forget_everything()
    batched = _classify_all(threads, model)
    _forget_everything()
    with monkeypatch.context() as patch:
        patch.setattr(cues, "sentence_cues_many", _one_by_one)
        reference = _classify_all(threads, model)
    _forget_everything()
    assert batched.height == sum(t.height for t in threads) >= N_POSTS * 0.9
    assert batched.columns == reference.columns
    for column in batched.columns:
        assert batched.get_column(column).equals(reference.get_column(column), check_names=True), column
    # Not a vacuous comparison: the corpus takes sides and carries sentiment.
    assert batched.get_column("stance").n_unique() >= 3
    assert batched.get_column("sentiment_us").is_not_null().sum() > N_POSTS / 4


def test_a_threads_classification_does_not_depend_on_the_threads_beside_it(
    generated: tuple[list[pl.DataFrame], StanceClassifier],
) -> None:
    """Guards the run's batches of files: all threads in one call give, float for float, what
    each thread gives alone, also for threads whose posts are all one segment long."""
    threads, model = generated
    linear = model.linear()

    def one_segment(text: str | None) -> bool:
        return len(linear.segments([text or ""])[0]) == 1

    # Each generated thread's one-segment posts once more, as a thread of their own.
    short = [
        t.filter(pl.col("own_text").map_elements(one_segment, return_dtype=pl.Boolean))
        .with_columns(pl.lit(f"short-{i}").alias(schema.THREAD_ID))
        for i, t in enumerate(threads)
    ]
    threads = [*threads, *[t for t in short if t.height]]
    one_call = classify_posts(pl.concat(threads), schema.empty(schema.QUOTES), model)
    alone = _classify_all(threads, model)
    for column in one_call.columns:
        assert one_call.get_column(column).equals(alone.get_column(column), check_names=True), column
    # Not vacuous: some threads have a post scored in several segments and some have none.
    segmented = [not all(map(one_segment, t["own_text"].to_list())) for t in threads]
    assert any(segmented) and not all(segmented)


def test_batched_cue_rows_equal_sentence_by_sentence(
    generated: tuple[list[pl.DataFrame], StanceClassifier], monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [t for posts in generated[0] for t in posts.get_column("own_text").to_list()]
    _forget_everything()
    matrix, words = cues.cue_matrix_with_words(texts)
    _forget_everything()
    with monkeypatch.context() as patch:
        patch.setattr(cues, "sentence_cues_many", _one_by_one)
        expected, expected_words = cues.cue_matrix_with_words(texts)
    assert words == expected_words
    assert np.array_equal(matrix, expected)  # bit for bit: same sums in the same order
    assert (matrix != 0).sum() > len(texts)


def test_memo_hits_give_the_batch_results() -> None:
    """A second pass served from the memos gives the first pass's rows."""
    texts = ["The USA was a better ally than the USSR. Moscow never helped us.",
             "Moscow never helped us. We should have stayed neutral.", ""]
    _forget_everything()
    first = cues.cue_matrix(texts)
    assert np.array_equal(cues.cue_matrix(texts), first)
    assert np.array_equal(cues.cue_matrix(texts[::-1]), first[::-1])


def test_batches_larger_than_the_memos_keep_every_result(monkeypatch: pytest.MonkeyPatch) -> None:
    """Regression: a call with more new sentences than the memo holds, hits and repeats mixed in."""
    texts = [f"The USA sent {k} tractors. Moscow sent none." for k in range(12)]
    _forget_everything()
    expected = cues.cue_matrix(texts)
    monkeypatch.setattr(sentence_cues._memo, "size", 3)
    monkeypatch.setattr(sides._scanned, "size", 3)
    _forget_everything()
    cues.cue_matrix(texts[:2])  # some hits for the next call
    assert np.array_equal(cues.cue_matrix(texts + texts[:5]), np.vstack([expected, expected[:5]]))
    assert len(sentence_cues._memo) == 3 and len(sides._scanned) == 3
    _forget_everything()
