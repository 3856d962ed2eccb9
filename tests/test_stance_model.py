"""StanceClassifier: scikit-learn contract, determinism, calibration, abstention, explanations."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from test_stance_examples import texts_and_labels

from discourse.stance.model import StanceClassifier

# Authored posts (project's own words) the tiny model should get right.
PROBES = {
    "Washington over Moscow any day, the dollars kept us alive.": "pro_us",
    "We should have allied with the Soviets from the start.": "pro_ussr",
    "Stay neutral and keep away from both blocs.": "neutralist",
}


@pytest.fixture(scope="module")
def fitted() -> StanceClassifier:
    texts, labels = texts_and_labels()
    return StanceClassifier().fit(texts, labels)


def test_init_only_stores_params() -> None:
    model = StanceClassifier(C=3.0, min_confidence=0.5)
    params = model.get_params()
    assert params["C"] == 3.0 and params["min_confidence"] == 0.5
    assert not [k for k in vars(model) if k.endswith("_")]


def test_clone_and_set_params_round_trip() -> None:
    model = StanceClassifier(ngram_range=(1, 3), cue_weight=2.0)
    copy = clone(model)
    assert copy.get_params() == model.get_params() and copy is not model
    copy.set_params(**model.get_params())
    assert copy.get_params() == model.get_params()
    assert copy.set_params(C=0.5) is copy and copy.C == 0.5


def test_not_fitted_raises() -> None:
    with pytest.raises(NotFittedError):
        StanceClassifier().predict(["text"])
    with pytest.raises(NotFittedError):
        StanceClassifier().predict_proba(["text"])


def test_fit_returns_self() -> None:
    texts, labels = texts_and_labels()
    model = StanceClassifier(calibrate=False)
    assert model.fit(texts, labels) is model


def test_rejects_bad_input() -> None:
    with pytest.raises(TypeError):
        StanceClassifier().fit("one string", ["pro_us"])
    with pytest.raises(ValueError):
        StanceClassifier().fit(["a", "b"], ["pro_us"])
    with pytest.raises(ValueError):
        StanceClassifier().fit(["a", "b"], ["pro_us", "pro_us"])


def test_probe_predictions(fitted: StanceClassifier) -> None:
    predicted = fitted.predict(list(PROBES))
    assert list(predicted) == list(PROBES.values())


def test_probabilities_are_calibrated_distributions(fitted: StanceClassifier) -> None:
    assert fitted.calibrator_ is not None
    proba = fitted.predict_proba(list(PROBES) + ["", "Agreed."])
    assert proba.shape == (5, 4)
    assert np.allclose(proba.sum(axis=1), 1.0)
    assert (proba >= 0).all() and (proba <= 1).all()


def test_accepts_polars_numpy_and_none(fitted: StanceClassifier) -> None:
    texts = list(PROBES)
    base = fitted.predict_proba(texts)
    assert np.array_equal(base, fitted.predict_proba(pl.Series(texts)))
    assert np.array_equal(base, fitted.predict_proba(np.array(texts, dtype=object)))
    assert fitted.predict_proba([None]).shape == (1, 4)


def test_abstains_below_min_confidence(fitted: StanceClassifier) -> None:
    texts = list(PROBES) + ["The meeting was in April."]
    proba = fitted.predict_proba(texts)
    strict = clone(fitted).set_params(min_confidence=1.0)
    strict.__dict__.update({k: v for k, v in vars(fitted).items() if k.endswith("_")})
    assert set(strict.predict(texts)) == {"none"}
    loose = fitted.predict(texts)
    top = fitted.classes_[proba.argmax(axis=1)]
    for label, best, p in zip(loose, top, proba.max(axis=1), strict=True):
        assert label == (best if p >= fitted.min_confidence else "none")


def test_abstain_label_is_configurable() -> None:
    texts, labels = texts_and_labels()
    model = StanceClassifier(min_confidence=0.99, abstain_label="unsure").fit(texts, labels)
    assert "unsure" in set(model.predict(["Something vague happened."]))


def test_deterministic() -> None:
    texts, labels = texts_and_labels()
    a = StanceClassifier().fit(texts, labels)
    b = StanceClassifier().fit(texts, labels)
    assert np.array_equal(a.linear_.coef_, b.linear_.coef_)
    probe = list(PROBES) + texts[:10]
    assert np.array_equal(a.predict_proba(probe), b.predict_proba(probe))
    assert a.explain(probe) == b.explain(probe)


def test_explanations_name_cues(fitted: StanceClassifier) -> None:
    labels, proba, cues = fitted.predict_explained(list(PROBES), top_k=4)
    assert len(cues) == 3 and all(0 < len(c) <= 4 for c in cues)
    assert "lean:us" in cues[0] or "prefers:us" in cues[0]
    assert any(c.startswith(("should:ussr", "lean:ussr")) for c in cues[1])
    assert any("neutral" in c for c in cues[2])
    assert all(isinstance(name, str) for row in cues for name in row)
    assert any(name.startswith('ngram:"') for row in fitted.explain(list(PROBES), top_k=10) for name in row)


def test_small_class_skips_calibration() -> None:
    texts = ["USA over USSR", "USSR over USA", "neutral please", "hello"] * 2
    labels = ["pro_us", "pro_ussr", "neutralist", "none"] * 2
    model = StanceClassifier(calibration_folds=3).fit(texts, labels)
    assert model.calibrator_ is None
    assert model.predict_proba(["USA"]).shape == (1, 4)


def test_top_features(fitted: StanceClassifier) -> None:
    names = [name for name, _ in fitted.top_features("neutralist", 10)]
    assert any("neutral" in n for n in names)


# --- faster prediction paths give scikit-learn's numbers (regression guards) --------------

@pytest.mark.parametrize("ngram_range", [(1, 2), (1, 1), (2, 2), (1, 3)])
def test_ngram_counting_equals_vectorizer(fitted: StanceClassifier, ngram_range: tuple[int, int]) -> None:
    import copy

    from discourse.fastpaths import tfidf_rows
    from discourse.stance.model import ngram_text

    texts, _ = texts_and_labels()
    docs = [ngram_text(t) for t in texts[:40]] + ["", "a a a", "_us_ over _ussr_ over _us_"]
    vectorizer = copy.deepcopy(fitted.vectorizer_)
    vectorizer.ngram_range = ngram_range  # same vocabulary, other n-grams looked up
    expected = vectorizer.transform(docs)
    got = tfidf_rows(vectorizer.vocabulary_, vectorizer.idf_, vectorizer.ngram_range, docs)
    assert type(got) is type(expected) and got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


@pytest.mark.parametrize("ngram_range", [(1, 2), (2, 3), (1, 3)])
def test_ngram_index_never_counts_an_ngram_across_two_documents(ngram_range: tuple[int, int]) -> None:
    """Guards the array lookup of n-grams: the documents of a batch lie end to end in one array,
    and an n-gram may not run from one into the next (nor through an empty one)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from discourse.fastpaths import tfidf_rows

    # Authored toy documents: every n-gram below is in the vocabulary.
    train = ["alpha beta gamma", "beta gamma delta", "gamma delta alpha beta"]
    vectorizer = TfidfVectorizer(analyzer="word", token_pattern=r"\S+", lowercase=False, sublinear_tf=True,
                                 ngram_range=ngram_range).fit(train)
    docs = ["alpha", "beta gamma", "", "delta", "alpha beta", "gamma", "unknown alpha beta unknown gamma delta", "beta"]
    expected = vectorizer.transform(docs)
    got = tfidf_rows(vectorizer.vocabulary_, vectorizer.idf_, vectorizer.ngram_range, docs)
    assert np.array_equal(got.indptr, expected.indptr) and np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)
    assert got.nnz > 0


def test_top_cues_equal_row_by_row_ranking(fitted: StanceClassifier) -> None:
    texts, _ = texts_and_labels()
    probe = list(PROBES) + texts[:30]
    linear = fitted.linear()
    proba, features, _, _ = linear.score(probe)
    best = proba.argmax(axis=1)
    coef = fitted.linear_.coef_
    relative = coef - coef.mean(axis=0, keepdims=True)
    expected = []
    for row in range(features.shape[0]):
        lo, hi = features.indptr[row], features.indptr[row + 1]
        cols = features.indices[lo:hi]
        push = features.data[lo:hi] * relative[best[row], cols]
        order = np.argsort(-push, kind="stable")[:3]
        expected.append([str(fitted.feature_names_[cols[i]]) for i in order if push[i] > 0])
    assert linear.top_cues(features, best, 3) == expected


def test_unit_sample_weight_fits_exactly_as_no_weight() -> None:
    texts, labels = texts_and_labels()
    plain = StanceClassifier().fit(texts, labels)
    unit = StanceClassifier().fit(texts, labels, sample_weight=np.ones(len(texts)))
    assert np.array_equal(plain.linear_.coef_, unit.linear_.coef_)
    assert np.array_equal(plain.predict_proba(texts), unit.predict_proba(texts))


def test_sample_weight_changes_the_fit_and_the_class_prior() -> None:
    texts, labels = texts_and_labels()
    weight = np.where(np.asarray(labels) == "pro_us", 5.0, 1.0)
    plain = StanceClassifier(calibrate=False).fit(texts, labels)
    weighted = StanceClassifier(calibrate=False).fit(texts, labels, sample_weight=weight)
    assert not np.allclose(plain.linear_.coef_, weighted.linear_.coef_)
    us = list(weighted.classes_).index("pro_us")
    assert weighted.class_prior_[us] > plain.class_prior_[us]
    assert weighted.class_prior_.sum() == pytest.approx(1.0)
    calibrated = StanceClassifier().fit(texts, labels, sample_weight=weight)  # calibration path too
    unweighted = StanceClassifier().fit(texts, labels)
    assert not np.allclose(calibrated.predict_proba(texts), unweighted.predict_proba(texts))


def test_sample_weight_is_validated() -> None:
    texts, labels = texts_and_labels()
    with pytest.raises(ValueError, match="sample_weight"):
        StanceClassifier().fit(texts, labels, sample_weight=[1.0])
    with pytest.raises(ValueError, match="sample_weight"):
        StanceClassifier().fit(texts, labels, sample_weight=-np.ones(len(texts)))
