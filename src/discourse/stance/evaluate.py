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

Stance scores: 4-class macro-F1 over :data:`schema.STANCES`, SemEval-2016 style ``F_avg`` (mean
F1 of pro_us, pro_ussr, neutralist), accuracy, per-class P/R/F1 and the confusion matrix. Next to
each macro-F1, a percentile-bootstrap interval over the scored posts for the model, the baseline
and their difference (:func:`macro_f1_intervals`): on a few dozen gold posts a single post moves
macro-F1 by several hundredths, and a reader should see how far the figure could move.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from discourse import schema
from discourse.atomic import write_text_atomic
from discourse.labels import AGREEMENT_DIR, REQUIRED_COLUMNS, label_files
from discourse.schema import (
    ANNOTATOR,
    CONFIDENCE,
    CUES,
    OWN_TEXT,
    SENTIMENT,
    SENTIMENT_LABEL,
    STANCE,
    STANCE_SOURCE,
    TEXT,
)

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


def label_agreement(first: Sequence[str], second: Sequence[str], labels: Sequence[str]) -> dict[str, Any]:
    """Agreement, Cohen's kappa and confusion (rows: ``first``) of two label sequences.

    ``kappa`` is ``None`` when undefined (both sides used a single, shared label); with no
    pairs only ``n``, ``agreement`` and ``kappa`` are given.
    """
    from sklearn.metrics import cohen_kappa_score, confusion_matrix

    first, second, labels = list(first), list(second), list(labels)
    if not first:
        return {"n": 0, "agreement": None, "kappa": None}
    with warnings.catch_warnings():  # an undefined kappa is reported as None, not warned about
        warnings.simplefilter("ignore")
        kappa = cohen_kappa_score(first, second, labels=labels)
    return {
        "n": len(first),
        "agreement": float(np.mean([a == b for a, b in zip(first, second, strict=True)])),
        "kappa": None if np.isnan(kappa) else float(kappa),
        "confusion": {"labels": labels, "matrix": confusion_matrix(first, second, labels=labels).tolist()},
    }


def sentiment_agreement(classified: pl.DataFrame, gold: pl.DataFrame) -> dict[str, Any]:
    """Agreement and Cohen's kappa of the posts' sentiment labels against gold sentiment labels."""
    joined = gold.filter(pl.col(SENTIMENT).is_in(schema.SENTIMENT_LABELS)).join(
        classified.select(schema.THREAD_ID, schema.POST_ID, pl.col(SENTIMENT_LABEL).alias("vader")),
        on=[schema.THREAD_ID, schema.POST_ID],
        how="inner",
    )
    return label_agreement(joined[SENTIMENT].to_list(), joined["vader"].to_list(), schema.SENTIMENT_LABELS)


def authored_sentiment_agreement(authored_csv: Path | None = None) -> dict[str, Any]:
    """Agreement and kappa of the sentiment labels against the authored set's sentiment column."""
    from discourse.sentiment import score_sentiment
    from discourse.stance.train import load_authored

    authored = load_authored(authored_csv)
    if SENTIMENT not in authored.columns:
        return {"n": 0, "agreement": None, "kappa": None}
    posts = authored.select(
        pl.lit("authored").alias(schema.THREAD_ID),
        pl.int_range(pl.len()).cast(pl.String).alias(schema.POST_ID),
        pl.col(TEXT).alias(OWN_TEXT),
        pl.col(SENTIMENT),
    )
    return sentiment_agreement(score_sentiment(posts), posts)


def annotator_agreement(gold: pl.DataFrame, other: pl.DataFrame) -> dict[str, Any]:
    """Compare two annotators' labels of the same units (label-schema frames).

    Units are matched on ``(thread_id, post_id)``; only units both labelled count. Returns the
    number of shared units, stance and sentiment agreement with Cohen's kappa (``None`` when
    undefined, e.g. both annotators used one label throughout), the stance confusion (rows:
    ``gold``) and the units on which the stance differs.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    joined = gold.select(*keys, STANCE, SENTIMENT).join(
        other.select(*keys, pl.col(STANCE).alias("other_stance"), pl.col(SENTIMENT).alias("other_sentiment")),
        on=keys,
        how="inner",
    )

    def compare(left: str, right: str, labels: Sequence[str]) -> dict[str, Any]:
        rows = joined.filter(pl.col(left).is_in(labels) & pl.col(right).is_in(labels))
        return label_agreement(rows[left].to_list(), rows[right].to_list(), labels)

    differing = joined.filter(pl.col(STANCE) != pl.col("other_stance"))
    return {
        "n": joined.height,
        "stance": compare(STANCE, "other_stance", schema.STANCES),
        "sentiment": compare(SENTIMENT, "other_sentiment", schema.SENTIMENT_LABELS),
        "stance_differs": differing.select(*keys, STANCE, "other_stance").to_dicts(),
    }


def load_second_annotations(agreement_dir: Path) -> dict[str, pl.DataFrame]:
    """Read every ``*.csv`` of ``agreement_dir`` (label schema); ``{file name: frame}``.

    These files are never training data: :func:`discourse.stance.train.load_label_files` reads
    only the top level of the labels folder. A file that cannot be read as CSV, or lacks
    ``thread_id``, ``post_id`` or ``stance``, is skipped with a warning naming it: a second
    opinion must not stop an evaluation (or the run that refreshes it).
    """
    out: dict[str, pl.DataFrame] = {}
    for path in label_files(agreement_dir):
        try:
            frame = pl.read_csv(path, infer_schema=False)
        except (OSError, pl.exceptions.PolarsError) as error:
            warnings.warn(f"second annotation {path.name} skipped: {error}", RuntimeWarning, stacklevel=2)
            continue
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            warnings.warn(f"second annotation {path.name} skipped: no column {', '.join(missing)}",
                          RuntimeWarning, stacklevel=2)
            continue
        out[path.name] = schema.conform(frame, schema.LABELS)
    return out


def compare_annotators(
    gold: pl.DataFrame, others: dict[str, pl.DataFrame], seed: dict[str, Any] | None
) -> dict[str, dict[str, Any]]:
    """Agreement of each second annotation with the gold, and the seed model scored against it.

    ``seed`` is :func:`evaluate_seed`'s result (its ``posts`` hold the model's predictions);
    the model block is left out when there is none.
    """
    predicted = {}
    if seed:
        predicted = {(p[schema.THREAD_ID], p[schema.POST_ID]): p[STANCE] for p in seed.get("posts", [])}
    out: dict[str, dict[str, Any]] = {}
    for name, other in others.items():
        block = annotator_agreement(gold, other)
        rows = [
            (row[STANCE], predicted[(row[schema.THREAD_ID], row[schema.POST_ID])])
            for row in other.iter_rows(named=True)
            if (row[schema.THREAD_ID], row[schema.POST_ID]) in predicted and row[STANCE] in schema.STANCES
        ]
        if rows:
            block["model_vs_annotator"] = compare_with_baseline([a for a, _ in rows], [b for _, b in rows])
        block["annotators"] = sorted({a for a in other[ANNOTATOR].to_list() if a})
        out[name] = block
    return out


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


# --- report ------------------------------------------------------------------------------
def _confusion_rows(name: str, confusion: dict[str, Any]) -> list[dict[str, Any]]:
    labels, matrix = confusion["labels"], confusion["matrix"]
    return [
        {"evaluation": name, "gold": labels[i], "predicted": labels[j], "posts": int(matrix[i][j])}
        for i in range(len(labels))
        for j in range(len(labels))
    ] if matrix else []


def confusion_chart(results: dict[str, Any]):
    """Return an Altair heatmap per evaluation (seed, cross-validation), side by side."""
    import altair as alt

    rows = []
    if "seed" in results:
        rows += _confusion_rows("seed (authored-only model)", results["seed"]["model"]["confusion"])
    rows += _confusion_rows("grouped cross-validation", results["cv"]["model"]["confusion"])
    data = pl.DataFrame(rows, schema={"evaluation": pl.String, "gold": pl.String,
                                      "predicted": pl.String, "posts": pl.Int64})
    order = list(schema.STANCES)
    base = alt.Chart(data).encode(
        x=alt.X("predicted:N", sort=order, title="predicted"),
        y=alt.Y("gold:N", sort=order, title="gold"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("posts:Q", scale=alt.Scale(scheme="blues"), title="posts"),
        tooltip=["gold", "predicted", "posts"],
    )
    text = base.mark_text(fontSize=13).encode(
        text="posts:Q",
        color=alt.condition("datum.posts > 0", alt.value("black"), alt.value("#bbb")),
    )
    names = list(dict.fromkeys(row["evaluation"] for row in rows))
    return (
        (heat + text)
        .properties(width=220, height=220)
        .facet(column=alt.Column("evaluation:N", title=None, sort=names))
        .resolve_scale(color="independent")
    )


def format_interval(interval: Sequence[float] | None) -> str:
    """``[lo, hi]`` as ``"lo to hi"`` with three decimals; ``""`` when there is none."""
    return "" if not interval else f"{interval[0]:.3f} to {interval[1]:.3f}"


def write_report(results: dict[str, Any], reports_dir: Path, *, standalone: bool = False) -> dict[str, Path]:
    """Write ``evaluation.json`` and the offline ``evaluation.html`` atomically; return their paths.

    The page comes from :func:`discourse.report.write_evaluation_page` (the pages' one
    renderer); ``standalone`` carries its chart library inline instead of in ``assets/``.
    """
    from discourse.report import write_evaluation_page

    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    json_path = write_text_atomic(reports_dir / "evaluation.json",
                                  json.dumps(results, indent=2, sort_keys=True, default=str) + "\n")
    html_path = write_evaluation_page(results, reports_dir, standalone=standalone)
    return {"json": json_path, "html": html_path}
