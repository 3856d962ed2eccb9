"""Page-grouped cross-validation over the real development set.

The development set guides choices but is not training data, so any setting chosen with its
labels is chosen on some pages and scored on others: :func:`page_folds` deals whole pages
(each page is one thread) into folds, :func:`select_by_folds` picks, per fold, the candidate
with the best macro-F1 on the other folds' pages and keeps its predictions on the held-out
pages; the pooled held-out predictions are the honest figure. :func:`draw_labels` draws
``k`` labelled texts from the training pages of a fold, for the label learning curve
(``docs/experiments/label_curve.py``).

Everything here takes arrays or Polars frames and touches no files.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import polars as pl

from discourse import schema
from discourse.schema import OWN_TEXT
from discourse.stance.metrics import compare_with_baseline


def devset_rows(dev: pl.DataFrame) -> pl.DataFrame:
    """Return the set's rows with ``own_text`` and ``thread_id`` as the pipeline reads them.

    ``dev`` is :func:`discourse.devset.load_devset`'s frame; the own words come from
    :func:`discourse.stance.devset_eval.devset_tables` (marked quotes cut out), one thread per
    page. Columns: the manifest's, ``own_text``, ``thread_id``.
    """
    from discourse.stance.devset_eval import devset_tables

    posts, _ = devset_tables(dev)
    own = posts.select(
        pl.col(schema.POST_ID).alias("item_id"), pl.col(OWN_TEXT).fill_null(""), schema.THREAD_ID
    )
    return dev.join(own, on="item_id", how="left").with_columns(pl.col(OWN_TEXT).fill_null(""))


def page_folds(pages: Sequence[str], n_splits: int = 5, seed: int = 0) -> np.ndarray:
    """Return one fold number (0 .. n_splits-1) per row; all rows of a page share a fold.

    Pages are shuffled with ``seed`` and dealt round-robin, so fold sizes in pages differ by at
    most one. Raises ``ValueError`` when there are fewer pages than folds.
    """
    keys = np.asarray([str(p) for p in pages], dtype=object)
    unique, codes = np.unique(keys, return_inverse=True)
    if unique.size < n_splits:
        raise ValueError(f"{unique.size} pages cannot fill {n_splits} folds")
    order = np.random.default_rng(seed).permutation(unique.size)
    fold_of_page = np.empty(unique.size, dtype=np.int64)
    fold_of_page[order] = np.arange(unique.size) % n_splits
    return fold_of_page[codes]


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float:
    """Four-class macro-F1 of ``predicted`` against ``gold`` (the development set's measure)."""
    return float(compare_with_baseline(list(gold), list(predicted))["model"]["macro_f1"])


def select_by_folds(
    gold: Sequence[str], candidates: Mapping[str, Sequence[str]], folds: np.ndarray
) -> tuple[np.ndarray, list[str]]:
    """Choose a candidate per fold on the other folds; return (pooled predictions, choices).

    ``candidates`` maps a name to its predictions for every row (rows in ``gold`` order). For
    fold ``f`` the candidate with the highest :func:`macro_f1` on rows outside ``f`` is chosen
    (ties go to the first in mapping order) and its predictions fill the rows of ``f``.
    ``choices[f]`` names the candidate chosen for fold ``f``.
    """
    gold = np.asarray(gold, dtype=object)
    table = {name: np.asarray(p, dtype=object) for name, p in candidates.items()}
    pooled = np.empty(gold.shape[0], dtype=object)
    choices: list[str] = []
    for fold in range(int(folds.max()) + 1):
        inside = folds != fold
        best = max(table, key=lambda name: (macro_f1(gold[inside], table[name][inside]),
                                            -list(table).index(name)))
        choices.append(best)
        pooled[~inside] = table[best][~inside]
    return pooled, choices


def draw_labels(folds: np.ndarray, fold: int, k: int, seed: int) -> np.ndarray:
    """Return the row indices of ``k`` texts drawn at random from pages outside ``fold``.

    All of them when the training pages hold fewer than ``k``; none when ``k`` is 0.
    """
    pool = np.flatnonzero(folds != fold)
    if k <= 0:
        return np.array([], dtype=np.int64)
    rng = np.random.default_rng([seed, fold, k])
    return np.sort(rng.choice(pool, size=min(k, pool.size), replace=False))
