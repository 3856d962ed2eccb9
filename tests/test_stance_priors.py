"""Thread-prior adaptation: EM re-estimation of a batch's class mix, and its use by the model."""

from __future__ import annotations

import numpy as np
import pytest
from test_stance_examples import texts_and_labels

from discourse.stance.model import StanceClassifier
from discourse.stance.priors import adapt_by_group, adapt_to_batch, thread_strength

TRAIN_PRIOR = np.array([0.25, 0.25, 0.25, 0.25])


def _mostly_first_class(n: int = 40) -> np.ndarray:
    """A batch where most rows lean clearly to class 0 and one row is torn between 0 and 1."""
    rows = np.tile([0.85, 0.05, 0.05, 0.05], (n, 1))
    rows[-1] = [0.40, 0.45, 0.10, 0.05]
    return rows


def test_rows_stay_distributions_and_estimate_follows_the_batch() -> None:
    proba = _mostly_first_class()
    adjusted, prior = adapt_to_batch(proba, TRAIN_PRIOR, strength=8)
    np.testing.assert_allclose(adjusted.sum(axis=1), 1.0)
    assert prior.sum() == pytest.approx(1.0)
    assert prior[0] > 0.6  # the batch is mostly class 0, and the estimate says so
    # The torn row tips toward the class the thread is full of.
    assert proba[-1].argmax() == 1 and adjusted[-1].argmax() == 0


def test_batch_with_training_mix_is_left_alone() -> None:
    # Posteriors whose mean equals the training prior are already a fixed point of EM.
    proba = np.array([[0.7, 0.1, 0.1, 0.1], [0.1, 0.7, 0.1, 0.1], [0.1, 0.1, 0.7, 0.1], [0.1, 0.1, 0.1, 0.7]])
    adjusted, prior = adapt_to_batch(proba, TRAIN_PRIOR, strength=0)
    np.testing.assert_allclose(adjusted, proba, atol=1e-9)
    np.testing.assert_allclose(prior, TRAIN_PRIOR, atol=1e-9)


def test_strength_pulls_toward_the_training_prior() -> None:
    proba = _mostly_first_class()
    moved = [adapt_to_batch(proba, TRAIN_PRIOR, s)[1][0] for s in (0, 8, 64, 1e9)]
    assert moved == sorted(moved, reverse=True)  # more pseudo-posts, less movement
    np.testing.assert_allclose(adapt_to_batch(proba, TRAIN_PRIOR, 1e9)[0], proba, atol=1e-6)


def test_smoothing_keeps_a_rare_class_alive_in_a_short_thread() -> None:
    # Five posts with none in class 3: without pseudo-posts EM drives its prior toward zero.
    proba = np.tile([0.5, 0.3, 0.15, 0.05], (5, 1))
    assert adapt_to_batch(proba, TRAIN_PRIOR, 0)[1][3] < 0.01
    assert adapt_to_batch(proba, TRAIN_PRIOR, 32)[1][3] > 0.15


def test_row_order_does_not_matter() -> None:
    proba = np.random.default_rng(0).dirichlet(np.ones(4), size=30)
    order = np.random.default_rng(1).permutation(30)
    np.testing.assert_allclose(
        adapt_to_batch(proba, TRAIN_PRIOR, 16)[0][order], adapt_to_batch(proba[order], TRAIN_PRIOR, 16)[0]
    )


def test_empty_batch_and_bad_arguments() -> None:
    adjusted, prior = adapt_to_batch(np.zeros((0, 4)), TRAIN_PRIOR, 32)
    assert adjusted.shape == (0, 4) and np.array_equal(prior, TRAIN_PRIOR)
    with pytest.raises(ValueError):
        adapt_to_batch(np.ones((2, 3)) / 3, TRAIN_PRIOR, 32)
    with pytest.raises(ValueError):
        adapt_to_batch(np.ones((2, 4)) / 4, TRAIN_PRIOR, -1)
    with pytest.raises(ValueError):
        adapt_to_batch(np.ones((2, 4)) / 4, np.array([0.5, 0.5, 0.0, 0.0]), 32)


def test_groups_are_adapted_independently_and_in_place() -> None:
    """Regression guard: a post's probabilities depend on its own thread only, whatever else
    is in the batch and however the rows are interleaved."""
    rng = np.random.default_rng(2)
    a, b = _mostly_first_class(20), rng.dirichlet(np.ones(4), size=15)
    proba = np.vstack([a, b])
    groups = np.array(["t1"] * 20 + ["t2"] * 15, dtype=object)
    order = rng.permutation(35)
    mixed = adapt_by_group(proba[order], groups[order], TRAIN_PRIOR, 8)
    expected = np.vstack([adapt_to_batch(a, TRAIN_PRIOR, 20)[0], adapt_to_batch(b, TRAIN_PRIOR, 15)[0]])
    np.testing.assert_allclose(mixed, expected[order])
    with pytest.raises(ValueError):
        adapt_by_group(proba, groups[:3], TRAIN_PRIOR, 8)


def test_long_threads_move_at_most_half_way() -> None:
    """Regression guard: with a fixed number of pseudo-posts a long thread's estimate ran to
    EM's own, which sharpens toward the commonest class and cost authored pseudo-threads of
    1,000 posts up to 0.01 macro-F1. One pseudo-post per post keeps it half-way or closer."""
    assert thread_strength(5, 32) == 32 and thread_strength(500, 32) == 500
    rng = np.random.default_rng(3)
    for n in (40, 400, 4000):
        proba = rng.dirichlet([8, 1, 1, 1], size=n)
        em_alone = adapt_to_batch(proba, TRAIN_PRIOR, 0)[1]
        groups = np.zeros(n, dtype=np.int64)
        adapted = adapt_by_group(proba, groups, TRAIN_PRIOR, 32)
        np.testing.assert_allclose(adapted, adapt_to_batch(proba, TRAIN_PRIOR, n)[0])
        estimate = adapt_to_batch(proba, TRAIN_PRIOR, n)[1]
        assert TRAIN_PRIOR[0] < estimate[0] <= (TRAIN_PRIOR[0] + em_alone[0]) / 2 + 1e-9


@pytest.fixture(scope="module")
def texts_labels() -> tuple[list[str], list[str]]:
    return texts_and_labels()


def test_model_learns_its_training_mix(texts_labels) -> None:
    texts, labels = texts_labels
    model = StanceClassifier(adapt_prior=32).fit(texts, labels)
    expected = [np.mean(np.asarray(labels) == c) for c in model.classes_]
    np.testing.assert_allclose(model.class_prior_, expected)


def test_model_adapts_per_thread_and_off_means_unchanged(texts_labels) -> None:
    texts, labels = texts_labels
    plain = StanceClassifier().fit(texts, labels)
    adapted = StanceClassifier(adapt_prior=4).fit(texts, labels)
    thread_a, thread_b = texts[:12], texts[-9:]
    both = thread_a + thread_b
    groups = ["a"] * len(thread_a) + ["b"] * len(thread_b)
    np.testing.assert_allclose(adapted.predict_proba(both, groups=["x"] * len(both)), adapted.predict_proba(both))
    per_thread = np.vstack([adapted.predict_proba(thread_a), adapted.predict_proba(thread_b)])
    assert np.abs(per_thread - plain.predict_proba(both)).max() > 0.01  # adaptation did something
    np.testing.assert_allclose(adapted.predict_proba(both, groups=groups), per_thread)
    labels_e, proba_e, _ = adapted.predict_explained(both, groups=groups)
    np.testing.assert_allclose(proba_e, per_thread)
    assert list(labels_e) == list(adapted.predict(both, groups=groups))
    # The same fitted weights without adaptation give the unadapted probabilities.
    adapted.set_params(adapt_prior=None)
    np.testing.assert_allclose(adapted.predict_proba(both, groups=groups), plain.predict_proba(both))
