"""Stance scores of predictions against gold labels, next to a majority-class baseline.

Scores: 4-class macro-F1 over :data:`schema.STANCES`, SemEval-2016 style ``F_avg`` (mean F1 of
pro_us, pro_ussr, neutralist), accuracy, per-class P/R/F1 and the confusion matrix
(:func:`stance_metrics`). The baseline predicts the most frequent gold class for every post
(:func:`majority_label`). Next to each macro-F1, a percentile-bootstrap interval over the scored
posts for the model, the baseline and their difference (:func:`macro_f1_intervals`): on a few
dozen gold posts a single post moves macro-F1 by several hundredths, and a reader should see how
far the figure could move.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from discourse import schema

#: Resamples behind each bootstrap interval, and the intervals' coverage.
BOOTSTRAP_RESAMPLES = 2000
INTERVAL_LEVEL = 0.95


def stance_metrics(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Return accuracy, macro-F1 (4 classes), F_avg, per-class P/R/F1 and the confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    labels = list(schema.STANCES)
    y_true, y_pred = list(map(str, y_true)), list(map(str, y_pred))
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    per_class = {
        label: {"precision": float(p[i]), "recall": float(r[i]), "f1": float(f[i]), "support": int(s[i])}
        for i, label in enumerate(labels)
    }
    return {
        "n": len(y_true),
        "accuracy": float(accuracy_score(y_true, y_pred)) if y_true else 0.0,
        "macro_f1": float(np.mean(f)),
        "f_avg": float(np.mean([per_class[c]["f1"] for c in schema.SIDED_STANCES])),
        "per_class": per_class,
        "confusion": {
            "labels": labels,
            "matrix": confusion_matrix(y_true, y_pred, labels=labels).tolist() if y_true else [],
        },
    }


def macro_f1_intervals(
    y_true: Sequence[str],
    y_pred: Sequence[str],
    y_base: Sequence[str],
    *,
    clusters: Sequence[Any] | None = None,
    n_resamples: int = BOOTSTRAP_RESAMPLES,
    level: float = INTERVAL_LEVEL,
    seed: int = 0,
) -> dict[str, Any]:
    """Return percentile-bootstrap intervals of macro-F1 for a model, a baseline and their gap.

    Posts are resampled with replacement ``n_resamples`` times, or, with ``clusters`` (one id
    per post, e.g. the CV groups), whole clusters are, because posts of one group are not
    independent. The model's and the baseline's macro-F1 (as :func:`stance_metrics` computes
    it) and their difference are taken on the same resamples, so ``difference`` is a paired
    interval. Returns ``{"model": [lo, hi], "baseline": [lo, hi], "difference": [lo, hi],
    "level": level, "n_resamples": n, "unit": "post" | "cluster"}``; a fixed ``seed`` makes the
    same labels give the same intervals. No posts: every interval is ``None``.
    """
    n_posts = len(y_true)
    if clusters is None:
        ids = np.arange(n_posts)
    else:
        ids = np.unique(np.asarray(clusters, dtype=str), return_inverse=True)[1]
    out: dict[str, Any] = {"level": level, "n_resamples": n_resamples,
                           "unit": "post" if clusters is None else "cluster"}
    if n_posts == 0:
        return out | {"model": None, "baseline": None, "difference": None}
    n_units = int(ids.max()) + 1
    # Macro-F1 needs only per-class hits, gold counts and predicted counts, which add up over
    # posts: count them per unit once, then each resample is a weighted sum of unit counts.
    draws = np.random.default_rng(seed).integers(0, n_units, size=(n_resamples, n_units))
    weights = np.zeros((n_resamples, n_units))
    np.add.at(weights, (np.arange(n_resamples)[:, None], draws), 1.0)
    gold = _class_indices(y_true)
    gold_counts = _unit_counts(ids, n_units, gold)

    def resampled_macro_f1(labels: Sequence[str]) -> np.ndarray:
        # Per class F1 = 2 hits / (gold + predicted), 0 when the class is neither present nor
        # predicted: scikit-learn's value with zero_division=0 (tested).
        pred = _class_indices(labels)
        hit = np.where(gold == pred, gold, -1)
        seen = weights @ (gold_counts + _unit_counts(ids, n_units, pred))
        hits = weights @ _unit_counts(ids, n_units, hit)
        return np.divide(2.0 * hits, seen, out=np.zeros_like(seen), where=seen > 0).mean(axis=1)

    model, baseline = resampled_macro_f1(y_pred), resampled_macro_f1(y_base)
    quantiles = [(1 - level) / 2, (1 + level) / 2]
    for key, values in (("model", model), ("baseline", baseline), ("difference", model - baseline)):
        out[key] = [float(q) for q in np.quantile(values, quantiles)]
    return out


def _class_indices(labels: Sequence[str]) -> np.ndarray:
    codes = {label: i for i, label in enumerate(schema.STANCES)}
    return np.array([codes.get(str(v), -1) for v in labels], dtype=np.int64)  # -1: no class


def _unit_counts(ids: np.ndarray, n_units: int, classes: np.ndarray) -> np.ndarray:
    """(units, classes) count of each class index per unit; -1 counts nowhere."""
    counts = np.zeros((n_units, len(schema.STANCES)))
    known = classes >= 0
    np.add.at(counts, (ids[known], classes[known]), 1.0)
    return counts


def majority_label(y_true: Sequence[str]) -> str:
    """Return the most frequent label (ties broken by :data:`schema.STANCES` order)."""
    counts = {label: 0 for label in schema.STANCES}
    for label in y_true:
        counts[str(label)] = counts.get(str(label), 0) + 1
    return max(counts, key=lambda k: (counts[k], -list(counts).index(k)))


def compare_with_baseline(y_true: Sequence[str], y_pred: Sequence[str]) -> dict[str, Any]:
    """Return ``{"model": metrics, "baseline": metrics, "baseline_label": label, "intervals":
    macro_f1_intervals(...)}``; the baseline predicts the majority gold label for every post."""
    label = majority_label(y_true)
    return {
        "model": stance_metrics(y_true, y_pred),
        "baseline": stance_metrics(y_true, [label] * len(y_true)),
        "baseline_label": label,
        "intervals": macro_f1_intervals(y_true, y_pred, [label] * len(y_true)),
    }
