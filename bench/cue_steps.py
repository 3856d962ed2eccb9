"""Where cue extraction's time goes, step by step, per distinct sentence (CPU time, no profiler).

Usage (pin to one CPU, like the benchmark)::

    taskset -c 0 python bench/cue_steps.py --corpus bench/corpora/p10000-t100-s1 [--posts 20000]

Takes the distinct sentences of the corpus's first ``--posts`` posts (their texts as the
XenForo copies give them, quoted passages included) and times each step of
:func:`discourse.stance.sentence_cues.sentence_cues_many` on all of them, in the order a batch
runs them, best of ``--repeats``:

* side scan - :func:`discourse.sides.scan_sides_many` with its memo emptied;
* tokens, negation - :func:`discourse.text.tokenize` and
  :func:`discourse.fastpaths.negation_flags` of each tagged sentence;
* pattern sets - :func:`discourse.stance.pattern_gate.matching_patterns` (one Hyperscan scan);
* sentences - building the :class:`~discourse.stance.sentences.Sentence` objects;
* VADER - :func:`discourse.sentiment.sentence_scores` of the sentences that name a side (the
  only ones whose score the cues use), its memo emptied;
* cue rules - :func:`discourse.stance.sentence_cues.compute_sentence_cues` on the prepared
  sentences with VADER's scores already memoised, i.e. the rules alone.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from pathlib import Path


def read_posts(corpus: Path, limit: int) -> list[str]:
    """The texts of the first ``limit`` posts of a corpus made by bench/generate.py, as its
    XenForo copies give them (a reply's quoted passage included)."""
    from discourse.ingest.records import RawFile
    from discourse.ingest.xenforo_text import read

    posts: list[str] = []
    for path in sorted((corpus / "txt").glob("*.txt")):
        for thread in read(RawFile(path.read_bytes(), path.name, path)):
            posts.extend(post.text for post in thread.posts)
        if len(posts) >= limit:
            break
    return posts[:limit]


def best(step: Callable[[], object], repeats: int, before: Callable[[], None] = lambda: None) -> float:
    """The fastest CPU seconds of ``repeats`` calls of ``step`` (``before`` runs untimed first)."""
    times = []
    for _ in range(repeats):
        before()
        started = time.process_time()
        step()
        times.append(time.process_time() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--posts", type=int, default=20000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    from discourse import sentiment, sides
    from discourse.fastpaths import negation_flags
    from discourse.stance.pattern_gate import matching_patterns
    from discourse.stance.sentence_cues import compute_sentence_cues
    from discourse.stance.cue_patterns import load_lexicon
    from discourse.stance.sentences import Sentence
    from discourse.text import split_sentences, tokenize

    raws = list(dict.fromkeys(s for post in read_posts(args.corpus, args.posts) for s in split_sentences(post)))
    lexicon = load_lexicon()
    scanned = sides.scan_sides_many(raws)
    tokens = [tokenize(tagged) for tagged, _ in scanned]
    flags = [negation_flags(t) for t in tokens]
    texts = [" ".join(t) for t in tokens]
    sets = matching_patterns(texts)
    sentences = [Sentence.from_parts(t, f, s, x, m)
                 for t, f, (_, s), x, m in zip(tokens, flags, scanned, texts, sets, strict=True)]
    named = [raw for raw, (_, found) in zip(raws, scanned, strict=True) if found]
    steps = {
        "side scan": best(lambda: sides.scan_sides_many(raws), args.repeats, sides._scanned.clear),
        "tokens": best(lambda: [tokenize(tagged) for tagged, _ in scanned], args.repeats),
        "negation": best(lambda: [negation_flags(t) for t in tokens], args.repeats),
        "pattern sets": best(lambda: matching_patterns(texts), args.repeats),
        "sentences": best(lambda: [Sentence.from_parts(t, f, s, x, m) for t, f, (_, s), x, m
                                   in zip(tokens, flags, scanned, texts, sets, strict=True)], args.repeats),
        "VADER": best(lambda: [sentiment.sentence_scores(r) for r in named], args.repeats,
                      sentiment.sentence_scores.cache_clear),
        "cue rules": best(lambda: [compute_sentence_cues(r, s, lexicon) for r, s in zip(raws, sentences, strict=True)],
                          args.repeats),
    }
    n = len(raws)
    print(f"{n:,} distinct sentences of {args.posts:,} posts ({len(named) / n:.0%} name a side; "
          f"{sum(s is None for s in sets)} without a pattern set); CPU microseconds per distinct sentence:")
    for name, seconds in steps.items():
        print(f"  {name:13s} {seconds / n * 1e6:6.1f}")
    print(f"  {'total':13s} {sum(steps.values()) / n * 1e6:6.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
