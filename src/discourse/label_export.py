"""Choose the posts most worth labelling and write them as a CSV a person fills in.

:func:`choose_for_labelling` picks the posts the model is least sure about, taking them in turn
from each thread (the annotation page of :mod:`discourse.annotate` shows the same choice);
:func:`export_for_labelling` adds an excerpt and empty label columns; :func:`write_for_labelling`
writes the CSV atomically.
"""

from __future__ import annotations

import io
from pathlib import Path

import polars as pl

from discourse import schema
from discourse.atomic import write_text_atomic
from discourse.schema import (
    ANNOTATOR,
    CONFIDENCE,
    NOTE,
    OWN_TEXT,
    SENTIMENT,
    STANCE,
    STANCE_SOURCE,
)

EXCERPT_CHARS = 400
EXPORT_COLUMNS = (
    schema.THREAD_ID, schema.POST_ID, "excerpt", "predicted_stance", CONFIDENCE,
    STANCE, SENTIMENT, ANNOTATOR, NOTE,
)


def choose_for_labelling(
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    n: int = 50,
    *,
    labelled: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the ``n`` posts most worth labelling, least confident first, spread over threads.

    Each thread's model-classified posts are ranked by ascending confidence; the choice takes
    every thread's least-confident post (in ascending confidence), then every thread's second,
    and so on, so one long uncertain thread cannot fill the whole batch. Posts whose stance was
    inherited from a quoted post are skipped (they were not the model's call), and so are posts
    already in ``labelled`` (label rows: ``thread_id``, ``post_id`` and, if present, ``stance``;
    a row without a stance does not count). Columns: thread_id, post_id, predicted_stance,
    confidence. Cost: a rank within each thread and one sort, otherwise linear in the posts.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    candidates = (
        classified.filter(pl.col(STANCE_SOURCE) != "inherited")
        .select(*keys, pl.col(STANCE).alias("predicted_stance"), CONFIDENCE)
        .join(posts.select(keys), on=keys, how="semi")
    )
    if labelled is not None and labelled.height:
        if STANCE in labelled.columns:
            labelled = labelled.filter(pl.col(STANCE).is_not_null() & (pl.col(STANCE) != ""))
        candidates = candidates.join(labelled.select(keys).unique(), on=keys, how="anti")
    turn = pl.col(CONFIDENCE).rank("ordinal").over(schema.THREAD_ID).alias("turn")
    return (
        candidates.with_columns(turn)
        .sort("turn", CONFIDENCE, *keys, nulls_last=True)
        .head(n)
        .drop("turn")
    )


def export_for_labelling(
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    n: int = 50,
    *,
    labelled: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Return the posts of :func:`choose_for_labelling` with empty label columns.

    Columns: thread_id, post_id, excerpt (own text, whitespace collapsed, cut at 400
    characters), predicted_stance, confidence, and empty stance, sentiment, annotator, note.
    """
    keys = [schema.THREAD_ID, schema.POST_ID]
    picked = choose_for_labelling(posts, classified, n, labelled=labelled).join(
        posts.select(*keys, OWN_TEXT), on=keys, how="left", maintain_order="left"
    )
    empty = pl.lit("", dtype=pl.String)
    return picked.select(
        *keys,
        pl.col(OWN_TEXT).fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()
        .str.slice(0, EXCERPT_CHARS).alias("excerpt"),
        "predicted_stance",
        pl.col(CONFIDENCE).round(3),
        empty.alias(STANCE), empty.alias(SENTIMENT), empty.alias(ANNOTATOR), empty.alias(NOTE),
    )


def write_for_labelling(frame: pl.DataFrame, path: Path) -> Path:
    """Write an export frame to CSV atomically; return the path."""
    buffer = io.StringIO()
    frame.write_csv(buffer)
    return write_text_atomic(Path(path), buffer.getvalue())
