"""Authored-only check of thread-prior adaptation (docs/stance.md, "Thread prior").

Out-of-fold probabilities come from grouped cross-validation on the authored set
(``StratifiedGroupKFold``, 5 folds, shuffles 0-2, the training settings without adaptation).
Simulated threads are then drawn from those out-of-fold rows, and each is labelled with and
without :func:`discourse.stance.priors.adapt_to_batch` under several rules for the number of
pseudo-posts (``RULES``: none at all, i.e. plain EM; a fixed number; one per post with a floor,
which is what the model does):

* protocol A: threads of 10 to 1,000 posts at six fixed class mixes (the training mix, mostly
  ``none``, and one class heavy), 100 threads per mix and shuffle; macro-F1 of the pooled labels;
* protocol B: threads of 25-120 posts whose mix is drawn from a flat Dirichlet (the protocol on
  which unsmoothed adaptation loses), 150 per shuffle; mean per-thread macro-F1, its paired
  difference from no adaptation, and pooled macro-F1.

No seed label is read. Run from the checkout: ``.venv/bin/python docs/experiments/thread_prior.py``
(about two minutes on one core).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedGroupKFold

from discourse import schema
from discourse.stance.model import StanceClassifier
from discourse.stance.priors import DEFAULT_STRENGTH, adapt_to_batch, thread_strength
from discourse.stance.train import load_authored, model_params

STANCES = list(schema.STANCES)
#: Pseudo-posts for a thread of n posts; None: no adaptation.
RULES = {
    "off": None,
    "0 (EM)": lambda n: 0.0,
    "8": lambda n: 8.0,
    "32": lambda n: 32.0,
    "128": lambda n: 128.0,
    "n/2, >=32": lambda n: max(32.0, n / 2),
    "n, >=32 (used)": lambda n: thread_strength(n, DEFAULT_STRENGTH),
}
MIXES = {
    "training mix": None,
    "mostly none": {"none": 0.58, "pro_us": 0.18, "pro_ussr": 0.20, "neutralist": 0.04},
    "nearly all none": {"none": 0.75, "pro_us": 0.10, "pro_ussr": 0.10, "neutralist": 0.05},
    "pro_ussr heavy": {"pro_ussr": 0.50, "none": 0.30, "pro_us": 0.10, "neutralist": 0.10},
    "pro_us heavy": {"pro_us": 0.50, "none": 0.30, "pro_ussr": 0.10, "neutralist": 0.10},
    "neutralist heavy": {"neutralist": 0.40, "none": 0.40, "pro_us": 0.10, "pro_ussr": 0.10},
}


def out_of_fold() -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, list[str]]]]:
    """Return gold labels and, per shuffle, (probabilities, training prior, class order)."""
    frame = load_authored()
    texts = frame["text"].to_list()
    y = np.asarray(frame["stance"].to_list(), dtype=object)
    groups = np.asarray(frame["group"].to_list(), dtype=object)
    params = model_params({"adapt_prior": None})
    runs = []
    for seed in (0, 1, 2):
        proba = np.zeros((len(y), len(STANCES)))
        prior = None
        for train, test in StratifiedGroupKFold(5, shuffle=True, random_state=seed).split(texts, y, groups):
            model = StanceClassifier(**params).fit([texts[i] for i in train], y[train])
            proba[test] = model.predict_proba([texts[i] for i in test])
            prior = model.class_prior_ if prior is None else prior  # folds differ by < 0.01
            classes = [str(c) for c in model.classes_]
        runs.append((proba, prior, classes))
    return y, runs


def labels_for(proba: np.ndarray, prior: np.ndarray, classes: list[str], rule) -> np.ndarray:
    """Labels the model gives one simulated thread (abstaining below 0.4, as in a run)."""
    if rule is not None:
        proba = adapt_to_batch(proba, prior, rule(proba.shape[0]))[0]
    labels = np.asarray(classes, dtype=object)[proba.argmax(axis=1)]
    labels[proba.max(axis=1) < 0.4] = "none"
    return labels


def draw(rng: np.random.Generator, by_class: dict[str, np.ndarray], n: int, mix: np.ndarray) -> np.ndarray:
    counts = rng.multinomial(n, mix)
    return np.concatenate([
        rng.choice(by_class[c], k, replace=k > by_class[c].size) for c, k in zip(STANCES, counts, strict=True)
    ])


def macro_f1(gold, predicted) -> float:
    return float(f1_score(list(gold), list(predicted), labels=STANCES, average="macro", zero_division=0))


def protocol_a(y, runs) -> None:
    rng = np.random.default_rng(0)
    by_class = {c: np.flatnonzero(y == c) for c in STANCES}
    train_mix = np.array([np.mean(y == c) for c in STANCES])
    print("protocol A: pooled macro-F1; pseudo-posts:", " | ".join(RULES))
    for n in (10, 32, 100, 300, 1000):
        for name, mix in MIXES.items():
            probs = train_mix if mix is None else np.array([mix[c] for c in STANCES])
            gold, predicted = [], {r: [] for r in RULES}
            for proba, prior, classes in runs:
                for _ in range(100):
                    rows = draw(rng, by_class, n, probs)
                    gold.extend(y[rows])
                    for r, rule in RULES.items():
                        predicted[r].extend(labels_for(proba[rows], prior, classes, rule))
            cells = "  ".join(f"{macro_f1(gold, predicted[r]):.3f}" for r in RULES)
            print(f"  {n:>3} posts  {name:<17} {cells}")


def protocol_b(y, runs) -> None:
    rng = np.random.default_rng(0)
    by_class = {c: np.flatnonzero(y == c) for c in STANCES}
    per_thread = {r: [] for r in RULES}
    gold, pooled = [], {r: [] for r in RULES}
    for proba, prior, classes in runs:
        for _ in range(150):
            rows = draw(rng, by_class, int(rng.integers(25, 121)), rng.dirichlet(np.ones(len(STANCES))))
            gold.extend(y[rows])
            for r, rule in RULES.items():
                labels = labels_for(proba[rows], prior, classes, rule)
                per_thread[r].append(macro_f1(y[rows], labels))
                pooled[r].extend(labels)
    base = np.asarray(per_thread["off"])
    print("protocol B: threads of 25-120 posts, flat-Dirichlet mixes")
    for r in RULES:
        diff = np.asarray(per_thread[r]) - base
        print(f"  pseudo-posts {r:<15} per-thread {np.mean(per_thread[r]):.3f} "
              f"(paired {diff.mean():+.3f} ± {diff.std(ddof=1) / np.sqrt(diff.size):.3f}), "
              f"pooled {macro_f1(gold, pooled[r]):.3f}")


def main() -> None:
    gold, folds = out_of_fold()
    protocol_a(gold, folds)
    protocol_b(gold, folds)


if __name__ == "__main__":
    main()
