"""classify_posts: schema, own-text only, agreement inheritance, batching, sentiment."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from test_stance_examples import texts_and_labels

from discourse import schema
from discourse.classify import classify_posts, is_agreement
from discourse.stance.model import StanceClassifier

SEED_QUOTING_POSITIONS = [7, 9, 14, 15, 16, 18, 19, 20, 22, 27, 28, 31]


class SpyModel:
    """Wraps a fitted model and records every batch of texts it is asked about."""

    def __init__(self, model: StanceClassifier) -> None:
        self.model = model
        self.classes_ = model.classes_
        self.model_version_ = "spy-1"
        self.calls: list[list[str]] = []

    def predict_explained(self, texts, top_k=5, groups=None):
        self.calls.append(list(texts))
        return self.model.predict_explained(texts, top_k, groups)


@pytest.fixture(scope="module")
def model() -> StanceClassifier:
    texts, labels = texts_and_labels()
    return StanceClassifier().fit(texts, labels)


def _thread(texts: list[str], own: list[str] | None = None) -> pl.DataFrame:
    own = own if own is not None else texts
    n = len(texts)
    return schema.conform(pl.DataFrame({
        "thread_id": ["t1"] * n, "post_id": [f"p{i}" for i in range(n)], "position": list(range(n)),
        "text": texts, "own_text": own,
    }), schema.POSTS)


def _quotes(rows: list[tuple[str, str, int, int]]) -> pl.DataFrame:
    return schema.conform(pl.DataFrame(
        {"thread_id": ["t1"] * len(rows), "post_id": [r[0] for r in rows],
         "quoted_post_id": [r[1] for r in rows], "span_start": [r[2] for r in rows],
         "span_end": [r[3] for r in rows], "method": ["marker"] * len(rows), "score": [1.0] * len(rows)},
        schema={"thread_id": pl.String, "post_id": pl.String, "quoted_post_id": pl.String,
                "span_start": pl.Int64, "span_end": pl.Int64, "method": pl.String, "score": pl.Float64},
    ), schema.QUOTES)


@pytest.mark.parametrize("text", ["Agreed", "This is the truth.", "True.", "Spot on", "+1", "Exactly!",
                                  "Agreed, spot on.", "so true bro"])
def test_agreement_phrases(text: str) -> None:
    assert is_agreement(text)


@pytest.mark.parametrize("text", ["", "True. But the Soviets were worse.", "Agreed, except about Moscow.",
                                  "Exactly the opposite happened in 1971."])
def test_not_agreement(text: str) -> None:
    assert not is_agreement(text)


def test_schema_and_order(model: StanceClassifier) -> None:
    # Authored posts (project's own words).
    posts = _thread(["Washington over Moscow any day.", "Stay neutral, both blocs used us.", ""])
    out = classify_posts(posts, _quotes([]), model)
    schema.validate(out, schema.CLASSIFIED)
    assert out["post_id"].to_list() == ["p0", "p1", "p2"]
    probs = out.select("p_pro_us", "p_pro_ussr", "p_neutralist", "p_none").to_numpy()
    assert np.allclose(probs.sum(axis=1), 1.0)
    assert out["stance_source"].to_list() == ["model"] * 3
    assert out["stance"][0] == "pro_us" and out["stance"][1] == "neutralist"
    assert all(out["cues"][0]) and out["cues"][0].len() > 0


def test_empty_posts(model: StanceClassifier) -> None:
    out = classify_posts(schema.empty(schema.POSTS), _quotes([]), model)
    schema.validate(out, schema.CLASSIFIED)
    assert out.height == 0


def test_model_sees_own_text_only(model: StanceClassifier) -> None:
    # Authored: the quoted passage argues for Moscow, the reply's own words for Washington.
    quoted = "We should have allied with the Soviets, Moscow was the better friend."
    own = "Nonsense. Washington over Moscow any day, the Americans paid for everything."
    posts = _thread([quoted, quoted + "\n\n" + own], own=[quoted, own])
    spy = SpyModel(model)
    out = classify_posts(posts, _quotes([("p1", "p0", 0, len(quoted))]), spy)
    assert len(spy.calls) == 1  # one vectorised call for the whole batch
    assert spy.calls[0][1] == own and quoted not in spy.calls[0][1]
    assert out["stance"].to_list() == ["pro_ussr", "pro_us"]
    assert out["model_version"].to_list() == ["spy-1", "spy-1"]


def test_agreement_inherits_quoted_stance(model: StanceClassifier) -> None:
    first = "We should have allied with the Soviets, Moscow was the better friend."
    posts = _thread(
        [first, first + "\nAgreed.", "Agreed.", first + "\nSpot on"],
        own=[first, "Agreed.", "Agreed.", "Spot on"],
    )
    quotes = _quotes([("p1", "p0", 0, len(first)), ("p3", "p1", 0, len(first))])
    out = classify_posts(posts, quotes, model)
    assert out["stance"][0] == "pro_ussr"
    assert out["stance_source"].to_list() == ["model", "inherited", "model", "inherited"]
    assert out["stance"][1] == out["stance"][3] == "pro_ussr"
    assert out["cues"][1].to_list() == ["inherited_from:p0"]
    assert out["cues"][3].to_list() == ["inherited_from:p1"]  # a chain resolves to the root
    assert out["confidence"][1] == out["confidence"][0]


def test_seed_quoting_replies_use_own_text(seed_tables: dict, model: StanceClassifier) -> None:
    posts = seed_tables["posts"].filter(pl.col("thread_id") == "pakpassion-why-not-ussr")
    quotes = seed_tables["quotes"].filter(pl.col("thread_id") == "pakpassion-why-not-ussr")
    quoting = posts.join(quotes.select("post_id").unique(), on="post_id", how="semi")
    assert sorted(quoting["position"].to_list()) == SEED_QUOTING_POSITIONS
    spy = SpyModel(model)
    classify_posts(posts, quotes, spy)
    seen = dict(zip(posts["post_id"].to_list(), spy.calls[0], strict=True))
    for row in quotes.iter_rows(named=True):
        text = posts.filter(pl.col("post_id") == row["post_id"])["text"][0]
        passage = text[row["span_start"]:row["span_end"]].strip()
        assert passage and passage not in seen[row["post_id"]]


def test_sentiment_columns(model: StanceClassifier) -> None:
    posts = _thread(["The Americans were wonderful and generous.", "The Soviets were cruel liars."])
    out = classify_posts(posts, _quotes([]), model)
    assert out["sentiment_label"].to_list() == ["positive", "negative"]
    assert out["sentiment_us"][0] > 0 and out["sentiment_ussr"][0] is None
    assert out["sentiment_ussr"][1] < 0


def test_abstention_marks_cues(model: StanceClassifier) -> None:
    from sklearn.base import clone

    strict = clone(model).set_params(min_confidence=1.0)
    strict.__dict__.update({k: v for k, v in vars(model).items() if k.endswith("_")})
    out = classify_posts(_thread(["Washington over Moscow any day."]), _quotes([]), strict)
    assert out["stance"][0] == "none" and out["cues"][0][0] == "low_confidence"
    assert out["p_pro_us"][0] > out["p_none"][0]


def test_thread_prior_is_adapted_per_thread(model: StanceClassifier) -> None:
    """A post's probabilities depend on its own thread's mix, never on which other threads are
    classified in the same call (``classify`` over a whole posts table batches many)."""
    from sklearn.base import clone

    adapted = clone(model).set_params(adapt_prior=4)
    adapted.__dict__.update({k: v for k, v in vars(model).items() if k.endswith("_")})
    # Authored examples: a thread that mostly takes no side, then one that argues sides.
    quiet = _thread(["Nice weather in Lahore today.", "Who won the match?", "Moving this to the history board.",
                     "Welcome to the forum.", "Washington or Moscow, hard to say."])
    loud = _thread(["Washington over Moscow any day.", "We should have joined the Soviets.",
                    "The Americans armed us, that decided it."]).with_columns(pl.lit("t2").alias("thread_id"))
    both = classify_posts(pl.concat([quiet, loud]), _quotes([]), adapted)
    alone = classify_posts(quiet, _quotes([]), adapted)
    columns = [f"p_{s}" for s in schema.STANCES]
    np.testing.assert_allclose(both.head(quiet.height).select(columns).to_numpy(), alone.select(columns).to_numpy())
    plain = classify_posts(quiet, _quotes([]), model)
    assert not np.allclose(alone.select(columns).to_numpy(), plain.select(columns).to_numpy())


@pytest.mark.parametrize(
    "lists",
    [[], [[]], [[], [], []], [["a"], [], ["b", "c"]], [["low_confidence", "prefers:us"], ["é", ""], []]],
)
def test_string_lists_equal_polars_nested_conversion(lists: list[list[str]]) -> None:
    # The cue column is built from one flat array and offsets; it must be the very series
    # Polars builds from the nested lists (empty lists and empty strings included).
    from discourse.classify import string_lists

    built = string_lists("cues", lists)
    expected = pl.Series("cues", lists, dtype=pl.List(pl.String))
    assert built.dtype == expected.dtype and built.name == "cues"
    assert built.equals(expected) and built.to_list() == lists
