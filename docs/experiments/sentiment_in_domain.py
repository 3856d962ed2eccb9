"""Can the development labels themselves teach the sentiment label? Word models, held out by page.

Run from the repository root (needs data/labels/realdev and the git-ignored texts):

    .venv/bin/python docs/experiments/sentiment_in_domain.py

The shipped label is a rule over VADER's sentence scores, calibrated on the authored set
(docs/stance.md, "Sentiment"). Thresholds fitted on the development labels gain nothing, so the
question here is whether the words of real posts carry the tone the rule misses: a logistic
regression over word 1–2-gram TF-IDF of the own words (balanced classes) is fitted on the
labelled texts of four page folds and scores the fifth (five folds of pages, seed 0), with and
without the shipped rule's label and VADER's mean compound as extra features, at C = 0.3, 1, 3
and 10 (8 configurations). The pooled held-out labels are scored as `discourse evaluate` scores
the rule: agreement and Cohen's kappa with the gold labels. Under a minute.
"""

from __future__ import annotations

import numpy as np

C_VALUES = (0.3, 1.0, 3.0, 10.0)
LABELS = ("negative", "neutral", "positive")


def rule_features(compound: np.ndarray, rule: np.ndarray):  # noqa: ANN201
    """VADER's mean compound and the one-hot rule label, as a sparse block."""
    from scipy import sparse

    return sparse.csr_matrix(np.column_stack([compound, *(rule == label for label in LABELS)]).astype(float))


def held_out(texts: list[str], gold: np.ndarray, folds: np.ndarray, extra, C: float) -> np.ndarray:  # noqa: ANN001
    """Pooled held-out predictions of the word model (plus ``extra`` rows when given)."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    predicted = np.empty(len(gold), dtype=object)
    for fold in np.unique(folds):
        train, test = np.flatnonzero(folds != fold), np.flatnonzero(folds == fold)
        vectorizer = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        x_train = vectorizer.fit_transform([texts[i] for i in train])
        x_test = vectorizer.transform([texts[i] for i in test])
        if extra is not None:
            x_train = sparse.hstack([x_train, extra[train]]).tocsr()
            x_test = sparse.hstack([x_test, extra[test]]).tocsr()
        model = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(x_train, gold[train])
        predicted[test] = model.predict(x_test)
    return predicted.astype(str)


def main(argv: list[str] | None = None) -> None:
    """Print the shipped rule's figure and each word model's held-out agreement and kappa."""
    from devset_selection import load_dev

    from discourse.stance.agreement import label_agreement
    from discourse.stance.devset_cv import devset_rows, page_folds
    from discourse.stance.devset_eval import classify_devset
    from discourse.stance.train import train_model

    dev = load_dev(argv, __doc__)
    rows = devset_rows(dev).sort("item_id")
    model, _ = train_model(None, include_user_labels=False, cv_folds=0)
    classified = classify_devset(dev, model).sort("item_id")
    gold = np.asarray(rows["sentiment"].to_list())
    rule = np.asarray(classified["predicted_sentiment"].to_list())
    compound = np.asarray(classified["sentiment_compound"].to_list(), dtype=float)
    folds = page_folds(rows["url"].to_list(), 5, seed=0)

    def show(name: str, predicted: np.ndarray) -> None:
        scored = label_agreement(gold.tolist(), predicted.tolist(), LABELS)
        print(f"{name:45s} agreement {scored['agreement']:.3f} kappa {scored['kappa']:.3f}")

    print(f"{rows.height} texts, {rows['url'].n_unique()} pages")
    show("shipped rule", rule)
    texts = rows["own_text"].to_list()
    for with_rule in (False, True):
        extra = rule_features(compound, rule) if with_rule else None
        for C in C_VALUES:
            name = f"words{' + rule and VADER mean' if with_rule else ''}, C={C:g}"
            show(name, held_out(texts, gold, folds, extra, C))


if __name__ == "__main__":
    main()
