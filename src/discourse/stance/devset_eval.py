"""Score a stance model and the sentiment labels on the real development set.

Each page of the set becomes one thread (its texts in page order), read the way the pipeline
reads a forum copy: "NAME said:" / "Click to expand..." quotes are cut out, unmarked quotes of
earlier texts on the page are found, and the model classifies each text's own words with the
page as the thread-prior batch (:func:`discourse.classify.classify_posts`). Figures: 4-class
macro-F1, ``F_avg`` of the two bloc classes (pro_us, pro_ussr), per class P/R/F1, confusion,
a majority-class baseline and 95 % percentile-bootstrap intervals that resample whole pages;
sentiment agreement and Cohen's kappa; the second annotation's agreement with the first. Every
figure is given for the whole set and for discussion posts alone (:data:`devset.FORUM_KINDS`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import numpy as np
import polars as pl

from discourse import schema
from discourse.devset import FORUM_KINDS, describe_mix
from discourse.schema import (
    ANNOTATOR,
    CONFIDENCE,
    CUES,
    OWN_TEXT,
    POSITION,
    SENTIMENT,
    SENTIMENT_LABEL,
    STANCE,
    STANCE_SOURCE,
    TEXT,
)
from discourse.stance.agreement import label_agreement
from discourse.stance.metrics import compare_with_baseline, macro_f1_intervals, majority_label

#: The two bloc classes whose mean F1 is the development set's ``F_avg``.
BLOC_STANCES = ("pro_us", "pro_ussr")


def devset_tables(dev: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Build the posts and quotes tables of the set: one thread per page, post id = item id.

    ``dev`` holds the manifest columns and ``text`` (:func:`discourse.devset.load_devset`).
    """
    from discourse.ingest.build import threads_to_tables
    from discourse.ingest.records import ParsedThread, RawPost
    from discourse.ingest.xenforo_text import split_marked_quotes

    now = datetime.now(UTC)
    posts, quotes = [], []
    ordered = dev.sort("url", POSITION, maintain_order=True)
    for index, ((url,), rows) in enumerate(ordered.group_by("url", maintain_order=True)):
        raw_posts = []
        for item_id, text in rows.select("item_id", TEXT).iter_rows():
            body, marked = split_marked_quotes(text)
            raw_posts.append(RawPost(text=body, post_id=str(item_id), quotes=marked))
        thread = ParsedThread(format="devset", posts=raw_posts, title=None, url=str(url))
        tables = threads_to_tables([thread], f"page-{index:04d}.txt", "", now)
        posts.append(tables["posts"])
        quotes.append(tables["quotes"])
    if not posts:
        return schema.empty(schema.POSTS), schema.empty(schema.QUOTES)
    return pl.concat(posts), pl.concat(quotes)


def classify_devset(dev: pl.DataFrame, model: Any) -> pl.DataFrame:
    """Return the set's rows with the model's ``predicted`` stance and the ``sentiment_label``."""
    from discourse.classify import classify_posts

    posts, quotes = devset_tables(dev)
    classified = classify_posts(posts, quotes, model)
    found = classified.select(
        pl.col(schema.POST_ID).alias("item_id"),
        pl.col(STANCE).alias("predicted"),
        CONFIDENCE,
        pl.col(CUES).list.join(", ").alias(CUES),
        STANCE_SOURCE,
        pl.col(SENTIMENT_LABEL).alias("predicted_sentiment"),
        pl.col(SENTIMENT).alias("sentiment_compound"),
    )
    own = posts.select(pl.col(schema.POST_ID).alias("item_id"), pl.col(OWN_TEXT).str.len_chars().alias("own_chars"))
    return dev.join(found, on="item_id", how="left").join(own, on="item_id", how="left")


def score_stance(rows: pl.DataFrame) -> dict[str, Any]:
    """Model vs majority baseline on ``rows`` (``stance`` gold, ``predicted``), page-bootstrapped."""
    gold, predicted = rows[STANCE].to_list(), rows["predicted"].to_list()
    result = compare_with_baseline(gold, predicted)
    baseline = [majority_label(gold)] * len(gold)
    result["intervals"] = macro_f1_intervals(gold, predicted, baseline, clusters=rows["url"].to_list())
    for block in ("model", "baseline"):
        per_class = result[block]["per_class"]
        result[block]["f_avg_blocs"] = float(np.mean([per_class[c]["f1"] for c in BLOC_STANCES]))
    result["n_pages"] = rows["url"].n_unique()
    return result


def score_sentiment(rows: pl.DataFrame) -> dict[str, Any]:
    """Agreement and Cohen's kappa of the predicted sentiment label with the gold one."""
    return label_agreement(rows[SENTIMENT].to_list(), rows["predicted_sentiment"].to_list(),
                           schema.SENTIMENT_LABELS)


def second_agreement(dev: pl.DataFrame, second: pl.DataFrame) -> dict[str, Any]:
    """Agreement and kappa between the first labels (manifest) and the second annotation."""
    joined = dev.select("item_id", "kind", STANCE, SENTIMENT).join(
        second.select("item_id", pl.col(STANCE).alias("second_stance"),
                      pl.col(SENTIMENT).alias("second_sentiment"), pl.col(ANNOTATOR).alias("second_annotator")),
        on="item_id", how="inner",
    )
    return {
        "n": joined.height,
        "annotators": sorted({a for a in joined["second_annotator"].to_list() if a}),
        "stance": label_agreement(joined[STANCE].to_list(), joined["second_stance"].to_list(), schema.STANCES),
        "sentiment": label_agreement(joined[SENTIMENT].to_list(), joined["second_sentiment"].to_list(),
                                     schema.SENTIMENT_LABELS),
    }


def evaluate_devset(dev: pl.DataFrame, model: Any, second: pl.DataFrame | None = None) -> dict[str, Any]:
    """Classify the set with ``model`` and return every figure, for all texts and forum posts.

    ``dev`` is :func:`discourse.devset.load_devset`'s frame; an empty frame gives
    ``{"present": False}``. The per-text table (``items``) carries no text, only ids and labels.
    """
    if dev.is_empty():
        return {"present": False}
    rows = classify_devset(dev, model)
    forum = rows.filter(pl.col("kind").is_in(list(FORUM_KINDS)))
    out: dict[str, Any] = {
        "present": True,
        "n": rows.height,
        "n_pages": rows["url"].n_unique(),
        "mix": describe_mix(rows, ("kind", "voice", STANCE, SENTIMENT)),
        "all": {"stance": score_stance(rows), "sentiment": score_sentiment(rows)},
    }
    if forum.height:
        out["forum"] = {"n": forum.height, "stance": score_stance(forum), "sentiment": score_sentiment(forum)}
    if second is not None and second.height:
        out["second_annotation"] = second_agreement(dev, second)
    out["items"] = rows.select(
        "item_id", "url", POSITION, "kind", "voice", STANCE, "predicted", CONFIDENCE, CUES,
        STANCE_SOURCE, SENTIMENT, "predicted_sentiment", "own_chars",
    ).to_dicts()
    return out
