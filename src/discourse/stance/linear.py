"""The fitted stance model as plain arrays: prediction without scikit-learn.

:class:`LinearStance` holds what :class:`~discourse.stance.model.StanceClassifier` learned (the
n-gram vocabulary and idf, the logistic regression's coefficients, the sigmoid calibrators)
and the settings prediction reads, and computes exactly what scikit-learn computes from them:
the same TF-IDF matrix (:func:`discourse.fastpaths.tfidf_rows`), the same decision values
(one sparse product, as ``LogisticRegression.decision_function``), the same calibrated
probabilities (``CalibratedClassifierCV.predict_proba`` with ``method="sigmoid"``,
``ensemble=False``), then segments, thread prior, abstention and top cues. It is the one
implementation of prediction: ``StanceClassifier`` predicts through it too.

Saved beside the pickle (:func:`save_arrays`, one ``.npz`` with no pickled objects), it lets
a run load its model without importing scikit-learn or unpickling anything: about 1.2 s less
for every process that classifies (``discourse.models.load_model``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from discourse import kernels
from discourse.atomic import write_atomic
from discourse.fastpaths import tfidf_rows
from discourse.sides import tag_sides
from discourse.stance.cues import cue_matrix_with_words, scale_cues
from discourse.text import normalise_text, split_sentences, tokenize

#: Version of the ``.npz`` layout; a file of another layout is not loaded.
ARRAYS_FORMAT = 1


class ArraysError(ValueError):
    """A saved arrays file is missing, damaged or of another layout."""


def as_texts(X: Any) -> list[str]:
    """Return ``X`` as a list of strings (``None`` and NaN become ``""``)."""
    if hasattr(X, "to_list"):
        X = X.to_list()
    elif isinstance(X, np.ndarray):
        X = X.ravel().tolist()
    elif isinstance(X, str):
        raise TypeError("X must be a sequence of texts, not a single string")
    return [x if isinstance(x, str) else "" for x in X]


def cue_block(cues: np.ndarray, columns: Sequence[int], weight: float):
    """The cue features of a cue matrix: signed log1p, the model's columns, times its weight (CSR)."""
    from scipy import sparse

    return sparse.csr_matrix(scale_cues(cues)[:, columns] * weight)


def ngram_text(text: str) -> str:
    """Return the side-tagged, lower-cased word tokens of ``text`` joined by spaces."""
    return " ".join(t for t in tokenize(tag_sides(normalise_text(text))) if t[:1].isalnum() or t[:1] == "_")


@dataclass(frozen=True, eq=False)
class LinearStance:
    """A fitted stance model's arrays and prediction settings (see the module docstring).

    ``classes_``, ``class_prior_`` and ``feature_names_`` have the meaning they have on
    ``StanceClassifier``; ``coef`` / ``intercept`` are the final logistic regression's;
    ``sigmoid_a`` / ``sigmoid_b`` the calibrators' (one per column of the decision values),
    ``None`` for an uncalibrated model.
    """

    classes_: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    sigmoid_a: np.ndarray | None
    sigmoid_b: np.ndarray | None
    vocabulary: dict[str, int]
    idf: np.ndarray
    ngram_range: tuple[int, int]
    cue_columns: np.ndarray
    cue_weight: float
    ngram_weight: float
    segment_sentences: int | None
    class_prior_: np.ndarray
    feature_names_: np.ndarray
    min_confidence: float = 0.4
    abstain_label: Any = "none"
    adapt_prior: float | None = None
    model_version_: str | None = None

    # --- settings a run changes without retraining ------------------------------------------
    def set_params(self, **params: Any) -> LinearStance:
        """Return a copy with ``min_confidence``, ``abstain_label`` or ``adapt_prior`` changed.

        Unlike scikit-learn's ``set_params`` this does not change ``self`` (the arrays are
        shared, nothing is copied).
        """
        allowed = {"min_confidence", "abstain_label", "adapt_prior"}
        unknown = set(params) - allowed
        if unknown:
            raise ValueError(f"LinearStance settings are {sorted(allowed)}, not {sorted(unknown)}")
        return replace(self, **params)

    # --- features ----------------------------------------------------------------------------
    def features(self, texts: Sequence[str]):
        """The feature matrix of ``texts``: scaled cues, then n-gram TF-IDF (CSR, float64)."""
        from scipy import sparse

        cues, words = cue_matrix_with_words(texts)
        ngram_texts = [w if w is not None else ngram_text(t) for w, t in zip(words, texts, strict=True)]
        grams = tfidf_rows(self.vocabulary, self.idf, self.ngram_range, ngram_texts) * self.ngram_weight
        return sparse.hstack([cue_block(cues, self.cue_columns, self.cue_weight), grams], format="csr")

    # --- probabilities ------------------------------------------------------------------------
    def proba_from_features(self, features) -> np.ndarray:
        """Class probabilities of feature rows, columns in ``classes_`` order."""
        # LogisticRegression.decision_function: a sparse product, no BLAS call.
        decision = features @ self.coef.T + self.intercept
        if self.sigmoid_a is None:
            return _uncalibrated(decision, len(self.classes_))
        return _calibrated(decision, self.sigmoid_a, self.sigmoid_b, len(self.classes_))

    def segments(self, texts: Sequence[str]) -> tuple[list[str], np.ndarray]:
        """Return the segments to score and, per text, the index of its first segment.

        A text longer than ``segment_sentences`` sentences is scored in runs of that many.
        """
        size = self.segment_sentences
        segments: list[str] = []
        starts = np.empty(len(texts), dtype=np.int64)
        for i, text in enumerate(texts):
            starts[i] = len(segments)
            sentences = split_sentences(text) if size else []
            if not size or len(sentences) <= size:
                segments.append(text)
                continue
            for lo in range(0, len(sentences), size):
                segments.append(" ".join(sentences[lo : lo + size]))
        return segments, starts

    def aggregate(self, proba: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Combine segment probabilities per text.

        Each segment counts with weight ``(1 - p_abstain)**2``: segments that take a side
        dominate, while narration-only segments matter only when the whole text is narration.
        Every row goes through the same arithmetic, a text of one segment too, so a text's
        probabilities do not depend on which other texts share its call (the run classifies
        batches of files, ``discourse classify`` batches of stored threads).
        """
        classes = list(self.classes_)
        if self.abstain_label in classes:
            weight = (1.0 - proba[:, classes.index(self.abstain_label)]) ** 2 + 1e-3
        else:
            weight = np.ones(proba.shape[0])
        total = np.add.reduceat(proba * weight[:, None], starts, axis=0)
        return total / total.sum(axis=1, keepdims=True)

    def score(self, texts: Sequence[str]):
        """Return (probabilities per text, segment features, segment proba, segment starts)."""
        segments, starts = self.segments(texts)
        features = self.features(segments)
        seg_proba = self.proba_from_features(features)
        return self.aggregate(seg_proba, starts), features, seg_proba, starts

    def adapt(self, proba: np.ndarray, groups: Any) -> np.ndarray:
        """Adapt ``proba`` to each group's class mix when ``adapt_prior`` is set."""
        if self.adapt_prior is None or proba.shape[0] == 0:
            return proba
        from discourse.stance.priors import adapt_by_group

        groups = np.zeros(proba.shape[0], dtype=np.int64) if groups is None else groups
        return adapt_by_group(proba, groups, self.class_prior_, float(self.adapt_prior))

    # --- the estimator's prediction API ----------------------------------------------------------
    def predict_proba(self, X: Any, groups: Any = None) -> np.ndarray:
        """Calibrated class probabilities, adapted per group (see ``StanceClassifier``)."""
        return self.adapt(self.score(as_texts(X))[0], groups)

    def labels_from_proba(self, proba: np.ndarray) -> np.ndarray:
        """The most probable class per row, or ``abstain_label`` below ``min_confidence``."""
        best = proba.argmax(axis=1)
        labels = self.classes_[best].astype(object)
        if self.min_confidence:
            labels[proba.max(axis=1) < self.min_confidence] = self.abstain_label
        return labels

    def predict(self, X: Any, groups: Any = None) -> np.ndarray:
        """The most probable class, or ``abstain_label`` below ``min_confidence``."""
        return self.labels_from_proba(self.predict_proba(X, groups))

    def predict_explained(
        self, X: Any, top_k: int = 5, groups: Any = None
    ) -> tuple[np.ndarray, np.ndarray, list[list[str]]]:
        """Return (labels, probabilities, cues) computing the features once.

        ``cues[i]`` lists up to ``top_k`` feature names with the largest positive contribution
        toward the most probable class of text ``i``; a contribution is the feature value times
        that class's coefficient minus the mean coefficient over classes. A text scored in
        segments is explained by the segment that gave its chosen class the most probability.
        """
        proba, features, seg_proba, starts = self.score(as_texts(X))
        proba = self.adapt(proba, groups)
        labels = self.labels_from_proba(proba)
        best = proba.argmax(axis=1)
        if len(starts) == seg_proba.shape[0]:
            return labels, proba, self.top_cues(features, best, top_k)
        return labels, proba, self.top_cues(features[best_segments(seg_proba, starts, best)], best, top_k)

    def relative_coef(self) -> np.ndarray:
        """Each class's coefficients minus their mean over classes (one row per class)."""
        coef = self.coef
        if coef.shape[0] == 1:  # binary: one row scores the second class against the first
            return np.vstack([-coef[0] / 2, coef[0] / 2])
        return coef - coef.mean(axis=0, keepdims=True)

    def top_cues(self, features, best: np.ndarray, top_k: int) -> list[list[str]]:
        """Per feature row, up to ``top_k`` names pushing hardest toward class ``best[row]``."""
        relative = self.relative_coef()
        n_rows = features.shape[0]
        indptr, indices = features.indptr, features.indices
        # Each stored value's push toward its row's class, for all rows at once.
        rows = np.repeat(np.arange(n_rows), np.diff(indptr))
        push = features.data * relative[best[rows], indices]
        chosen, counts = top_per_row(indptr, push, top_k)
        names = self.feature_names_[indices[chosen]].tolist()
        bounds = [0, *np.cumsum(counts).tolist()]
        return [names[lo:hi] for lo, hi in zip(bounds[:-1], bounds[1:])]


def best_segments(seg_proba: np.ndarray, starts: np.ndarray, best: np.ndarray) -> np.ndarray:
    """Per text, the segment with the highest probability of the text's class ``best[i]``: of
    equal ones the first, as ``np.argmax`` over the text's segments picks it.

    ``starts[i]`` is the first segment of text ``i`` (:meth:`LinearStance.segments`; every text
    has one). For all texts at once; a NaN probability, which ``np.argmax`` would pick, leaves
    it to ``np.argmax`` text by text.
    """
    n_segments = seg_proba.shape[0]
    ends = np.append(starts[1:], n_segments)
    owner = np.repeat(np.arange(len(starts)), ends - starts)
    value = seg_proba[np.arange(n_segments), best[owner]]
    if np.isnan(value).any():
        return np.array([lo + int(np.argmax(value[lo:hi])) for lo, hi in zip(starts, ends, strict=True)])
    at_peak = np.flatnonzero(value == np.maximum.reduceat(value, starts)[owner])
    _, first = np.unique(owner[at_peak], return_index=True)
    return at_peak[first]


def top_per_row(indptr: np.ndarray, push: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the ``top_k`` largest positive values of ``push`` in each row of a CSR
    layout (``indptr``), row after row, each row's largest first and equal values in
    stored order; and the number chosen per row (both int64).

    By the compiled kernel when it is built, else :func:`python_top_per_row`.
    """
    compiled = kernels.compiled
    if compiled is None:
        return python_top_per_row(indptr, push, top_k)
    offsets = indptr.astype(np.int64, copy=False).tobytes()
    values = push.astype(np.float64, copy=False).tobytes()
    chosen, counts = compiled.top_per_row(offsets, values, top_k)
    return np.frombuffer(chosen, dtype=np.int64), np.frombuffer(counts, dtype=np.int64)


def python_top_per_row(indptr: np.ndarray, push: np.ndarray, top_k: int) -> tuple[np.ndarray, np.ndarray]:
    """:func:`top_per_row` with numpy: the reference the compiled ``top_per_row`` of
    :mod:`discourse._kernels` is tested against, and what runs where it is not built.

    Values that are not positive are dropped, then one stable sort by (row, falling value)
    orders the rest as a per-row stable argsort would; a value's rank among its row's kept
    values decides whether it is among the first ``top_k``.
    """
    n_rows = indptr.size - 1
    rows = np.repeat(np.arange(n_rows), np.diff(indptr))
    positive = np.flatnonzero(push > 0)
    order = positive[np.lexsort((-push[positive], rows[positive]))]
    row_of = rows[order]
    rank = np.arange(order.size) - np.searchsorted(row_of, row_of)
    chosen = order[rank < top_k].astype(np.int64)
    return chosen, np.bincount(rows[chosen], minlength=n_rows).astype(np.int64)


def _calibrated(decision: np.ndarray, a: np.ndarray, b: np.ndarray, n_classes: int) -> np.ndarray:
    """``CalibratedClassifierCV.predict_proba`` (sigmoid) from the decision values."""
    from scipy.special import expit

    if decision.ndim == 1 or decision.shape[1] == 1:  # binary: one column, for the second class
        column = decision.reshape(-1)
        proba = np.zeros((column.shape[0], n_classes))
        proba[:, 1] = expit(-(a[0] * column + b[0]))
        proba[:, 0] = 1.0 - proba[:, 1]
    else:
        proba = np.zeros(decision.shape)
        for k in range(decision.shape[1]):
            proba[:, k] = expit(-(a[k] * decision[:, k] + b[k]))
        denominator = np.sum(proba, axis=1)[:, np.newaxis]
        uniform = np.full_like(proba, 1 / n_classes)
        proba = np.divide(proba, denominator, out=uniform, where=denominator != 0)
    proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
    return proba


def _uncalibrated(decision: np.ndarray, n_classes: int) -> np.ndarray:
    """``LogisticRegression.predict_proba`` from the decision values."""
    from scipy.special import expit

    if n_classes <= 2:
        prob = expit(decision.reshape(-1))
        return np.stack([1 - prob, prob], axis=1)
    values = np.array(decision, dtype=np.float64, copy=True)
    values -= values.max(axis=1).reshape(-1, 1)
    np.exp(values, out=values)
    values /= values.sum(axis=1).reshape(-1, 1)
    return values


# --- from a fitted StanceClassifier, to and from a file ------------------------------------------
def from_classifier(model: Any) -> LinearStance:
    """The arrays of a fitted :class:`~discourse.stance.model.StanceClassifier`, sharing its memory."""
    vectorizer = model.vectorizer_
    if model.calibrator_ is not None:
        calibrators = model.calibrator_.calibrated_classifiers_[0].calibrators
        sigmoid_a = np.array([float(c.a_) for c in calibrators])
        sigmoid_b = np.array([float(c.b_) for c in calibrators])
    else:
        sigmoid_a = sigmoid_b = None
    return LinearStance(
        classes_=model.classes_,
        coef=model.linear_.coef_,
        intercept=model.linear_.intercept_,
        sigmoid_a=sigmoid_a,
        sigmoid_b=sigmoid_b,
        vocabulary=vectorizer.vocabulary_,
        idf=vectorizer.idf_,
        ngram_range=tuple(vectorizer.ngram_range),
        cue_columns=np.asarray(model._cue_columns(), dtype=np.int64),
        cue_weight=float(model.cue_weight),
        ngram_weight=float(model.ngram_weight),
        segment_sentences=model.segment_sentences,
        class_prior_=model.class_prior_,
        feature_names_=model.feature_names_,
        min_confidence=model.min_confidence,
        abstain_label=model.abstain_label,
        adapt_prior=model.adapt_prior,
        model_version_=getattr(model, "model_version_", None),
    )


def save_arrays(model: LinearStance, path: Path) -> Path:
    """Write ``model`` to ``path`` as one ``.npz`` (atomically; no pickled object inside)."""
    grams = sorted(model.vocabulary, key=model.vocabulary.__getitem__)
    settings = {
        "format": ARRAYS_FORMAT,
        "ngram_range": list(model.ngram_range),
        "cue_weight": model.cue_weight,
        "ngram_weight": model.ngram_weight,
        "segment_sentences": model.segment_sentences,
        "min_confidence": model.min_confidence,
        "abstain_label": model.abstain_label,
        "adapt_prior": model.adapt_prior,
        "model_version": model.model_version_,
        "calibrated": model.sigmoid_a is not None,
    }
    arrays = {
        "settings": np.array(json.dumps(settings)),
        "classes": np.asarray([str(c) for c in model.classes_]),
        "coef": model.coef,
        "intercept": model.intercept,
        # The n-grams in column order as one UTF-8 text, one per line (an n-gram is tokens
        # joined by single spaces, never a line break): a quarter of the size of a string array.
        "grams": np.frombuffer("\n".join(grams).encode("utf-8"), dtype=np.uint8),
        "idf": model.idf,
        "cue_columns": model.cue_columns,
        "cue_names": np.asarray([str(n) for n in model.feature_names_[: len(model.cue_columns)]], dtype=str),
        "class_prior": model.class_prior_,
    }
    if model.sigmoid_a is not None:
        arrays["sigmoid_a"], arrays["sigmoid_b"] = model.sigmoid_a, model.sigmoid_b

    def write(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            np.savez(handle, **arrays)

    return write_atomic(Path(path), write)


def load_arrays(path: Path, data: bytes | None = None) -> LinearStance:
    """Read a file written by :func:`save_arrays` (``data``: its content, when the caller has
    read it already); :class:`ArraysError` when it cannot be used."""
    try:
        source = io.BytesIO(data) if data is not None else Path(path)
        with np.load(source, allow_pickle=False) as saved:
            settings = json.loads(str(saved["settings"]))
            if settings.get("format") != ARRAYS_FORMAT:
                raise ArraysError(f"{Path(path).name} has layout {settings.get('format')}, not {ARRAYS_FORMAT}")
            text = saved["grams"].tobytes().decode("utf-8")
            grams = text.split("\n") if text else []
            names = [*saved["cue_names"].tolist(), *(f'ngram:"{g}"' for g in grams)]
            calibrated = settings["calibrated"]
            return LinearStance(
                classes_=saved["classes"],
                coef=saved["coef"],
                intercept=saved["intercept"],
                sigmoid_a=saved["sigmoid_a"] if calibrated else None,
                sigmoid_b=saved["sigmoid_b"] if calibrated else None,
                vocabulary=dict(zip(grams, range(len(grams)))),
                idf=saved["idf"],
                ngram_range=tuple(settings["ngram_range"]),
                cue_columns=saved["cue_columns"],
                cue_weight=settings["cue_weight"],
                ngram_weight=settings["ngram_weight"],
                segment_sentences=settings["segment_sentences"],
                class_prior_=saved["class_prior"],
                feature_names_=np.asarray(names, dtype=object),
                min_confidence=settings["min_confidence"],
                abstain_label=settings["abstain_label"],
                adapt_prior=settings["adapt_prior"],
                model_version_=settings["model_version"],
            )
    except ArraysError:
        raise
    except (OSError, ValueError, KeyError, TypeError, EOFError, zipfile.BadZipFile) as error:
        raise ArraysError(f"cannot read {Path(path).name}: {error}") from error
