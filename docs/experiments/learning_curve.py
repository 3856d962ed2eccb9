"""Learning curve: does more authored data still raise the seed figure? (docs/stance.md)

Issue 3 asks for seed macro-F1 >= 0.60. Across versions of the authored set, authored-set CV
and the seed figure have not moved together. This script measures that on one data set
instead of across versions: it trains the model (training
settings, thread prior on) on random subsets of the authored *groups* (25, 50, 75 and 100 % of
them, five draws each below 100 %) and scores each model twice:

* on the seed gold, as ``discourse evaluate`` does (the model never sees a seed label);
* by grouped 5-fold CV inside the subset (authored data only).

It reports how many models reach 0.60 on the seed, how well the seed figure follows the authored
CV figure across models, and, from a straight line of macro-F1 against log2(posts), the gain per
doubling of the authored set. Nothing is chosen by these figures; they only say whether more
authored posts are a plausible way to reach the target.

Needs the ingested posts (``scripts/run`` or ``discourse ingest``). Run from the checkout:
``.venv/bin/python docs/experiments/learning_curve.py`` (about a minute on one core).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl

from discourse import store
from discourse.stance.evaluate import cross_validate, evaluate_seed
from discourse.stance.model import StanceClassifier
from discourse.stance.train import load_authored, load_label_files, model_params

ROOT = Path(__file__).resolve().parents[2]
FRACTIONS = (0.25, 0.5, 0.75, 1.0)
DRAWS = 5


def subset_groups(frame: pl.DataFrame, fraction: float, seed: int) -> pl.DataFrame:
    """The rows of a random ``fraction`` of the authored groups (all rows when fraction is 1)."""
    if fraction >= 1.0:
        return frame
    groups = sorted(frame["group"].unique().to_list())
    rng = np.random.default_rng(seed)
    keep = rng.choice(len(groups), size=round(fraction * len(groups)), replace=False)
    return frame.filter(pl.col("group").is_in([groups[i] for i in keep]))


def main() -> None:
    authored = load_authored()
    processed = ROOT / "data" / "processed"
    posts = store.read_table(processed, "posts")
    quotes = store.read_table(processed, "quotes")
    gold = load_label_files(ROOT / "data" / "labels").filter(pl.col("label_file") == "seed_gold.csv")
    if posts.is_empty() or gold.is_empty():
        raise SystemExit("no ingested posts or no seed gold: run scripts/run first")
    params = model_params()
    rows = []
    for fraction in FRACTIONS:
        for draw in range(1 if fraction >= 1.0 else DRAWS):
            frame = subset_groups(authored, fraction, seed=draw)
            model = StanceClassifier(**params).fit(frame["text"].to_list(), frame["stance"].to_list())
            seed_f1 = evaluate_seed(posts, quotes, gold, model)["model"]["macro_f1"]
            cv_f1 = cross_validate(frame, params=params, random_state=draw)["summary"]["cv_macro_f1"]
            rows.append({"fraction": fraction, "draw": draw, "posts": frame.height,
                         "seed_macro_f1": seed_f1, "cv_macro_f1": cv_f1})
            print(f"{fraction:.2f} draw {draw}: {frame.height} posts, seed {seed_f1:.3f}, CV {cv_f1:.3f}", flush=True)
    table = pl.DataFrame(rows)
    print(table.group_by("fraction").agg(
        pl.col("posts").mean().round(0),
        pl.col("seed_macro_f1").mean().round(3).alias("seed_mean"),
        pl.col("seed_macro_f1").std().round(3).alias("seed_sd"),
        pl.col("cv_macro_f1").mean().round(3).alias("cv_mean"),
        pl.col("cv_macro_f1").std().round(3).alias("cv_sd"),
    ).sort("fraction"))
    seed, cv = table["seed_macro_f1"].to_numpy(), table["cv_macro_f1"].to_numpy()
    print(f"{int((seed >= 0.60).sum())} of {len(seed)} models reach 0.60 on the seed; "
          f"seed mean {seed.mean():.3f}, sd {seed.std(ddof=1):.3f}")
    print(f"correlation of seed and CV figures across the models: {np.corrcoef(seed, cv)[0, 1]:+.2f}")
    doublings = np.log2(table["posts"].to_numpy())
    for column in ("seed_macro_f1", "cv_macro_f1"):
        slope, intercept = np.polyfit(doublings, table[column].to_numpy(), 1)
        print(f"{column}: {slope:+.3f} per doubling of the authored set")
        if column == "seed_macro_f1" and slope > 0:
            needed = 2 ** ((0.60 - intercept) / slope)
            print(f"  straight-line extrapolation reaches 0.60 at about {needed:,.0f} authored posts")


if __name__ == "__main__":
    main()
