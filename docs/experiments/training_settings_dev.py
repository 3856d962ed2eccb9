"""Training settings of the stance model against the real development set, page-grouped.

Run from the repository root (needs data/labels/realdev and the git-ignored texts):

    .venv/bin/python docs/experiments/training_settings_dev.py

The shipped settings (:data:`discourse.stance.train.TRAINING_PARAMS`) were chosen by grouped
cross-validation on the authored set. This script asks whether another choice of the same
knobs would read real posts better. Each candidate overrides one or two parameters of
:class:`~discourse.stance.model.StanceClassifier` (:data:`CANDIDATES`: the cue weight against
the n-grams, ``C``, the n-gram range, ``min_df``, ``max_features``, the class weights, the long-post
segments, the calibration) and is fitted on the authored set alone, then run over the
development set the way the pipeline reads it
(:func:`discourse.stance.devset_eval.classify_devset`). Pages are dealt into five folds
(seed 0); for each fold the candidate with the best macro-F1 on the other four folds is chosen
and its predictions on the held-out pages are kept
(:func:`discourse.stance.devset_cv.select_by_folds`). The pooled held-out predictions are the
honest figure; each candidate's whole-set figure is printed for reading only. About a minute.
"""

from __future__ import annotations

from typing import Any

#: (name, parameter overrides): the shipped settings first.
CANDIDATES: tuple[tuple[str, dict[str, Any]], ...] = (
    ("shipped", {}),
    ("cue weight 0.3", {"cue_weight": 0.3}),
    ("cue weight 1", {"cue_weight": 1.0}),
    ("cue weight 3, n-grams 0.3", {"cue_weight": 3.0, "ngram_weight": 0.3}),
    ("C 0.3", {"C": 0.3}),
    ("C 1", {"C": 1.0}),
    ("C 30", {"C": 30.0}),
    ("min_df 3", {"min_df": 3}),
    ("min_df 5", {"min_df": 5}),
    ("unigrams", {"ngram_range": (1, 1)}),
    ("1-3-grams", {"ngram_range": (1, 3)}),
    ("5,000 n-grams", {"max_features": 5000}),
    ("no class weights", {"class_weight": None}),
    ("no segments", {"segment_sentences": None}),
    ("3-sentence segments", {"segment_sentences": 3}),
    ("no calibration", {"calibrate": False}),
)


def main(argv: list[str] | None = None) -> None:
    """Print each candidate's whole-set figure, the choice per fold and the pooled held-out figures."""
    from devset_selection import load_dev, show, show_selection

    from discourse.stance.devset_eval import classify_devset, score_stance
    from discourse.stance.train import train_model

    dev = load_dev(argv, __doc__)
    candidates: dict[str, list[str]] = {}
    rows = None
    for name, params in CANDIDATES:
        model, _ = train_model(None, include_user_labels=False, cv_folds=0, params=params)
        classified = classify_devset(dev, model).sort("item_id")
        rows = classified if rows is None else rows
        candidates[name] = classified["predicted"].to_list()
    show_selection(rows, candidates)
    show("shipped settings, all texts", score_stance(rows))


if __name__ == "__main__":
    main()
