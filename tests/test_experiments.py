"""The experiment scripts behind docs/stance.md still import and still sample what they say."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import polars as pl
import pytest

from conftest import ROOT

EXPERIMENTS = sorted((ROOT / "docs" / "experiments").glob("*.py"))


def load_script(path: Path):
    spec = importlib.util.spec_from_file_location(f"experiment_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # scripts only define functions unless run as __main__
    return module


@pytest.mark.parametrize("path", EXPERIMENTS, ids=lambda p: p.stem)
def test_experiment_script_imports_against_the_current_library(path):
    # Guards the documented figures' recipes against library renames.
    assert callable(load_script(path).main)


def test_learning_curve_subsets_keep_whole_groups():
    module = load_script(ROOT / "docs" / "experiments" / "learning_curve.py")
    frame = pl.DataFrame({"group": ["g1", "g1", "g2", "g3", "g3", "g4"], "text": list("abcdef")})
    half = module.subset_groups(frame, 0.5, seed=0)
    kept = set(half["group"].to_list())
    assert len(kept) == 2
    assert half.height == frame.filter(pl.col("group").is_in(list(kept))).height
    assert module.subset_groups(frame, 0.5, seed=0).equals(half)  # seeded: reproducible
    assert module.subset_groups(frame, 1.0, seed=3).equals(frame)


def test_sentiment_label_script_scores_the_shipped_rule():
    # Guards docs/stance.md "Sentiment": the script's shipped design is the library's label.
    from discourse.sentiment import score_post

    module = load_script(ROOT / "docs" / "experiments" / "sentiment_label.py")
    text = "They sold us out. The talks were long."  # authored, the project's own words
    assert module.RULES["strongest two + debate words + emoji"](text) == score_post(text)[3]
    assert module.sentence_statistics("") == [0.0] * 9
    assert len(module.sentence_statistics(text)) == 9


def test_sentiment_label_script_loads_its_sets():
    # Guards the recipe end to end: the loader ingests the bundled thread through the library.
    module = load_script(ROOT / "docs" / "experiments" / "sentiment_label.py")
    sets = module.load_sets()
    assert sets["authored"].height > 1000
    assert sets["seed"].height == pl.read_csv(ROOT / "data" / "labels" / "seed_gold.csv").height
    assert sets["seed"]["text"].null_count() == 0


def test_sentiment_aggregations_differ_from_the_label_only_in_how_sentences_combine():
    # Guards docs/stance.md "Sentiment": the aggregate rows share the label's tone compounds,
    # debate words and emoji, so the two strongest sentences through them give the label's tone.
    from discourse.sentiment import score_post

    module = load_script(ROOT / "docs" / "experiments" / "sentiment_label.py")
    text = "They sold us out again. The talks were long. What a fine friend they turned out to be!"  # authored
    assert module._aggregated(text, lambda v: module._strongest(v, 2)) == pytest.approx(score_post(text)[3])
    assert module._aggregated("", module.AGGREGATIONS["aggregate: mean"]) == 0.0
    for name in module.AGGREGATIONS:
        assert isinstance(module.RULES[name](text), float), name


def test_training_settings_candidates_are_estimator_parameters():
    # Guards the recipe of docs/stance.md "Training settings": a misspelt knob would only fail
    # after minutes of fitting, and the shipped settings must be the first candidate.
    from discourse.stance.model import StanceClassifier

    module = load_script(ROOT / "docs" / "experiments" / "training_settings_dev.py")
    names = [name for name, _ in module.CANDIDATES]
    assert names[0] == "shipped" and module.CANDIDATES[0][1] == {}
    assert len(set(names)) == len(names)
    known = set(StanceClassifier().get_params())
    for name, params in module.CANDIDATES[1:]:
        assert params and set(params) <= known, name


def test_feature_augmentation_folds_into_an_ordinary_model():
    # Guards docs/stance.md "Label learning curve": the augmented fit is scored with the
    # shared plus the real copy of each weight, and without extra copies it is the plain fit.
    import numpy as np

    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import load_authored

    module = load_script(ROOT / "docs" / "experiments" / "label_curve.py")
    rows = load_authored().head(240)
    texts, labels = rows["text"].fill_null("").to_list(), rows["stance"].to_list()
    real = np.arange(len(texts)) >= 200
    params = {"calibrate": False, "adapt_prior": None}
    plain = StanceClassifier(**params).fit(texts, labels)
    none_extra = module.augmented_class()(**params).fit(texts, labels, real=real, scale=0.0)
    np.testing.assert_allclose(none_extra.linear_.coef_, plain.linear_.coef_, atol=1e-6)

    class Recording(module.augmented_class()):
        def _fit_linear(self, features, labels, weight):
            super()._fit_linear(features, labels, weight)
            self.seen_features, self.seen_coef = features, self.linear_.coef_.copy()

    augmented = Recording(**params).fit(texts, labels, real=real, scale=0.5)
    assert augmented.linear_.coef_.shape == plain.linear_.coef_.shape
    assert not np.allclose(augmented.linear_.coef_, plain.linear_.coef_, atol=1e-3)
    # A real row's decision values are the same through the three copies and the folded weights.
    width = plain.linear_.coef_.shape[1]
    full = augmented.seen_features[real] @ augmented.seen_coef.T
    folded = augmented.seen_features[real][:, :width] @ augmented.linear_.coef_.T
    np.testing.assert_allclose(folded, full, atol=1e-9)
    probabilities = augmented.predict_proba(texts[200:])
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0)
