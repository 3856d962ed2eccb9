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
