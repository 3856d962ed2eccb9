"""Measure the stance model and VADER sentiment, and write JSON plus an offline HTML report.

Figures, each next to a majority-class baseline (the most frequent gold class, predicted for
every post):

1. **Seed** - a model trained on the authored set only (never on any label of the evaluated
   threads) classifies the seed posts through :func:`discourse.classify.classify_posts`
   (own text only, agreement inheritance included) and is scored against the seed gold.
2. **Grouped cross-validation** - ``StratifiedGroupKFold`` over all training rows (authored
   groups, and one group per labelled thread), so no group is split between train and test.
3. **Sentiment** - agreement and Cohen's kappa between VADER's label and gold sentiment.
4. **Annotators** - when second-annotator files exist (``<labels>/agreement/*.csv``, the label
   schema), agreement and Cohen's kappa between them and the gold, and the seed model scored
   against each annotator: how far apart two careful readers are bounds what a model can show.

Stance scores and their bootstrap intervals come from :mod:`discourse.stance.metrics`, the
agreement figures from :mod:`discourse.stance.agreement`, and the JSON and HTML report from
:mod:`discourse.stance.evaluation_report`; their names are importable from here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from discourse import schema
from discourse.labels import AGREEMENT_DIR
from discourse.schema import CONFIDENCE, CUES, STANCE, STANCE_SOURCE, TEXT
from discourse.stance.agreement import (
    annotator_agreement,
    authored_sentiment_agreement,
    compare_annotators,
    label_agreement,
    load_second_annotations,
    sentiment_agreement,
)
from discourse.stance.evaluation_report import confusion_chart, format_interval, write_report
from discourse.stance.metrics import (
    BOOTSTRAP_RESAMPLES,
    INTERVAL_LEVEL,
    compare_with_baseline,
    macro_f1_intervals,
    majority_label,
    stance_metrics,
)

__all__ = [
    "AGREEMENT_DIR",
    "BOOTSTRAP_RESAMPLES",
    "INTERVAL_LEVEL",
    "annotator_agreement",
    "authored_sentiment_agreement",
    "compare_annotators",
    "compare_with_baseline",
    "confusion_chart",
    "cross_validate",
    "evaluate_devset_labels",
    "evaluate_seed",
    "format_interval",
    "label_agreement",
    "load_second_annotations",
    "macro_f1_intervals",
    "majority_label",
    "run_evaluation",
    "seed_by_thread",
    "sentiment_agreement",
    "stance_metrics",
    "write_report",
]


def evaluate_seed(
    posts: pl.DataFrame, quotes: pl.DataFrame, gold: pl.DataFrame, model: Any
) -> dict[str, Any]:
    """Classify the gold threads' posts and score them; add a per-post table under ``posts``."""
    from discourse.classify import classify_posts

    threads = gold.get_column(schema.THREAD_ID).unique().to_list()
    subset = posts.filter(pl.col(schema.THREAD_ID).is_in(threads))
    classified = classify_posts(subset, quotes.filter(pl.col(schema.THREAD_ID).is_in(threads)), model)
    stance_gold = gold.filter(pl.col(STANCE).is_not_null() & (pl.col(STANCE) != ""))
    joined = stance_gold.select(schema.THREAD_ID, schema.POST_ID, pl.col(STANCE).alias("gold")).join(
        classified.select(schema.THREAD_ID, schema.POST_ID, STANCE, CONFIDENCE, CUES, STANCE_SOURCE),
        on=[schema.THREAD_ID, schema.POST_ID],
        how="inner",
    )
    result = compare_with_baseline(joined["gold"].to_list(), joined[STANCE].to_list())
    result["threads"] = sorted(threads)
    result["by_thread"] = seed_by_thread(joined)
    result["posts"] = joined.with_columns(pl.col(CUES).list.join(", ")).to_dicts()
    result["sentiment"] = sentiment_agreement(classified, gold)
    return result


def seed_by_thread(joined: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Score each gold thread on its own: ``{thread_id: compare_with_baseline(...)}``.

    ``joined`` has one row per gold post with ``thread_id``, ``gold`` and ``stance``. A thread's
    baseline is the majority class of that thread's own gold labels.
    """
    out: dict[str, dict[str, Any]] = {}
    for (thread_id,), rows in joined.sort(schema.THREAD_ID, maintain_order=True).group_by(
        schema.THREAD_ID, maintain_order=True
    ):
        out[str(thread_id)] = compare_with_baseline(rows["gold"].to_list(), rows[STANCE].to_list())
    return out


def cross_validate(
    frame: pl.DataFrame,
    *,
    n_splits: int = 5,
    params: dict[str, Any] | None = None,
    random_state: int = 0,
) -> dict[str, Any]:
    """Grouped, stratified k-fold over ``frame`` (text, stance, group); pooled predictions.

    ``params`` update the training settings (:func:`discourse.stance.train.model_params`).
    Returns ``{"summary": {...}, "model": metrics, "baseline": metrics, "folds": [...],
    "intervals": macro_f1_intervals(...)}``; the baseline predicts each fold's training majority
    class.
    """
    from sklearn.model_selection import StratifiedGroupKFold

    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import model_params

    params = model_params(params)
    texts = frame[TEXT].to_list()
    y = np.asarray(frame[STANCE].to_list(), dtype=object)
    groups = np.asarray(frame["group"].to_list(), dtype=object)
    n_groups = len(set(groups.tolist()))
    splits = min(n_splits, n_groups)
    folder = StratifiedGroupKFold(n_splits=splits, shuffle=True, random_state=random_state)
    predicted = np.empty(len(y), dtype=object)
    baseline = np.empty(len(y), dtype=object)
    folds = []
    for train_idx, test_idx in folder.split(texts, y, groups):
        model = StanceClassifier(**params).fit([texts[i] for i in train_idx], y[train_idx])
        predicted[test_idx] = model.predict([texts[i] for i in test_idx])
        baseline[test_idx] = majority_label(y[train_idx].tolist())
        fold = stance_metrics(y[test_idx].tolist(), predicted[test_idx].tolist())
        folds.append({"n": fold["n"], "macro_f1": fold["macro_f1"], "f_avg": fold["f_avg"],
                      "accuracy": fold["accuracy"]})
    model_metrics = stance_metrics(y.tolist(), predicted.tolist())
    base_metrics = stance_metrics(y.tolist(), baseline.tolist())
    intervals = macro_f1_intervals(y.tolist(), predicted.tolist(), baseline.tolist(), clusters=groups.tolist())
    summary = {
        "cv_folds": splits,
        "cv_macro_f1": model_metrics["macro_f1"],
        "cv_f_avg": model_metrics["f_avg"],
        "cv_accuracy": model_metrics["accuracy"],
        "cv_baseline_macro_f1": base_metrics["macro_f1"],
        "cv_baseline_f_avg": base_metrics["f_avg"],
        "cv_baseline_accuracy": base_metrics["accuracy"],
    }
    return {"summary": summary, "model": model_metrics, "baseline": base_metrics, "folds": folds,
            "intervals": intervals}

def run_evaluation(
    posts: pl.DataFrame,
    quotes: pl.DataFrame,
    labels_dir: Path,
    *,
    authored_csv: Path | None = None,
    gold_file: str = "seed_gold.csv",
    n_splits: int = 5,
    params: dict[str, Any] | None = None,
    devset_texts: Path | None = None,
) -> dict[str, Any]:
    """Run the evaluations; return one JSON-ready dict.

    The seed model is trained on the authored set only (``include_user_labels=False``), so no
    label of the evaluated threads can leak into it; the same model is scored on the real
    development set (``results["devset"]``, :func:`evaluate_devset_labels`) when its manifest
    exists. Cross-validation uses every label.
    """
    from discourse.stance.train import load_label_files, train_model, training_frame

    labels = load_label_files(labels_dir)
    gold = labels.filter(pl.col("label_file") == gold_file)
    results: dict[str, Any] = {"gold_file": gold_file}
    if gold.height or _has_devset(labels_dir):
        seed_model, meta = train_model(authored_csv, include_user_labels=False, params=params, cv_folds=0)
        if gold.height:
            results["seed"] = evaluate_seed(posts, quotes, gold, seed_model)
            results["seed"]["model_version"] = meta["model_version"]
            results["seed"]["n_training"] = meta["n_training"]
        results["devset"] = evaluate_devset_labels(labels_dir, seed_model, devset_texts)
        results["devset"]["model_version"] = meta["model_version"]
    others = load_second_annotations(Path(labels_dir) / AGREEMENT_DIR)
    if others and gold.height:
        results["annotators"] = compare_annotators(gold, others, results.get("seed"))
    results["sentiment_authored"] = authored_sentiment_agreement(authored_csv)
    frame = training_frame(authored_csv, labels_dir, posts=posts, include_user_labels=True)
    results["cv"] = cross_validate(frame, n_splits=n_splits, params=params)
    results["cv"]["n_training"] = frame.height
    results["cv"]["n_user_labels"] = int((frame["origin"] == "label").sum())
    return results


def _has_devset(labels_dir: Path) -> bool:
    from discourse.devset import MANIFEST_FILE, devset_dir

    return (devset_dir(labels_dir) / MANIFEST_FILE).is_file()


def evaluate_devset_labels(labels_dir: Path, model: Any, texts: Path | None = None) -> dict[str, Any]:
    """Score ``model`` on the real development set of ``labels_dir`` (texts from ``texts``).

    Returns :func:`discourse.stance.devset_eval.evaluate_devset`'s figures plus ``texts``: how
    many manifest texts were present, missing or altered. Without a manifest or without any
    text the result is ``{"present": False, ...}``: a clone without the texts still evaluates.
    """
    from discourse.devset import load_devset, read_second
    from discourse.stance.devset_eval import evaluate_devset

    if not _has_devset(labels_dir):
        return {"present": False, "reason": "no manifest"}
    frame, check = load_devset(labels_dir, texts)
    result = evaluate_devset(frame, model, read_second(labels_dir))
    result["texts"] = {"present": len(check.present), "missing": len(check.missing),
                       "altered": [item for item, _, _ in check.mismatched]}
    if not result["present"]:
        result["reason"] = "texts not present (see docs/devset.md: discourse devset rebuild)"
    return result
