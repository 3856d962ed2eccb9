"""Choose the prediction settings on the real development set by page-grouped cross-validation.

Run from the repository root (needs data/labels/realdev and the git-ignored texts):

    .venv/bin/python docs/experiments/devset_selection.py

One model is fitted on the authored set alone with the shipped settings (no development
labels). The candidates are the settings that act at prediction time: the abstention threshold
``min_confidence`` (0.3, 0.4, 0.5, 0.6) times the thread prior ``adapt_prior`` (off, 32
pseudo-posts): 8 configurations. Each is run over the whole set the way the pipeline reads it
(:func:`discourse.stance.devset_eval.classify_devset`: one thread per page, so a page's
predictions do not depend on the other pages). Pages are dealt into five folds (seed 0); for
each fold the configuration with the best macro-F1 on the other four folds is chosen and its
predictions on the held-out pages are kept (:func:`discourse.stance.devset_cv.select_by_folds`).
The pooled held-out predictions give the headline figures, with page-bootstrap intervals, for
all texts and for discussion posts alone. The script also prints each configuration's
figure on the whole set (for reading only: those figures chose nothing).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

MIN_CONFIDENCE = (0.3, 0.4, 0.5, 0.6)
ADAPT_PRIOR = (None, 32.0)


def candidate_name(min_confidence: float, adapt_prior: float | None) -> str:
    """Name of a configuration, e.g. ``min_confidence=0.4 adapt_prior=32``."""
    prior = "off" if adapt_prior is None else f"{adapt_prior:g}"
    return f"min_confidence={min_confidence:g} adapt_prior={prior}"


def show(name: str, block: dict) -> None:
    """Print one scored block of :func:`discourse.stance.devset_eval.score_stance`."""
    model, intervals = block["model"], block["intervals"]
    print(f"{name}: n={model['n']} pages={block['n_pages']} macro-F1 {model['macro_f1']:.3f} "
          f"(95% CI {intervals['model'][0]:.3f}-{intervals['model'][1]:.3f}) "
          f"F_avg(us,ussr) {model['f_avg_blocs']:.3f} baseline {block['baseline']['macro_f1']:.3f} "
          f"margin CI {intervals['difference'][0]:.3f}-{intervals['difference'][1]:.3f}")
    print("   per class F1", {k: round(v["f1"], 3) for k, v in model["per_class"].items()})
    print("   confusion (rows gold, cols predicted; pro_us, pro_ussr, neutralist, none)",
          model["confusion"]["matrix"])


def show_selection(rows: pl.DataFrame, candidates: dict[str, list[str]]) -> None:
    """Print each candidate's whole-set figure, the choice per fold and the pooled held-out figures.

    ``rows`` are the classified development texts (their ``stance``, ``url`` and ``kind``) in
    the order of every candidate's predictions.
    """
    from discourse.devset import FORUM_KINDS
    from discourse.stance.devset_cv import macro_f1, page_folds, select_by_folds
    from discourse.stance.devset_eval import score_stance

    gold = rows["stance"].to_list()
    print(f"{rows.height} texts, {rows['url'].n_unique()} pages; {len(candidates)} configurations")
    for name, predicted in candidates.items():
        print(f"   {name:40s} whole-set macro-F1 {macro_f1(gold, predicted):.3f}")
    folds = page_folds(rows["url"].to_list(), 5, seed=0)
    pooled, choices = select_by_folds(gold, candidates, folds)
    for fold, choice in enumerate(choices):
        print(f"fold {fold}: chose {choice}")
    held_out = rows.with_columns(pl.Series("predicted", pooled.tolist(), dtype=pl.String))
    show("held-out, all texts", score_stance(held_out))
    show("held-out, discussion posts", score_stance(held_out.filter(pl.col("kind").is_in(list(FORUM_KINDS)))))
    best = max(candidates, key=lambda n: (macro_f1(gold, candidates[n]), -list(candidates).index(n)))
    print("chosen on all pages:", best)


def load_dev(argv: list[str] | None, doc: str) -> pl.DataFrame:
    """Parse ``--labels`` and return the development set (exit when its texts are absent)."""
    from discourse import devset

    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--labels", type=Path, default=Path("data/labels"))
    args = parser.parse_args(argv)
    dev, _ = devset.load_devset(args.labels)
    if dev.is_empty():
        sys.exit(f"no development set under {args.labels}")
    return dev


def main(argv: list[str] | None = None) -> None:
    """Print the configurations, the choice per fold and the pooled held-out figures."""
    from discourse.stance.devset_eval import classify_devset
    from discourse.stance.train import train_model

    dev = load_dev(argv, __doc__)
    model, _ = train_model(None, include_user_labels=False, cv_folds=0)
    candidates: dict[str, list[str]] = {}
    rows = None
    for threshold in MIN_CONFIDENCE:
        for prior in ADAPT_PRIOR:
            model.set_params(min_confidence=threshold, adapt_prior=prior)
            classified = classify_devset(dev, model).sort("item_id")
            rows = classified if rows is None else rows
            candidates[candidate_name(threshold, prior)] = classified["predicted"].to_list()
    show_selection(rows, candidates)


if __name__ == "__main__":
    main()
