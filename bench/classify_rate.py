"""How fast ``classify_posts`` labels posts, thread by thread, with and without repeated sentences.

Usage (pin to one CPU, like the benchmark)::

    taskset -c 0 python bench/classify_rate.py --corpus bench/corpora/p10000-t100-s1 [--repeats 3]

The corpus is ingested once (untimed) and the stance model read from its arrays, as a user's
later runs do. Then every thread's posts go through
:func:`discourse.classify.classify_posts` (stance and sentiment), one call per thread as the
pipeline makes them, twice over:

* **as generated**: the corpus's own texts, where about half the sentences repeat and the
  per-sentence memos apply;
* **no repeats**: every sentence opens with a word of its own ("Zq17 ..."), so no sentence
  repeats and no memo helps: the cost of new text.

Each is timed ``--repeats`` times in CPU seconds with every memo emptied first; the best is
reported as posts per CPU second.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import polars as pl


def unique_sentences(texts: list[str | None]) -> list[str | None]:
    """Each text with a word of its own opening every sentence, sentences joined by spaces."""
    from discourse.text import split_sentences

    out: list[str | None] = []
    counter = 0
    for text in texts:
        if not text:
            out.append(text)
            continue
        sentences = []
        for sentence in split_sentences(text):
            counter += 1
            sentences.append(f"Zq{counter} {sentence}")
        out.append(" ".join(sentences))
    return out


def best_rate(posts: pl.DataFrame, quotes: pl.DataFrame, model, repeats: int) -> float:  # noqa: ANN001
    """Posts per CPU second of the fastest of ``repeats`` passes over every thread."""
    from discourse.classify import classify_posts
    from discourse.heap import release_memos

    threads = [(posts.filter(pl.col("thread_id") == t), quotes.filter(pl.col("thread_id") == t))
               for t in posts["thread_id"].unique(maintain_order=True).to_list()]
    best = float("inf")
    for _ in range(repeats):
        release_memos()
        started = time.process_time()
        for thread_posts, thread_quotes in threads:
            classify_posts(thread_posts, thread_quotes, model)
        best = min(best, time.process_time() - started)
    return posts.height / best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True, help="a folder made by bench/generate.py")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from discourse import store
    from discourse.config import Settings
    from discourse.models import load_model
    from discourse.slices import ingest_files

    with tempfile.TemporaryDirectory(prefix="discourse-classify-rate-") as folder:
        settings = Settings.default(Path(folder), raw_dir=args.corpus / "txt")
        ingest_files(settings, [settings.raw_dir])
        posts = store.read_table(settings.processed_dir, "posts").sort("thread_id", "position")
        quotes = store.read_table(settings.processed_dir, "quotes")
        model, _metadata = load_model(settings)  # trains and records once; later calls read the arrays
        model, _metadata = load_model(settings)
    generated = best_rate(posts, quotes, model, args.repeats)
    fresh = posts.with_columns(pl.Series("own_text", unique_sentences(posts["own_text"].to_list()),
                                         dtype=pl.String))
    no_repeats = best_rate(fresh, quotes, model, args.repeats)
    print(f"{posts.height} posts in {posts['thread_id'].n_unique()} threads; classify_posts, posts per CPU "
          f"second (best of {args.repeats}): as generated {generated:,.0f}, no repeated sentence {no_repeats:,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
