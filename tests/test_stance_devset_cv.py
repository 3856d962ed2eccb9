"""Page-grouped folds, per-fold selection and label draws over the development set."""

from __future__ import annotations

import numpy as np
import pytest

from discourse.stance.devset_cv import draw_labels, page_folds, select_by_folds

PAGES = ["a", "a", "b", "c", "c", "c", "d", "e", "f", "f"]


def test_page_folds_keep_every_page_in_one_fold() -> None:
    folds = page_folds(PAGES, 3, seed=1)
    for page in set(PAGES):
        assert len({folds[i] for i, p in enumerate(PAGES) if p == page}) == 1
    assert sorted(set(folds.tolist())) == [0, 1, 2]
    assert np.array_equal(folds, page_folds(PAGES, 3, seed=1))  # seeded: reproducible
    with pytest.raises(ValueError):
        page_folds(["a", "b"], 3)


def test_selection_scores_each_fold_with_the_choice_made_on_the_others() -> None:
    gold = ["pro_us", "none", "pro_us", "none"]
    folds = np.array([0, 0, 1, 1])
    # "half" is right on fold 0 only, "other" on fold 1 only: each fold gets the candidate that
    # did best elsewhere, so both held-out folds are scored with the wrong one.
    candidates = {"half": ["pro_us", "none", "none", "pro_us"], "other": ["none", "pro_us", "pro_us", "none"]}
    pooled, choices = select_by_folds(gold, candidates, folds)
    assert choices == ["other", "half"]
    assert pooled.tolist() == ["none", "pro_us", "none", "pro_us"]


def test_label_draws_come_from_training_pages_only() -> None:
    folds = page_folds(PAGES, 3, seed=0)
    picked = draw_labels(folds, 0, 4, seed=2)
    assert picked.size == 4 and not (folds[picked] == 0).any()
    assert np.array_equal(picked, draw_labels(folds, 0, 4, seed=2))
    assert draw_labels(folds, 0, 0, seed=2).size == 0
    assert draw_labels(folds, 0, 100, seed=2).size == int((folds != 0).sum())
