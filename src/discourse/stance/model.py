"""``StanceClassifier``: target-aware cues plus word n-grams, logistic regression, calibrated.

Input ``X`` is a sequence of texts (list, NumPy array or Polars Series of strings; ``None``
counts as empty). Labels are any hashable values; the pipeline uses :data:`schema.STANCES`.

* Features: the cue block of :mod:`discourse.stance.cues` (signed log1p, times ``cue_weight``)
  next to word n-gram TF-IDF over side-tagged tokens (times ``ngram_weight``). Word n-grams,
  not character n-grams: on this data character n-grams cost most of the prediction time.
* Classifier: multinomial ``LogisticRegression``. With ``calibrate=True`` it is wrapped in
  ``CalibratedClassifierCV(method="sigmoid", ensemble=False)`` over stratified folds, so the
  sigmoid maps are fitted on out-of-fold scores while the final linear model is fitted on all
  data (and is the one whose coefficients explain predictions).
* Abstention: :meth:`predict` returns ``abstain_label`` when the top calibrated probability is
  below ``min_confidence``.
* Thread prior: with ``adapt_prior`` set, the probabilities of each thread's posts are adapted
  to that thread's own class mix, estimated by EM (:mod:`discourse.stance.priors`); the
  training set's mix is not a real thread's.
* Deterministic: fixed ``random_state`` for the folds and the solver; the same data and params
  give identical coefficients and predictions.
* Prediction: the fitted model's arrays as :class:`~discourse.stance.linear.LinearStance`
  (:meth:`StanceClassifier.linear`), which computes scikit-learn's probabilities without it;
  a run loads those arrays and never this class.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from discourse.stance.cues import CUE_NAMES, cue_matrix
from discourse.stance.linear import LinearStance, as_texts, cue_block, from_classifier, ngram_text

__all__ = ["CODE_VERSION", "StanceClassifier", "as_texts", "ngram_text"]

#: Bumped whenever features or training change in a way that invalidates saved models.
CODE_VERSION = "stance-3"


def _check_weight(sample_weight: Any, n: int) -> np.ndarray | None:
    """Return ``sample_weight`` as a float array of length ``n``, or None when it is None or all 1.

    Raises ``ValueError`` on a wrong length, a negative or non-finite weight, or an all-zero
    total.
    """
    if sample_weight is None:
        return None
    weight = np.asarray(sample_weight, dtype=np.float64).ravel()
    if weight.shape[0] != n:
        raise ValueError(f"sample_weight has {weight.shape[0]} values for {n} texts")
    if not np.all(np.isfinite(weight)) or np.any(weight < 0) or weight.sum() <= 0:
        raise ValueError("sample_weight must be finite, non-negative and not all zero")
    # Unit weights are no weights: scikit-learn then takes its unweighted code paths.
    return None if np.all(weight == 1.0) else weight


class StanceClassifier(ClassifierMixin, BaseEstimator):
    """Stance of a post toward the Cold War sides; see the module docstring for the contract.

    Parameters
    ----------
    ngram_range, min_df, max_features : word n-gram TF-IDF settings.
    cue_weight, ngram_weight : multipliers of the two feature blocks (regularisation is shared,
        so these set how much each block may say).
    C, class_weight, max_iter : logistic-regression settings.
    calibrate, calibration_folds : sigmoid calibration over this many stratified folds; skipped
        when a class has fewer examples than folds.
    min_confidence : below this top probability :meth:`predict` abstains.
    abstain_label : the label returned on abstention.
    random_state : seed of the folds and the solver.
    cue_names : the cues to use (names from ``CUE_NAMES``); ``None`` uses them all.
    segment_sentences : at prediction, a text longer than this many sentences is cut into
        consecutive segments of this size, each segment is scored, and the text's probabilities
        are the segments' average weighted toward segments that take a side: a long post states
        its verdict somewhere, and narration around it should not dilute it (the training posts
        are short, forum posts often are not). ``None`` scores whole texts.
    adapt_prior : when set, the probabilities of each batch of texts (one thread; see the
        ``groups`` argument of the predict methods) are adapted to that batch's own class mix,
        estimated by EM with pseudo-posts pulling it toward the training class frequencies: one
        per text of the batch, and at least ``adapt_prior`` (:mod:`discourse.stance.priors`).
        A thread where most posts take no side then needs stronger evidence before a post is
        given a side, and the reverse. ``None`` scores every text on its own.

    Learned attributes: ``vectorizer_``, ``linear_``, ``calibrator_``, ``classes_``,
    ``class_prior_`` (training frequency of each class, in ``classes_`` order) and
    ``feature_names_``.
    """

    def __init__(
        self,
        ngram_range: tuple[int, int] = (1, 2),
        min_df: int = 2,
        max_features: int | None = 50000,
        cue_weight: float = 0.3,
        ngram_weight: float = 1.0,
        C: float = 3.0,
        class_weight: str | dict | None = "balanced",
        max_iter: int = 3000,
        calibrate: bool = True,
        calibration_folds: int = 3,
        min_confidence: float = 0.4,
        abstain_label: Any = "none",
        random_state: int = 0,
        cue_names: tuple[str, ...] | None = None,
        segment_sentences: int | None = 6,
        adapt_prior: float | None = None,
    ) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.max_features = max_features
        self.cue_weight = cue_weight
        self.ngram_weight = ngram_weight
        self.C = C
        self.class_weight = class_weight
        self.max_iter = max_iter
        self.calibrate = calibrate
        self.calibration_folds = calibration_folds
        self.min_confidence = min_confidence
        self.abstain_label = abstain_label
        self.random_state = random_state
        self.cue_names = cue_names
        self.segment_sentences = segment_sentences
        self.adapt_prior = adapt_prior

    # --- features ------------------------------------------------------------------------
    def _cue_columns(self) -> list[int]:
        if self.cue_names is None:
            return list(range(len(CUE_NAMES)))
        unknown = set(self.cue_names) - set(CUE_NAMES)
        if unknown:
            raise ValueError(f"unknown cue names: {sorted(unknown)}")
        return [i for i, name in enumerate(CUE_NAMES) if name in set(self.cue_names)]

    def _cue_block(self, texts: Sequence[str]):
        return cue_block(cue_matrix(texts), self._cue_columns(), self.cue_weight)

    # --- estimator API -------------------------------------------------------------------
    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> StanceClassifier:
        """Fit on texts ``X`` and labels ``y``; return ``self``.

        ``sample_weight`` (one non-negative number per text, or None) weighs each text in the
        logistic loss, in the sigmoid calibration and in ``class_prior_``: a few real labels
        can be made to count against many authored rows (:data:`discourse.stance.train.LABEL_WEIGHT`).
        All weights equal to 1 fit exactly as no weights.
        """
        from threadpoolctl import threadpool_limits

        # Single-threaded BLAS: on a small problem, thread start-up and contention made
        # L-BFGS ~100x slower on a busy two-core machine, and one thread is reproducible.
        with threadpool_limits(limits=1, user_api="blas"):
            return self._fit(X, y, sample_weight)

    def _fit(self, X: Any, y: Any, sample_weight: Any = None) -> StanceClassifier:
        texts = as_texts(X)
        labels = np.asarray(list(y) if not isinstance(y, np.ndarray) else y)
        if len(texts) != len(labels):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        weight = _check_weight(sample_weight, len(texts))
        if len(np.unique(labels)) < 2:
            raise ValueError("StanceClassifier needs at least two classes in y")
        self._fit_linear(self._fit_features(texts), labels, weight)
        return self

    def _fit_features(self, texts: list[str]) -> Any:
        """Fit the n-gram vocabulary on ``texts``; return their feature matrix (cues, then n-grams)."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        self.vectorizer_ = TfidfVectorizer(
            analyzer="word",
            token_pattern=r"\S+",
            lowercase=False,
            ngram_range=tuple(self.ngram_range),
            min_df=min(self.min_df, len(texts)),
            max_features=self.max_features,
            sublinear_tf=True,
        )
        return self._stack_features(texts, self.vectorizer_.fit_transform([ngram_text(t) for t in texts]))

    def _stack_features(self, texts: list[str], grams: Any) -> Any:
        """Name the features (the cues, then the fitted vectorizer's n-grams) and return the cue
        block of ``texts`` beside ``grams``, their n-gram TF-IDF, weighted."""
        from scipy import sparse

        self.feature_names_ = np.asarray(
            [CUE_NAMES[i] for i in self._cue_columns()]
            + [f'ngram:"{g}"' for g in self.vectorizer_.get_feature_names_out()],
            dtype=object,
        )
        return sparse.hstack([self._cue_block(texts), grams * self.ngram_weight], format="csr")

    def _fit_linear(self, features: Any, labels: np.ndarray, weight: np.ndarray | None) -> None:
        """Fit the (calibrated) logistic regression on a feature matrix; set ``classes_`` and
        ``class_prior_``."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold

        counts = np.unique(labels, return_counts=True)[1]
        linear = LogisticRegression(
            C=self.C,
            class_weight=self.class_weight,
            max_iter=self.max_iter,
            random_state=self.random_state,
        )
        if self.calibrate and counts.min() >= self.calibration_folds >= 2:
            folds = StratifiedKFold(
                n_splits=self.calibration_folds, shuffle=True, random_state=self.random_state
            )
            self.calibrator_ = CalibratedClassifierCV(
                linear, method="sigmoid", cv=folds, ensemble=False
            ).fit(features, labels, sample_weight=weight)
            self.linear_ = self.calibrator_.calibrated_classifiers_[0].estimator
        else:
            self.calibrator_ = None
            self.linear_ = linear.fit(features, labels, sample_weight=weight)
        self.classes_ = self.linear_.classes_
        mass = np.ones(len(labels)) if weight is None else weight
        self.class_prior_ = np.array([mass[labels == c].sum() for c in self.classes_]) / mass.sum()

    def linear(self) -> LinearStance:
        """This fitted model as :class:`~discourse.stance.linear.LinearStance`, the one
        implementation of prediction (its arrays are this model's, not copies)."""
        check_is_fitted(self, "linear_")
        return from_classifier(self)

    def predict_proba(self, X: Any, groups: Any = None) -> np.ndarray:
        """Return calibrated class probabilities, columns in ``classes_`` order.

        Texts longer than ``segment_sentences`` sentences are scored in segments whose
        probabilities are combined, each weighted by ``(1 - p_abstain)**2``. ``groups`` (one
        id per text, e.g. the thread id) sets the batches that ``adapt_prior`` adapts to;
        without it all of ``X`` is one batch. Ignored when ``adapt_prior`` is None.
        """
        return self.linear().predict_proba(X, groups)

    def predict(self, X: Any, groups: Any = None) -> np.ndarray:
        """Return the most probable class, or ``abstain_label`` below ``min_confidence``."""
        return self.linear().predict(X, groups)

    def predict_explained(
        self, X: Any, top_k: int = 5, groups: Any = None
    ) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """Return (labels, probabilities, cues) computing the features once (``groups``: see
        :meth:`predict_proba`).

        ``cues[i]`` lists up to ``top_k`` feature names with the largest positive
        contribution toward the most probable class of text ``i``; a contribution is the
        feature value times that class's coefficient minus the mean coefficient over classes.
        """
        return self.linear().predict_explained(X, top_k, groups)

    def explain(self, X: Any, top_k: int = 5) -> list[list[str]]:
        """Return, per text, the cues that pushed hardest toward its most probable class."""
        return self.predict_explained(X, top_k)[2]

    def top_features(self, label: Any, n: int = 15) -> list[tuple[str, float]]:
        """Return the ``n`` features with the largest relative coefficient for ``label``."""
        row = self.linear().relative_coef()[list(self.classes_).index(label)]
        order = np.argsort(-row, kind="stable")[:n]
        return [(str(self.feature_names_[i]), float(row[i])) for i in order]

