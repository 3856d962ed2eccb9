"""A second batch of authored rows for the real-post error kinds: written, scored, not adopted.

``docs/experiments/data/authored_batch_r7.csv`` holds 240 posts written by the project (never
shown a development text) for the kinds docs/stance.md ("Errors by kind") names: present-day
Indian voices (64: each stance 16), present-day Pakistani and outside voices (64: each stance
16), `none` posts that name the blocs often in loaded words without a verdict (64), and
verdicts buried in long or hedged posts or read the wrong way round (48: each stance 12).

The script fits the shipped settings on the authored set with and without the batch (no
development labels) and prints grouped 5-fold authored CV and the development-set figures of
:func:`discourse.stance.devset_eval.evaluate_devset` for each. Run from the repository root
(needs data/labels/realdev and the git-ignored texts; about a minute):

    .venv/bin/python docs/experiments/authored_batch.py
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[2]
BATCH = Path(__file__).resolve().parent / "data" / "authored_batch_r7.csv"


def with_batch(folder: Path) -> Path:
    """Write the shipped authored set plus the batch to ``folder`` and return the file."""
    from discourse.stance.train import load_authored

    merged = pl.concat([load_authored(), pl.read_csv(BATCH, infer_schema=False)], how="vertical")
    path = folder / "authored_with_batch.csv"
    merged.write_csv(path)
    return path


def report(name: str, authored: Path | None, dev: pl.DataFrame) -> None:
    """Print authored CV and development figures of a model fitted on ``authored``."""
    from discourse.stance.devset_eval import evaluate_devset
    from discourse.stance.train import train_model

    model, meta = train_model(authored_csv=authored, include_user_labels=False, cv_folds=5)
    out = evaluate_devset(dev, model)
    print(f"{name}: {meta['n_training']} rows, authored CV macro-F1 {meta['metrics']['cv_macro_f1']:.3f}")
    for block in ("all", "forum"):
        stance = out[block]["stance"]
        low, high = stance["intervals"]["model"]
        print(f"  dev {block:5s}: macro-F1 {stance['model']['macro_f1']:.3f} ({low:.3f}-{high:.3f}), "
              f"F_avg {stance['model']['f_avg_blocs']:.3f}")
    print("  confusion (rows gold):", out["all"]["stance"]["model"]["confusion"])


def main() -> None:
    from discourse.devset import load_devset

    dev, _check = load_devset(ROOT / "data" / "labels")
    if dev.is_empty():
        raise SystemExit("real development set: not present (see docs/devset.md to rebuild it)")
    report("shipped authored set", None, dev)
    with tempfile.TemporaryDirectory() as folder:
        report("with the batch", with_batch(Path(folder)), dev)


if __name__ == "__main__":
    main()
