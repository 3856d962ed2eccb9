"""Label learning curve on the real development set: authored rows + k real labels.

Run from the repository root (needs data/labels/realdev and the git-ignored texts):

    .venv/bin/python docs/experiments/label_curve.py [--draws 3] [--weights 1] [--plain] [--augment 1]

Pages are dealt into five folds (:func:`discourse.stance.devset_cv.page_folds`, seed 0). For
each fold and each draw, ``k`` texts are drawn from the other folds' pages, added to the
authored set as user labels (weighted by :func:`discourse.stance.train.label_sample_weight`,
or all weighing 1 with ``--plain``), a model with the shipped settings is fitted, and the
held-out pages' own words are classified with the page as the thread. The held-out
predictions of the five folds are pooled into one 4-class macro-F1 per draw; the script prints
mean and standard deviation over draws for each ``k`` (k = 0 needs one draw: nothing is
drawn). docs/stance.md, "Real development set", records the figures.

``--augment SCALE`` (one or more, comma-separated) also runs the curve with *feature
augmentation* (Daume III, "Frustratingly easy domain adaptation", 2007) instead of one shared
set of weights: every feature gets a shared copy, a copy seen only by authored rows and a copy
seen only by real labels (the latter two times ``SCALE``), so the real labels can move the
weights of real posts without moving those of the authored set. Real posts are then scored
with the shared plus the real copy (:class:`AugmentedStance`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import polars as pl

KS = (0, 25, 50, 100, 200)


def augmented_class():
    """:class:`discourse.stance.model.StanceClassifier` fitted with feature augmentation.

    Imported lazily, like the rest of the library here. ``fit(..., real=mask, scale=s)``: rows
    where ``mask`` is true are real labels. The fitted model is an ordinary one: its
    coefficients are the shared copy plus ``scale`` times the real copy, the weights a real post
    sees, so prediction and calibration are the library's.
    """
    from scipy import sparse

    from discourse.stance.model import StanceClassifier, as_texts

    class AugmentedStance(StanceClassifier):
        def fit(self, X, y, sample_weight=None, real=None, scale=1.0):
            self._real = np.asarray(real, dtype=float)
            self._scale = float(scale)
            return super().fit(X, y, sample_weight)

        def _fit(self, X, y, sample_weight=None):
            texts = as_texts(X)
            labels = np.asarray(list(y))
            weight = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
            shared = self._fit_features(texts)
            authored = sparse.diags(1.0 - self._real) @ shared * self._scale
            real = sparse.diags(self._real) @ shared * self._scale
            self._fit_linear(sparse.hstack([shared, authored, real], format="csr"), labels, weight)
            width = shared.shape[1]
            coef = self.linear_.coef_
            self.linear_.coef_ = np.ascontiguousarray(coef[:, :width] + self._scale * coef[:, 2 * width:])
            self.linear_.n_features_in_ = width
            return self

    return AugmentedStance


def curve_point(rows: pl.DataFrame, folds: np.ndarray, authored: pl.DataFrame, k: int, draw: int,
                label_weight: float | None, augment: float | None = None) -> tuple[float, float]:
    """Return (macro-F1, F_avg of the bloc classes) of one draw of ``k`` labels, pooled over folds.

    ``label_weight`` None weighs every row 1 (the labels unbalanced); ``augment`` fits with
    feature augmentation at that scale (:func:`augmented_class`).
    """
    from discourse.stance.devset_cv import draw_labels, macro_f1
    from discourse.stance.metrics import compare_with_baseline
    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import label_sample_weight, model_params

    texts = np.asarray(rows["own_text"].to_list(), dtype=object)
    gold = np.asarray(rows["stance"].to_list(), dtype=object)
    threads = np.asarray(rows["thread_id"].to_list(), dtype=object)
    predicted = np.empty(rows.height, dtype=object)
    for fold in range(int(folds.max()) + 1):
        picked = draw_labels(folds, fold, k, seed=draw)
        train = pl.concat([
            authored,
            pl.DataFrame({"text": texts[picked].tolist(), "stance": gold[picked].tolist(),
                          "origin": ["label"] * picked.size},
                         schema={"text": pl.String, "stance": pl.String, "origin": pl.String}),
        ])
        weight = None if label_weight is None else label_sample_weight(train, label_weight)
        if augment is None:
            model = StanceClassifier(**model_params()).fit(
                train["text"].to_list(), train["stance"].to_list(), sample_weight=weight
            )
        else:
            model = augmented_class()(**model_params()).fit(
                train["text"].to_list(), train["stance"].to_list(), sample_weight=weight,
                real=(train["origin"] == "label").to_numpy(), scale=augment,
            )
        held = folds == fold
        predicted[held] = model.predict(texts[held].tolist(), groups=threads[held].tolist())
    per_class = compare_with_baseline(list(gold), list(predicted))["model"]["per_class"]
    return macro_f1(gold, predicted), float(np.mean([per_class[c]["f1"] for c in ("pro_us", "pro_ussr")]))


def main(argv: list[str] | None = None) -> None:
    """Print the curve: per ``k``, mean and sd of the pooled held-out macro-F1 over draws."""
    from discourse import devset
    from discourse.stance.devset_cv import devset_rows, page_folds
    from discourse.stance.train import load_authored

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    parser.add_argument("--draws", type=int, default=3)
    parser.add_argument("--weights", default="1", help="comma-separated label weights")
    parser.add_argument("--plain", action="store_true", help="also run unweighted, unbalanced labels")
    parser.add_argument("--ks", default=",".join(map(str, KS)))
    parser.add_argument("--augment", default="", help="comma-separated scales: also fit with feature augmentation")
    args = parser.parse_args(argv)
    dev, _ = devset.load_devset(args.labels)
    if dev.is_empty():
        sys.exit(f"no development set under {args.labels}")
    rows = devset_rows(dev)
    folds = page_folds(rows["url"].to_list(), 5, seed=0)
    authored = load_authored().select(
        pl.col("text").fill_null(""), "stance", pl.lit("authored").alias("origin")
    )
    settings: list[tuple[float | None, float | None]] = [(float(w), None) for w in args.weights.split(",")]
    if args.plain:
        settings.append((None, None))
    settings += [(float(args.weights.split(",")[0]), float(a)) for a in args.augment.split(",") if a]
    print(f"{rows.height} texts, {rows['url'].n_unique()} pages, 5 page folds, {args.draws} draws")
    for setting, augment in settings:
        name = "plain (all rows weigh 1)" if setting is None else f"label_weight {setting:g}, balanced"
        if augment is not None:
            name += f", augmented x{augment:g}"
        for k in (int(x) for x in args.ks.split(",")):
            draws = 1 if k == 0 else args.draws
            points = np.array([curve_point(rows, folds, authored, k, d, setting, augment) for d in range(draws)])
            print(f"{name:28s} k={k:3d}  macro-F1 {points[:, 0].mean():.3f} ± {points[:, 0].std():.3f}"
                  f"  F_avg(us,ussr) {points[:, 1].mean():.3f}", flush=True)


if __name__ == "__main__":
    main()
