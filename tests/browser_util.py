"""Test helpers: small hand-made threads and a headless Chromium launcher.

Every post text below is an *authored example* written for these tests (not scraped text);
the synthetic frames are generated. Frames follow ``discourse.schema`` so they can go through
``compute_shifts`` and the report writers like real pipeline output.
"""

from __future__ import annotations

import datetime as dt
import random
import shutil
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from discourse import schema

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

UTC = dt.timezone.utc


def make_frames(
    thread_id: str,
    texts: Sequence[str],
    stances: Sequence[str],
    *,
    authors: Sequence[str | None] | None = None,
    sentiments: Sequence[float | None] | None = None,
    quotes: Sequence[tuple[int, int]] = (),
    dated: bool = True,
    title: str = "An authored test thread",
    url: str | None = None,
    post_ids: Sequence[str] | None = None,
    cues: Sequence[list[str]] | None = None,
) -> dict[str, pl.DataFrame]:
    """threads/posts/quotes/classified frames for one thread.

    ``quotes`` holds (quoting position, quoted position) pairs.
    """
    n = len(texts)
    ids = list(post_ids) if post_ids is not None else [f"p{i}" for i in range(n)]
    start = dt.datetime(1999, 3, 1, 9, 0, tzinfo=UTC)
    posts = pl.DataFrame(
        {
            "thread_id": [thread_id] * n,
            "post_id": ids,
            "position": list(range(n)),
            "author": list(authors) if authors is not None else [None] * n,
            "created_at": [start + dt.timedelta(hours=3 * i) for i in range(n)] if dated else [None] * n,
            "text": list(texts),
            "own_text": list(texts),
            "word_count": [len(t.split()) for t in texts],
        },
        schema_overrides={"author": pl.String(), "created_at": schema.UTC_TIME},
    )
    sent = list(sentiments) if sentiments is not None else [0.0] * n
    probs = {s: [] for s in schema.STANCES}
    for stance in stances:
        for s in schema.STANCES:
            probs[s].append(0.7 if s == stance else 0.1)
    classified = pl.DataFrame(
        {
            "thread_id": [thread_id] * n,
            "post_id": ids,
            "stance": list(stances),
            "confidence": [0.55 + 0.4 * ((i * 37) % 10) / 10 for i in range(n)],
            **{f"p_{s}": probs[s] for s in schema.STANCES},
            "cues": list(cues) if cues is not None else [[f"cue-{s}"] for s in stances],
            "stance_source": ["model"] * n,
            "sentiment": sent,
            "sentiment_label": [
                None if v is None else "positive" if v >= 0.05 else "negative" if v <= -0.05 else "neutral"
                for v in sent
            ],
            "sentiment_us": [v if st == "pro_us" else None for v, st in zip(sent, stances)],
            "sentiment_ussr": [None if v is None or st != "pro_ussr" else -v for v, st in zip(sent, stances)],
            "model_version": ["test-model-1"] * n,
        },
        schema_overrides={"sentiment": pl.Float64(), "cues": pl.List(pl.String())},
    )
    q = pl.DataFrame(
        {
            "thread_id": [thread_id] * len(quotes),
            "post_id": [ids[a] for a, _ in quotes],
            "quoted_post_id": [ids[b] for _, b in quotes],
            "quoted_author": [None] * len(quotes),
            "span_start": [0] * len(quotes),
            "span_end": [10] * len(quotes),
            "method": ["marked"] * len(quotes),
            "score": [1.0] * len(quotes),
        },
        schema_overrides={"quoted_author": pl.String()},
    )
    threads = pl.DataFrame(
        {
            "thread_id": [thread_id],
            "source_path": [f"{thread_id}.txt"],
            "format": ["forum-text"],
            "title": [title],
            "url": [url],
            "n_posts": [n],
            "ingested_at": [dt.datetime(2024, 5, 1, 12, 0, tzinfo=UTC)],
        },
        schema_overrides={"url": pl.String()},
    )
    return {
        "threads": schema.conform(threads, schema.THREADS),
        "posts": schema.conform(posts, schema.POSTS),
        "quotes": schema.conform(q, schema.QUOTES),
        "classified": schema.conform(classified, schema.CLASSIFIED),
    }


# --- authored examples ------------------------------------------------------------------------
#: A tiny named thread, written for these tests: "Tea-stall argument about the 1954 pacts".
TEA_STALL_TEXTS = [
    "Joining SEATO brought Pakistan American tanks and wheat; the Soviets offered nothing comparable.",
    "Moscow built steel mills for India without asking for bases. That looks like the better deal.",
    "Neither bloc deserved our loyalty. Nehru's non-alignment kept both suitors paying.",
    "The American aid stopped the moment 1965 came. So much for the treaty partner.",
    "Still, the F-86s and the Peshawar base gave Pakistan weight far beyond its size.",
    "Tashkent proved Moscow could play peacemaker; Washington just watched.",
    "Better to have stayed out of both camps and traded with everyone.",
]
TEA_STALL_STANCES = ["pro_us", "pro_ussr", "neutralist", "pro_ussr", "pro_us", "pro_ussr", "neutralist"]


def tea_stall_thread(**kwargs) -> dict[str, pl.DataFrame]:
    """The tiny authored thread with authors, dates and three quote links."""
    return make_frames(
        "tea-stall",
        TEA_STALL_TEXTS,
        TEA_STALL_STANCES,
        authors=["Rafiq", "Meera", "Omar", "Meera", "Rafiq", "Meera", "Omar"],
        sentiments=[0.4, 0.3, 0.1, -0.6, 0.5, 0.2, 0.0],
        quotes=[(3, 0), (4, 3), (5, 4)],
        title="Tea-stall argument about the 1954 pacts",
        **kwargs,
    )


#: Quote links of the 32-post seed thread (quoting position, quoted position), 0-based.
SEED_QUOTES = [(7, 5), (9, 7), (14, 13), (15, 13), (16, 15), (18, 16), (19, 13), (20, 13), (22, 21), (27, 25), (28, 27), (31, 29)]
SEED_N = 32


def seed_like_thread() -> dict[str, pl.DataFrame]:
    """A hand-labelled stand-in with the seed thread's shape: 32 posts, its 12 quote links.

    Texts are short authored summaries, not the forum's words.
    """
    stances = (
        ["pro_ussr", "pro_ussr", "none", "pro_ussr", "none", "pro_us", "pro_us", "pro_ussr"]
        + ["pro_us", "pro_us", "none", "pro_us", "neutralist", "pro_us", "pro_ussr", "pro_us"]
        + ["pro_ussr", "none", "pro_us", "pro_us", "neutralist", "neutralist", "neutralist", "none"]
        + ["pro_us", "pro_us", "none", "pro_ussr", "neutralist", "pro_us", "none", "pro_us"]
    )
    texts = [f"Authored stand-in for seed post {i}: an opinion on Cold War alignment." for i in range(SEED_N)]
    authors = [f"member{(i * 7) % 11}" for i in range(SEED_N)]
    sentiments = [round(((i * 13) % 17 - 8) / 10, 2) for i in range(SEED_N)]
    return make_frames(
        "pakpassion-why-not-ussr",
        texts,
        stances,
        authors=authors,
        sentiments=sentiments,
        quotes=SEED_QUOTES,
        title="Why didn't Pakistan ally with the Soviet Union after independence?",
    )


#: Strings that must show as text and run nothing. ``window.__pwned`` must stay undefined.
HOSTILE = [
    "<script>window.__pwned=1;alert(1)</script>",
    "<img src=x onerror=\"window.__pwned=1;alert(1)\">",
    "</script><script>window.__pwned=1;alert(1)</script>",
    "<!-- <script>window.__pwned=1</script> -->",
    "javascript:window.__pwned=1;alert(1)",
    "{{datum.x}} {{constructor.constructor('window.__pwned=1')()}}",
    "\"+(window.__pwned=1)+alert(1)+\"",
    "${window.__pwned=1}${alert(1)}",
    "<svg onload=\"window.__pwned=1\"><a href=\"javascript:alert(1)\">click</a></svg>",
    "datum.stance === 'x' || (window.__pwned = 1) \u2028 line separator",
]


def hostile_thread() -> dict[str, pl.DataFrame]:
    """A thread whose title, authors, texts, cues and ids are all attack strings."""
    n = len(HOSTILE)
    stances = ["pro_us", "pro_ussr", "neutralist", "none", "pro_us", "pro_ussr", "none", "pro_us", "neutralist", "pro_ussr"]
    return make_frames(
        "hostile-text",
        HOSTILE,
        stances[:n],
        authors=[HOSTILE[(i + 3) % n] for i in range(n)],
        sentiments=[0.1 * (i - 5) for i in range(n)],
        quotes=[(2, 1), (5, 0), (9, 4)],
        title="<script>window.__pwned=1;alert(1)</script> Title </title><img src=x onerror=alert(1)>",
        url="javascript:window.__pwned=1;alert(1)",
        post_ids=[f"h{i}<b>{HOSTILE[i][:12]}" for i in range(n)],
        cues=[[HOSTILE[(i + 1) % n], "${alert(1)}"] for i in range(n)],
    )


def synthetic_thread(n: int, *, seed: int = 7, words: int = 110, thread_id: str = "synthetic") -> dict[str, pl.DataFrame]:
    """A generated thread of ``n`` posts with ~``words``-word texts, 300 authors, and a quote
    from every third post to a random earlier post."""
    rng = random.Random(seed)
    vocab = "treaty aid bloc pact army wheat steel dam border visit talks envoy loan base summit alliance".split()
    stances, texts, sentiments = [], [], []
    for i in range(n):
        phase = (i // max(1, n // 6)) % 3
        weights = [[5, 2, 2, 1], [2, 5, 2, 1], [2, 2, 5, 1]][phase]
        stances.append(rng.choices(schema.STANCES, weights=weights)[0])
        texts.append(" ".join(rng.choice(vocab) for _ in range(words)))
        sentiments.append(round(rng.uniform(-1, 1), 4))
    quotes = [(i, rng.randrange(0, i)) for i in range(3, n, 3)]
    return make_frames(
        thread_id,
        texts,
        stances,
        authors=[f"user{rng.randrange(300)}" for _ in range(n)],
        sentiments=sentiments,
        quotes=quotes,
        title=f"Synthetic thread of {n} posts",
    )


def single_post_thread() -> dict[str, pl.DataFrame]:
    return make_frames("one-post", ["Only one post, and it takes no side."], ["none"], title="One post")


def all_none_thread() -> dict[str, pl.DataFrame]:
    texts = [f"Authored off-topic post {i} about cricket scores." for i in range(6)]
    return make_frames("all-none", texts, ["none"] * 6, quotes=[(2, 1)], title="Off topic")


def bare_thread() -> dict[str, pl.DataFrame]:
    """No authors, no dates, no quotes (like an article split into paragraphs)."""
    texts = [f"Authored paragraph {i} of an essay on non-alignment." for i in range(5)]
    return make_frames(
        "bare-article",
        texts,
        ["neutralist", "pro_us", "neutralist", "none", "pro_ussr"],
        dated=False,
        title="An essay without authors or dates",
    )


# --- browser -------------------------------------------------------------------------------------
def chromium_available() -> bool:
    return CHROMIUM.exists() and shutil.which(str(CHROMIUM)) is not None
