"""Two stages instead of one: does a text take a side at all, and if so which?

Run from the repository root (needs data/labels/realdev and the git-ignored texts):

    .venv/bin/python docs/experiments/two_stage.py

Most of the shipped model's errors on real posts are texts that discuss a bloc read as taking
its side, and sided texts read as `none` (docs/stance.md, "Errors by kind"). One four-class
model has to learn both questions from the same weights. Here they are split, both stages
with the shipped features and settings (cue weight 0.1, `C=10`, thread prior 32), each
fitted on the authored set alone:

* stage 1 answers `none` against "takes a side" (the three other classes merged), with its
  own balanced class weights, so the 1,488 authored rows' 34 % `none` weigh as much as their
  66 % sided rows;
* stage 2 chooses among `pro_us`, `pro_ussr` and `neutralist`, fitted on the sided rows only.

A text is `none` when stage 1's probability of a side is below a threshold ``t``, otherwise
stage 2's most probable class. ``t`` is chosen by grouped 5-fold CV on the authored set (the
shipped protocol: groups kept whole, each test fold one thread-prior batch), never by a
development label; the development figures are then printed for every ``t`` (for reading),
for the authored choice, and for page-grouped selection among all candidates (five folds of
pages, seed 0). The shipped model is scored the same way, on the same own words, beside them.

A second family asks whether the first question can be learnt from real labels: per page fold,
stage 1 is fitted on the authored rows plus the labelled texts of the other folds' pages
(merged to `none`/side, balanced among themselves as `discourse train` weighs user labels),
stage 2 on the authored set alone, and the held-out pages are scored; the pooled held-out
predictions are its figure for each ``t``. About three minutes in all.
"""

from __future__ import annotations

import numpy as np

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
SIDED = ("pro_us", "pro_ussr", "neutralist")


def two_stage_proba(texts: list[str], groups: list[str], first, second) -> tuple[np.ndarray, np.ndarray]:  # noqa: ANN001
    """Return stage 1's probability of a side per text and stage 2's probabilities (columns
    in :data:`SIDED` order)."""
    p1 = first.predict_proba(texts, groups)
    side = p1[:, list(first.classes_).index("side")]
    p2 = second.predict_proba(texts, groups)
    order = [list(second.classes_).index(c) for c in SIDED]
    return side, p2[:, order]


def decide(side: np.ndarray, sided: np.ndarray, threshold: float) -> list[str]:
    """``none`` below ``threshold``, otherwise the most probable sided class."""
    best = np.asarray(SIDED, dtype=object)[sided.argmax(axis=1)]
    return [str(b) if s >= threshold else "none" for s, b in zip(side, best, strict=True)]


def fit_stages(texts: list[str], labels: np.ndarray):  # noqa: ANN201
    """The two stage models, with the shipped settings, fitted on ``texts``/``labels``."""
    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import model_params

    params = model_params(None)
    merged = np.where(labels == "none", "none", "side")
    first = StanceClassifier(**params).fit(texts, merged)
    keep = labels != "none"
    second = StanceClassifier(**params).fit([t for t, k in zip(texts, keep, strict=True) if k], labels[keep])
    return first, second


def authored_cv(authored) -> dict[float, float]:  # noqa: ANN001
    """Grouped 5-fold CV macro-F1 on the authored set for each threshold (test fold = one batch)."""
    from sklearn.model_selection import StratifiedGroupKFold

    from discourse.stance.devset_cv import macro_f1

    texts = authored["text"].to_list()
    labels = np.asarray(authored["stance"].to_list(), dtype=object)
    groups = np.asarray(authored["group"].to_list(), dtype=object)
    side = np.empty(len(texts))
    sided = np.empty((len(texts), len(SIDED)))
    folder = StratifiedGroupKFold(n_splits=5, shuffle=True, random_state=0)
    for train, test in folder.split(texts, labels, groups):
        first, second = fit_stages([texts[i] for i in train], labels[train])
        test_texts = [texts[i] for i in test]
        side[test], sided[test] = two_stage_proba(test_texts, ["fold"] * len(test), first, second)
    return {t: macro_f1(labels.tolist(), decide(side, sided, t)) for t in THRESHOLDS}


def real_first_stage(dev, authored) -> np.ndarray:  # noqa: ANN001
    """Held-out P(side) per development text from stage 1 models fitted, per page fold, on the
    authored rows plus the other folds' labelled texts (``dev`` sorted, with own words)."""
    import polars as pl

    from discourse.stance.devset_cv import page_folds
    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import label_sample_weight, model_params

    folds = page_folds(dev["url"].to_list(), 5, seed=0)
    own, pages = dev["own_text"].to_list(), dev["thread_id"].to_list()
    merged = pl.col("stance").replace_strict({"none": "none"}, default="side")
    side = np.empty(dev.height)
    for fold in range(5):
        train = dev.filter(pl.Series(folds != fold))
        frame = pl.concat([
            authored.select("text", merged.alias("stance"), pl.lit("authored").alias("origin")),
            train.select(pl.col("own_text").alias("text"), merged.alias("stance"), pl.lit("label").alias("origin")),
        ])
        first = StanceClassifier(**model_params(None)).fit(
            frame["text"].to_list(), np.asarray(frame["stance"].to_list(), dtype=object),
            sample_weight=label_sample_weight(frame))
        test = np.flatnonzero(folds == fold)
        p1 = first.predict_proba([own[i] for i in test], [pages[i] for i in test])
        side[test] = p1[:, list(first.classes_).index("side")]
    return side


def main(argv: list[str] | None = None) -> None:
    """Print authored CV per threshold, then the development figures and the selections."""
    import polars as pl
    from devset_selection import load_dev, show, show_selection

    from discourse.stance.devset_cv import devset_rows, macro_f1
    from discourse.stance.devset_eval import score_stance
    from discourse.stance.metrics import macro_f1_intervals
    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import load_authored, model_params

    dev = devset_rows(load_dev(argv, __doc__)).sort("item_id")
    authored = load_authored()
    cv = authored_cv(authored)
    for t, score in cv.items():
        print(f"authored CV, two stages, t={t:g}: macro-F1 {score:.3f}")
    chosen = max(THRESHOLDS, key=lambda t: (round(cv[t], 6), -abs(t - 0.5)))
    print(f"chosen on authored CV: t={chosen:g}")

    texts = authored["text"].to_list()
    labels = np.asarray(authored["stance"].to_list(), dtype=object)
    first, second = fit_stages(texts, labels)
    shipped = StanceClassifier(**model_params(None)).fit(texts, labels)
    own, pages = dev["own_text"].to_list(), dev["thread_id"].to_list()
    side, sided = two_stage_proba(own, pages, first, second)
    candidates = {"shipped": shipped.predict(own, pages).tolist()}
    for t in THRESHOLDS:
        candidates[f"two stages t={t:g}"] = decide(side, sided, t)
    rows = dev.select("item_id", "url", "kind", "stance")
    for name in ("shipped", f"two stages t={chosen:g}"):
        show(name, score_stance(rows.with_columns(pl.Series("predicted", candidates[name], dtype=pl.String))))
    gold = rows["stance"].to_list()
    paired = macro_f1_intervals(gold, candidates[f"two stages t={chosen:g}"], candidates["shipped"],
                                clusters=rows["url"].to_list())["difference"]
    print(f"two stages t={chosen:g} minus shipped, paired over resampled pages: "
          f"{paired[0]:+.3f} to {paired[1]:+.3f}")
    side_gold = np.asarray([g != "none" for g in gold])
    print("stage 1 on the development set: mean P(side) for sided texts "
          f"{side[side_gold].mean():.3f}, for none texts {side[~side_gold].mean():.3f}")
    for t in THRESHOLDS:
        called = side >= t
        print(f"   t={t:g}: sided texts called sided {int((called & side_gold).sum())}/{int(side_gold.sum())}, "
              f"none texts called sided {int((called & ~side_gold).sum())}/{int((~side_gold).sum())}, "
              f"macro-F1 {macro_f1(gold, candidates[f'two stages t={t:g}']):.3f}")
    show_selection(rows, candidates)

    held_side = real_first_stage(dev, authored)
    print("stage 1 with the other pages' real labels (held out by page fold):")
    for t in THRESHOLDS:
        predicted = decide(held_side, sided, t)
        called = held_side >= t
        print(f"   t={t:g}: sided texts called sided {int((called & side_gold).sum())}/{int(side_gold.sum())}, "
              f"none texts called sided {int((called & ~side_gold).sum())}/{int((~side_gold).sum())}")
        show(f"real stage 1, t={t:g}", score_stance(rows.with_columns(pl.Series("predicted", predicted, dtype=pl.String))))


if __name__ == "__main__":
    main()
