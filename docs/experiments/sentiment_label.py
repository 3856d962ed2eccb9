"""Post-level sentiment label: the designs compared and the figures of docs/stance.md ("Sentiment").

Every design is fitted on the authored set only (``src/discourse/data/authored_posts.csv``,
its ``sentiment`` column) and scored three ways:

* authored: grouped 5-fold cross-validation (``GroupKFold``, group = the topic family), the
  thresholds (or the model) fitted on the training folds;
* seed: the 38 gold units of the bundled thread (``data/labels/seed_gold.csv``), own words as
  ingestion finds them;
* dev: the real development set (``data/labels/realdev``), own words as
  :func:`discourse.stance.devset_eval.devset_tables` finds them; skipped when the git-ignored
  texts are absent. No design or threshold is fitted on dev labels.

Designs (``RULES``: one number per post, two thresholds calibrated with
:func:`discourse.sentiment_label.calibrate_thresholds`; ``MODELS``: a logistic regression):

* ``vader mean, 0.05`` - VADER's mean compound with VADER's usual cut-offs (nothing fitted);
* ``vader mean, calibrated`` - the same number, thresholds calibrated;
* ``strongest two, calibrated`` - mean compound of the two strongest sentences;
* ``strongest two + debate words + emoji`` - :func:`discourse.sentiment_label.post_tone` over
  VADER's own compounds;
* ``+ topic words without valence`` - the same over the tone compounds
  (:func:`discourse.sentiment_label.tone_compound`), the shipped label;
* ``aggregate: ...`` (:data:`AGGREGATIONS`) - other ways of combining the same tone compounds
  (negative sentences weighed up, the extremes, the mean, shares of strong sentences, the
  three strongest, a squashed sum), each plus the same debate words and emoji;
* ``logistic, sentence statistics`` - multinomial logistic regression over per-post sentence
  statistics and the cue counts (``--models``);
* ``logistic, words + statistics`` - the same plus sublinear word TF-IDF (``--models``).

Run from the checkout: ``.venv/bin/python docs/experiments/sentiment_label.py [--models]``
(seconds; about two minutes with ``--models`` on one core).
"""

from __future__ import annotations

import argparse
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import polars as pl
from sklearn.metrics import accuracy_score, cohen_kappa_score
from sklearn.model_selection import GroupKFold

from discourse import schema
from discourse.sentiment import score_post, score_sentence, sentence_scores
from discourse.sentiment_label import (
    EMOJI_WEIGHT,
    LEXICON_WEIGHT,
    NEGATIVE_TO,
    POSITIVE_FROM,
    calibrate_thresholds,
    label_tones,
    post_tone,
    sentence_cues,
)
from discourse.text import split_sentences

ROOT = Path(__file__).resolve().parents[2]
AUTHORED = ROOT / "src" / "discourse" / "data" / "authored_posts.csv"
LABELS = ROOT / "data" / "labels"
RAW = ROOT / "data" / "raw"
FOLDS = 5


def load_sets() -> dict[str, pl.DataFrame]:
    """Return ``{"authored", "seed", "dev"}`` frames with ``text`` (own words), ``sentiment``, ``group``."""
    from discourse import store
    from discourse.config import Settings
    from discourse.devset import load_devset
    from discourse.slices import ingest_files
    from discourse.stance.devset_eval import devset_tables

    authored = pl.read_csv(AUTHORED).select("text", "sentiment", "group")
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings.default(Path(folder), raw_dir=RAW)
        ingest_files(settings, [RAW])
        posts = store.read_table(settings.processed_dir, "posts")
    gold = pl.read_csv(LABELS / "seed_gold.csv", infer_schema=False)
    seed = gold.join(posts, on=[schema.THREAD_ID, schema.POST_ID], how="inner").select(
        pl.col("own_text").alias("text"), "sentiment", pl.col(schema.THREAD_ID).alias("group")
    )
    sets = {"authored": authored, "seed": seed}
    dev, _check = load_devset(LABELS)
    if dev.height:
        own, _quotes = devset_tables(dev)
        sets["dev"] = dev.join(
            own.select(pl.col(schema.POST_ID).alias("item_id"), "own_text"), on="item_id", how="left"
        ).select(pl.col("own_text").alias("text"), "sentiment", pl.col("url").alias("group"))
    return sets


def sentence_statistics(text: str | None) -> list[float]:
    """Per-post features for the logistic designs: compound statistics and cue counts."""
    sentences = split_sentences(text)
    if not sentences:
        return [0.0] * 9
    values = np.array([score_sentence(s) for s in sentences])
    cues = [sentence_cues(s) for s in sentences]
    n = len(values)
    return [
        float(values.mean()), float(values.min()), float(values.max()),
        post_tone(list(values), 0, 0.0),
        float((values <= -0.5).mean()), float((values >= 0.5).mean()), float(np.log1p(n)),
        sum(c[0] for c in cues) / n, sum(c[1] for c in cues),
    ]


RULES: dict[str, Callable[[str | None], float]] = {
    "vader mean, 0.05": lambda text: score_post(text)[0],
    "vader mean, calibrated": lambda text: score_post(text)[0],
    "strongest two, calibrated": lambda text: post_tone([score_sentence(s) for s in split_sentences(text)], 0, 0.0),
    "strongest two + debate words + emoji": lambda text: _tone_with_topic_words(text),
    "+ topic words without valence": lambda text: score_post(text)[3],
}


def _strongest(values: np.ndarray, count: int) -> float:
    """Mean of the ``count`` values of largest magnitude (the earlier one on ties)."""
    return float(values[np.argsort(-np.abs(values), kind="stable")[:count]].mean())


#: Other ways of turning the sentences' tone compounds into one number, each plus the same
#: debate words and emoji as the shipped tone.
AGGREGATIONS: dict[str, Callable[[np.ndarray], float]] = {
    "aggregate: negative sentences x1.5": lambda v: _strongest(np.where(v < 0, 1.5 * v, v), 2),
    "aggregate: (min + max) / 2": lambda v: float(v.min() + v.max()) / 2,
    "aggregate: (min + 0.6 max) / 1.6": lambda v: float(v.min() + 0.6 * v.max()) / 1.6,
    "aggregate: mean": lambda v: float(v.mean()),
    "aggregate: share > 0.3 - share < -0.3": lambda v: float((v > 0.3).mean() - (v < -0.3).mean()),
    "aggregate: strongest three": lambda v: _strongest(v, 3),
    "aggregate: tanh(sum / 2)": lambda v: float(np.tanh(v.sum() / 2)),
}


def _aggregated(text: str | None, aggregate: Callable[[np.ndarray], float]) -> float:
    """``aggregate`` of the tone compounds, plus the shipped weights of debate words and emoji."""
    sentences = split_sentences(text)
    if not sentences:
        return 0.0
    tones = np.array([sentence_scores(s)[1] for s in sentences])
    cues = [sentence_cues(s) for s in sentences]
    balance, emoji = sum(c[0] for c in cues), sum(c[1] for c in cues)
    return aggregate(tones) + LEXICON_WEIGHT * balance / len(sentences) + EMOJI_WEIGHT * emoji


RULES.update({
    name: (lambda text, aggregate=aggregate: _aggregated(text, aggregate))
    for name, aggregate in AGGREGATIONS.items()
})


def _tone_with_topic_words(text: str | None) -> float:
    """The tone from VADER's own compounds (:data:`TOPIC_WORDS` keeping their valence)."""
    sentences = split_sentences(text)
    cues = [sentence_cues(s) for s in sentences]
    return post_tone([score_sentence(s) for s in sentences], sum(c[0] for c in cues), sum(c[1] for c in cues))


def agreement(gold: np.ndarray, predicted: np.ndarray) -> str:
    return f"{accuracy_score(gold, predicted):.3f} / {cohen_kappa_score(gold, predicted):.3f}"


def run_rules(sets: dict[str, pl.DataFrame]) -> None:
    """Print agreement / kappa of every rule: authored grouped CV, seed and dev."""
    authored = sets["authored"]
    gold = authored["sentiment"].to_numpy().astype(str)
    groups = authored["group"].to_numpy()
    print(f"{'design':40s} thresholds      authored CV     seed            dev")
    for name, tone_of in RULES.items():
        tones = {key: np.array([tone_of(t) for t in frame["text"].to_list()]) for key, frame in sets.items()}
        if name.endswith("0.05"):
            fitted = lambda _tones, _gold: (0.05, -0.05)  # noqa: E731 - VADER's own cut-offs
        else:
            fitted = calibrate_thresholds
        oof = np.empty(len(gold), dtype=object)
        for train, test in GroupKFold(FOLDS).split(tones["authored"], gold, groups):
            oof[test] = label_tones(tones["authored"][test], *fitted(tones["authored"][train], gold[train]))
        positive_from, negative_to = fitted(tones["authored"], gold)
        row = f"{name:40s} {positive_from:+.3f} {negative_to:+.3f}  {agreement(gold, oof.astype(str))}"
        for key in ("seed", "dev"):
            if key in sets:
                row += f"  {agreement(sets[key]['sentiment'].to_numpy().astype(str), label_tones(tones[key], positive_from, negative_to))}"
        print(row)
    print(f"shipped thresholds: positive >= {POSITIVE_FROM}, negative <= {NEGATIVE_TO}")


def run_models(sets: dict[str, pl.DataFrame]) -> None:
    """Print agreement / kappa of the two logistic designs (balanced class weights)."""
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    features = {k: np.array([sentence_statistics(t) for t in f["text"].to_list()]) for k, f in sets.items()}
    texts = {k: f["text"].fill_null("").to_list() for k, f in sets.items()}

    def fit_predict(train_texts, train_x, train_y, words):
        scaler = StandardScaler().fit(train_x)
        vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2).fit(train_texts) if words else None

        def design(texts_, x):
            dense = csr_matrix(scaler.transform(x))
            return hstack([vectorizer.transform(texts_), dense]).tocsr() if words else dense

        model = LogisticRegression(max_iter=3000, class_weight="balanced").fit(design(train_texts, train_x), train_y)
        return lambda texts_, x: model.predict(design(texts_, x))

    gold = sets["authored"]["sentiment"].to_numpy().astype(str)
    groups = sets["authored"]["group"].to_numpy()
    for name, words in (("logistic, sentence statistics", False), ("logistic, words + statistics", True)):
        oof = np.empty(len(gold), dtype=object)
        authored_texts = np.array(texts["authored"], dtype=object)
        for train, test in GroupKFold(FOLDS).split(features["authored"], gold, groups):
            predict = fit_predict(list(authored_texts[train]), features["authored"][train], gold[train], words)
            oof[test] = predict(list(authored_texts[test]), features["authored"][test])
        predict = fit_predict(texts["authored"], features["authored"], gold, words)
        row = f"{name:40s} {'-':15s} {agreement(gold, oof.astype(str))}"
        for key in ("seed", "dev"):
            if key in sets:
                row += f"  {agreement(sets[key]['sentiment'].to_numpy().astype(str), predict(texts[key], features[key]))}"
        print(row)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", action="store_true", help="also run the two logistic designs")
    args = parser.parse_args(argv)
    sets = load_sets()
    print({key: frame.height for key, frame in sets.items()}, "(agreement / Cohen's kappa)")
    run_rules(sets)
    if args.models:
        run_models(sets)


if __name__ == "__main__":
    main()
