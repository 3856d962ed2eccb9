"""Unlabeled real text as a guide for the authored model: two domain-adaptation trials.

Run from the repository root (needs data/labels/realdev and the git-ignored texts):

    .venv/bin/python docs/experiments/unlabeled_real.py

The stance model learns from authored posts and reads real ones. Both trials here give it the
*words* of real posts without their labels, the way a user's own ingested corpus could, and
ask whether that narrows the gap. Pages are dealt into five folds
(:func:`discourse.stance.devset_cv.page_folds`, seed 0); for each fold only the texts of the
other four folds' pages are used, never their labels, and the held-out fold is classified with
its page as the thread. The pooled held-out predictions give one macro-F1 per configuration.

* **Real vocabulary** (``vocabulary:``): the n-gram features are cut to those that occur at
  least ``min_df`` times in the real texts (1 or 2); with ``--transductive`` the held-out pages'
  own words count as well (still no labels), as a corpus being classified would.
* **Self-training** (``self-training:``): the authored model labels the real texts; those it
  labels with a top probability of at least ``tau`` join the training set as user labels,
  weighted like them (:func:`discourse.stance.train.label_sample_weight`, times ``weight``), and
  the model is fitted again.

Each configuration is fitted on the authored set plus unlabeled real text only: no development
label is used except to score. About two minutes on one core.
"""

from __future__ import annotations

import numpy as np
import polars as pl

VOCABULARY_MIN_DF = (1, 2)
SELF_TRAINING = ((0.5, 0.3), (0.5, 1.0), (0.7, 0.3), (0.7, 1.0), (0.85, 0.3), (0.85, 1.0))


def restricted_class(allowed: set[str]):
    """:class:`~discourse.stance.model.StanceClassifier` whose n-grams are only those in ``allowed``.

    The vocabulary is fitted as usual (``min_df``, ``max_features``) and then cut to ``allowed``
    before the TF-IDF weights are fitted, so a feature the real texts never use cannot carry
    weight.
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    from discourse.stance.model import StanceClassifier, ngram_text

    class RestrictedStance(StanceClassifier):
        def _fit_features(self, texts):
            super()._fit_features(texts)
            vocabulary = [g for g in self.vectorizer_.get_feature_names_out() if g in allowed]
            self.vectorizer_ = TfidfVectorizer(
                analyzer="word", token_pattern=r"\S+", lowercase=False,
                ngram_range=tuple(self.ngram_range), sublinear_tf=True, vocabulary=vocabulary,
            )
            return self._stack_features(texts, self.vectorizer_.fit_transform([ngram_text(t) for t in texts]))

    return RestrictedStance


def real_ngrams(texts: list[str], min_df: int, ngram_range: tuple[int, int]) -> set[str]:
    """The n-grams (as the model writes them) of at least ``min_df`` of ``texts``."""
    from sklearn.feature_extraction.text import CountVectorizer

    from discourse.stance.model import ngram_text

    counter = CountVectorizer(token_pattern=r"\S+", lowercase=False, ngram_range=ngram_range, min_df=min_df)
    counter.fit([ngram_text(t) for t in texts])
    return set(counter.vocabulary_)


def score(gold: np.ndarray, predicted: np.ndarray) -> tuple[float, float]:
    """(4-class macro-F1, F_avg of the two bloc classes)."""
    from discourse.stance.devset_cv import macro_f1
    from discourse.stance.metrics import compare_with_baseline

    per_class = compare_with_baseline(list(gold), list(predicted))["model"]["per_class"]
    return macro_f1(gold, predicted), float(np.mean([per_class[c]["f1"] for c in ("pro_us", "pro_ussr")]))


def main(argv: list[str] | None = None) -> None:
    """Print the pooled held-out figures of every configuration, the shipped model first."""
    from devset_selection import load_dev

    from discourse.stance.devset_cv import devset_rows, page_folds
    from discourse.stance.model import StanceClassifier
    from discourse.stance.train import label_sample_weight, load_authored, model_params

    rows = devset_rows(load_dev(argv, __doc__))
    folds = page_folds(rows["url"].to_list(), 5, seed=0)
    texts = np.asarray(rows["own_text"].to_list(), dtype=object)
    gold = np.asarray(rows["stance"].to_list(), dtype=object)
    threads = np.asarray(rows["thread_id"].to_list(), dtype=object)
    authored = load_authored().select(pl.col("text").fill_null(""), "stance", pl.lit("authored").alias("origin"))
    params = model_params()

    def held_out(fit_fold) -> np.ndarray:
        predicted = np.empty(rows.height, dtype=object)
        for fold in range(5):
            model = fit_fold(fold)
            held = folds == fold
            predicted[held] = model.predict(texts[held].tolist(), groups=threads[held].tolist())
        return predicted

    def shipped(_fold: int):
        return StanceClassifier(**params).fit(authored["text"].to_list(), authored["stance"].to_list())

    def vocabulary(min_df: int, transductive: bool):
        def fit(fold: int):
            pool = texts if transductive else texts[folds != fold]
            allowed = real_ngrams(pool.tolist(), min_df, tuple(StanceClassifier(**params).ngram_range))
            return restricted_class(allowed)(**params).fit(authored["text"].to_list(), authored["stance"].to_list())
        return fit

    def self_training(tau: float, weight: float):
        def fit(fold: int):
            base = shipped(fold)
            pool = np.flatnonzero(folds != fold)
            proba = base.predict_proba(texts[pool].tolist(), groups=threads[pool].tolist())
            keep = proba.max(axis=1) >= tau
            pseudo = pl.DataFrame(
                {"text": texts[pool][keep].tolist(), "stance": base.classes_[proba.argmax(axis=1)][keep].tolist(),
                 "origin": ["label"] * int(keep.sum())},
                schema={"text": pl.String, "stance": pl.String, "origin": pl.String},
            )
            train = pl.concat([authored, pseudo])
            return StanceClassifier(**params).fit(
                train["text"].to_list(), train["stance"].to_list(), sample_weight=label_sample_weight(train, weight)
            )
        return fit

    configurations = [("shipped (authored rows only)", shipped)]
    configurations += [(f"vocabulary: real n-grams, min_df {m}", vocabulary(m, False)) for m in VOCABULARY_MIN_DF]
    configurations += [("vocabulary: real n-grams, min_df 1, held-out pages' words too", vocabulary(1, True))]
    configurations += [(f"self-training: tau {t:g}, weight {w:g}", self_training(t, w)) for t, w in SELF_TRAINING]
    print(f"{rows.height} texts, {rows['url'].n_unique()} pages, 5 page folds; {len(configurations)} configurations")
    for name, fit in configurations:
        macro, blocs = score(gold, held_out(fit))
        print(f"{name:62s} macro-F1 {macro:.3f}  F_avg(us,ussr) {blocs:.3f}", flush=True)


if __name__ == "__main__":
    main()
