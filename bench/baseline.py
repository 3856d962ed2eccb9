"""The naive baseline the pipeline is compared with: one post at a time, in a plain Python loop.

What the baseline does, per post, and what it is timed on:

* input: the post's raw text **including** any quoted passage (``RawPost.text`` as the XenForo
  text reader splits it). Splitting the files into posts is given to the baseline for free: it
  is done before the clock starts, with the project's own reader, and is not timed;
* sentiment: ``vaderSentiment.vaderSentiment.SentimentIntensityAnalyzer().polarity_scores(text)``
  (the analyzer is built once, before timing);
* stance: ``classifier.predict([text])`` of a scikit-learn ``Pipeline`` of a word (1-2 gram) and
  a character (``char_wb`` 2-5 gram) ``TfidfVectorizer`` joined by a ``FeatureUnion``, then a
  ``LogisticRegression``. It is trained once before timing, on the project's authored training
  set (``src/discourse/data/authored_posts.csv``) when present, else on labelled synthetic posts
  from :func:`generate.labelled_examples`;
* not included: reading or writing any file, quote detection, metrics, reports, storage.

The clock covers exactly the two calls per post (summed separately for sentiment and stance).
A fixed random sample of posts (seeded) is timed when the corpus is larger than the sample, and
posts/s is extrapolated to the corpus; 50 other posts are run first, untimed, as a warm-up.
"""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

WARMUP = 50


def sample_posts(raw_dir: Path, sample: int, seed: int) -> tuple[list[str], int, int]:
    """Return (texts, posts read, files read): ``sample`` raw post texts drawn with ``seed``.

    Files are read in a seeded random order until four times the sample (or everything) has been
    read, then the sample is drawn from those posts, so a 1M-post corpus is not parsed in full.
    """
    from discourse.ingest.records import RawFile
    from discourse.ingest.xenforo_text import read

    files = sorted(Path(raw_dir).rglob("*.txt"))
    rng = random.Random(f"baseline:{seed}")
    rng.shuffle(files)
    texts: list[str] = []
    read_files = 0
    want = 4 * (sample + WARMUP)
    for path in files:
        for thread in read(RawFile(path.read_bytes(), path.name, path)):
            texts.extend(post.text for post in thread.posts)
        read_files += 1
        if len(texts) >= want:
            break
    n_read = len(texts)
    k = min(len(texts), sample + WARMUP)
    chosen = rng.sample(texts, k)
    return chosen, n_read, read_files


def training_rows(seed: int) -> tuple[list[str], list[str], str]:
    """Texts, labels and a description of where they came from."""
    from discourse.stance.train import authored_path

    path = authored_path()
    if path.is_file():
        import csv

        with open(path, newline="", encoding="utf-8") as handle:
            rows = [(r["text"] or "", r["stance"]) for r in csv.DictReader(handle)]
        return [t for t, _ in rows], [s for _, s in rows], f"authored set {path.name} ({len(rows)} rows)"
    import generate

    rows = generate.labelled_examples(4000, seed)
    return [t for t, _ in rows], [s for _, s in rows], f"generated labelled posts ({len(rows)} rows)"


def build_classifier():  # noqa: ANN201
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import FeatureUnion, Pipeline

    return Pipeline(
        [
            (
                "features",
                FeatureUnion(
                    [
                        ("word", TfidfVectorizer(analyzer="word", ngram_range=(1, 2), min_df=1, sublinear_tf=True)),
                        ("char", TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True)),
                    ]
                ),
            ),
            ("lr", LogisticRegression(max_iter=2000)),
        ]
    )


def measure(raw_dir: Path, *, sample: int, seed: int, total_posts: int) -> dict[str, Any]:
    """Time the baseline on a sample of the corpus; return posts/s and what was measured."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    w = time.perf_counter()
    texts, n_read, files_read = sample_posts(raw_dir, sample, seed)
    split_seconds = time.perf_counter() - w
    train_texts, train_labels, origin = training_rows(seed)
    w = time.perf_counter()
    classifier = build_classifier().fit(train_texts, train_labels)
    train_seconds = time.perf_counter() - w
    analyzer = SentimentIntensityAnalyzer()

    warm, timed = texts[:WARMUP], texts[WARMUP:] or texts
    for text in warm:
        analyzer.polarity_scores(text)
        classifier.predict([text])

    sent_wall = stance_wall = 0.0
    sent_cpu = stance_cpu = 0.0
    labels: dict[str, int] = {}
    clock, cpu = time.perf_counter, time.process_time
    for text in timed:
        w0, c0 = clock(), cpu()
        analyzer.polarity_scores(text)
        w1, c1 = clock(), cpu()
        label = classifier.predict([text])[0]
        w2, c2 = clock(), cpu()
        sent_wall += w1 - w0
        stance_wall += w2 - w1
        sent_cpu += c1 - c0
        stance_cpu += c2 - c1
        labels[str(label)] = labels.get(str(label), 0) + 1
    n = len(timed)
    total_wall = sent_wall + stance_wall
    total_cpu = sent_cpu + stance_cpu
    return {
        "sample_posts": n,
        "extrapolated": n < total_posts,
        "posts_read_for_sampling": n_read,
        "files_read_for_sampling": files_read,
        "split_seconds_untimed": split_seconds,
        "seconds": total_wall,
        "cpu_seconds": total_cpu,
        "posts_per_s": n / total_wall,
        "cpu_posts_per_s": n / total_cpu if total_cpu > 0 else None,
        "sentiment_seconds": sent_wall,
        "stance_seconds": stance_wall,
        "sentiment_posts_per_s": n / sent_wall,
        "stance_posts_per_s": n / stance_wall,
        "mean_chars_per_post": sum(len(t) for t in timed) / n,
        "predicted_labels": labels,
        "training": {"origin": origin, "seconds": train_seconds,
                     "n_features": int(sum(len(v.vocabulary_) for _, v in classifier.named_steps["features"].transformer_list))},
        "includes": "per post: VADER polarity_scores(raw text incl. quotes) + TF-IDF(word 1-2 + char_wb 2-5) "
                    "LogisticRegression .predict([text]), in a Python loop",
        "excludes": "reading and splitting files (given for free), quote detection, metrics, reports, storage, "
                    "model training, a 50-post untimed warm-up",
    }
