"""Every table of the pipeline: its name, its columns and their dtypes.

This module is the single place where column names are spelled. Other modules refer to
``schema.POSTS`` (an ordered mapping of column name to Polars dtype) or to the column-name
constants below, so a renamed column is renamed everywhere at once.

``conform(frame, TABLE)`` selects and casts a frame to a table's schema (adding missing
nullable columns as nulls); ``validate(frame, TABLE)`` raises :class:`SchemaError` when a frame
does not match exactly. Tables on disk are always written through ``conform``.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

# --- shared column names -------------------------------------------------------------------
THREAD_ID = "thread_id"
POST_ID = "post_id"
POSITION = "position"

UTC_TIME = pl.Datetime("us", "UTC")

#: Stance labels, in the order used for probability columns, charts and confusion matrices.
STANCES: tuple[str, ...] = ("pro_us", "pro_ussr", "neutralist", "none")
#: The stances that take a side in the alignment debate (SemEval-style F_avg averages these).
SIDED_STANCES: tuple[str, ...] = ("pro_us", "pro_ussr", "neutralist")
SENTIMENT_LABELS: tuple[str, ...] = ("positive", "neutral", "negative")

# --- ingestion -----------------------------------------------------------------------------
#: One row per thread (a forum thread, or an article whose units are paragraphs).
THREADS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),  # stable, filesystem-safe, derived from the source path
    "source_path": pl.String(),  # path of the raw file, relative to the raw folder
    "source_sha256": pl.String(),  # hash of the raw file's bytes
    "format": pl.String(),  # one of ingest.FORMATS
    "title": pl.String(),
    "url": pl.String(),
    "n_posts": pl.Int64(),
    "ingested_at": UTC_TIME,
    # What the reader could not recover (discourse.ingest.quality.count_thread_quality):
    "n_no_own_text": pl.Int64(),  # posts whose own text holds no word
    "n_no_date": pl.Int64(),  # posts without created_at
    "n_no_author": pl.Int64(),  # posts without author
    "n_unlinked_quotes": pl.Int64(),  # marked quotes linked to no post of the thread
}

#: One row per post (or article paragraph), in thread order.
POSTS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),  # the source's id when it has one, else the position as text
    POSITION: pl.Int64(),  # 0-based order within the thread
    "author": pl.String(),  # null when the source does not keep it
    "author_title": pl.String(),  # forum rank/user title, e.g. "Senior Test Player"
    "author_joined": pl.Date(),
    "author_meta": pl.String(),  # JSON object of other author counters ("Runs", "Messages", ...)
    "created_at": UTC_TIME,
    "reply_to": pl.String(),  # post_id the source says this post replies to, if any
    "text": pl.String(),  # the post as posted, quoted passages included
    "own_text": pl.String(),  # text with every quoted passage removed
    "edited": pl.Boolean(),
    "edit_note": pl.String(),  # e.g. "Last edited by a moderator:"
    "word_count": pl.Int64(),  # words of own_text
}

#: One row per quoted passage inside a post.
QUOTES: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),  # the quoting post
    "quoted_post_id": pl.String(),  # null when the quoted post is not in the dump
    "quoted_author": pl.String(),
    "span_start": pl.Int64(),  # character offsets into posts.text, end exclusive
    "span_end": pl.Int64(),
    "method": pl.String(),  # one of quotes.METHODS
    "score": pl.Float64(),  # 1.0 for marked quotes; share of matched characters otherwise
}

#: One row per raw file examined by an ingest run, good or bad, then one row per problem found
#: inside a file that was still read (a malformed row left out, a guessed text encoding).
INGEST_REPORT: dict[str, pl.DataType] = {
    "source_path": pl.String(),
    "source_sha256": pl.String(),
    "format": pl.String(),
    # A file's row: ok | failed | unchanged (ok in an earlier run, not re-read).
    # A problem's row: bad_row (left out) | warning (read, on a guess).
    "status": pl.String(),
    "reason": pl.String(),  # why a file was skipped or failed, or what the problem is; null when ok
    "line": pl.Int64(),  # a bad row's line (CSV, JSON Lines) or row number (Parquet); else null
    "n_threads": pl.Int64(),
    "n_posts": pl.Int64(),
    "checked_at": UTC_TIME,
    # A file's row: the sums of its threads' counts (schema.THREADS); null when it failed and
    # on problems' rows.
    "n_no_own_text": pl.Int64(),
    "n_no_date": pl.Int64(),
    "n_no_author": pl.Int64(),
    "n_unlinked_quotes": pl.Int64(),
}

#: Statuses of the ingest report's rows about problems inside a file (the others are files).
REPORT_PROBLEMS: tuple[str, ...] = ("bad_row", "warning")

# --- classification ------------------------------------------------------------------------
#: One row per post: stance and sentiment on the post's own text.
CLASSIFIED: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    "stance": pl.String(),
    "confidence": pl.Float64(),
    "p_pro_us": pl.Float64(),
    "p_pro_ussr": pl.Float64(),
    "p_neutralist": pl.Float64(),
    "p_none": pl.Float64(),
    "cues": pl.List(pl.String()),  # the features that pushed hardest toward the chosen stance
    "stance_source": pl.String(),  # model | inherited
    "sentiment": pl.Float64(),  # VADER compound on own text, mean over sentences
    "sentiment_label": pl.String(),
    "sentiment_us": pl.Float64(),  # mean compound of sentences naming the US side; null if none
    "sentiment_ussr": pl.Float64(),  # the same for the Soviet side
    "model_version": pl.String(),
}

#: Gold or user labels (CSV under data/labels/).
LABELS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    "stance": pl.String(),
    "sentiment": pl.String(),
    "annotator": pl.String(),
    "note": pl.String(),
}

# --- shift analytics -----------------------------------------------------------------------
#: One row per post: rolling and cumulative stance shares up to and around that position.
SHIFTS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    POSITION: pl.Int64(),
    "stance": pl.String(),
    "window_n": pl.Int64(),  # classified (non-none) posts in the trailing window
    "roll_pro_us": pl.Float64(),
    "roll_pro_ussr": pl.Float64(),
    "roll_neutralist": pl.Float64(),
    "roll_majority": pl.String(),  # null when the window has no classified post or a tie
    "cum_n": pl.Int64(),
    "cum_pro_us": pl.Float64(),
    "cum_pro_ussr": pl.Float64(),
    "cum_neutralist": pl.Float64(),
    "balance": pl.Float64(),  # (pro_us - pro_ussr) / classified, over the trailing window
    "neutralist_share": pl.Float64(),
    "sentiment": pl.Float64(),
    "roll_sentiment": pl.Float64(),
}

#: Positions where the rolling majority stance changes.
CHANGE_POINTS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POSITION: pl.Int64(),
    POST_ID: pl.String(),
    "stance_before": pl.String(),
    "stance_after": pl.String(),
}

#: Each post's stance against the previous post and against each post it quotes: one row per
#: quote link (a post quoting k posts gives k rows), one row with null quote columns otherwise.
TRANSITIONS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    POSITION: pl.Int64(),
    "stance": pl.String(),
    "prev_stance": pl.String(),
    "prev_relation": pl.String(),  # agree | disagree | other
    "quoted_post_id": pl.String(),
    "quoted_position": pl.Int64(),
    "quoted_stance": pl.String(),
    "quote_relation": pl.String(),  # agree | disagree | other; null when the post quotes nothing
}

#: Per author and thread: how the author's stance moves through the thread.
AUTHOR_TRACKS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    "author": pl.String(),
    "n_posts": pl.Int64(),
    "first_position": pl.Int64(),
    "last_position": pl.Int64(),
    "first_stance": pl.String(),
    "last_stance": pl.String(),
    "n_stance_changes": pl.Int64(),
    "mean_sentiment": pl.Float64(),
}

#: One row per thread: the numbers a dashboard leads with.
THREAD_SUMMARY: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    "n_posts": pl.Int64(),
    "n_classified": pl.Int64(),
    "share_pro_us": pl.Float64(),
    "share_pro_ussr": pl.Float64(),
    "share_neutralist": pl.Float64(),
    "share_none": pl.Float64(),
    "dominant_first_third": pl.String(),
    "dominant_second_third": pl.String(),
    "dominant_last_third": pl.String(),
    "n_change_points": pl.Int64(),
    "quote_agreement_rate": pl.Float64(),
    "most_quoted_post_id": pl.String(),
    "most_quoted_count": pl.Int64(),
    "mean_sentiment": pl.Float64(),
    "mean_sentiment_us": pl.Float64(),
    "mean_sentiment_ussr": pl.Float64(),
}

#: Raw-file manifest used for incremental reruns.
MANIFEST: dict[str, pl.DataType] = {
    "source_path": pl.String(),
    "source_sha256": pl.String(),
    "thread_ids": pl.List(pl.String()),
    "model_version": pl.String(),
    "status": pl.String(),  # ok | failed
    "reason": pl.String(),  # why the file failed, carried into later runs' ingest reports
    "processed_at": UTC_TIME,
}

#: Every table by the file stem it is stored under in the processed folder.
TABLES: dict[str, Mapping[str, pl.DataType]] = {
    "threads": THREADS,
    "posts": POSTS,
    "quotes": QUOTES,
    "ingest_report": INGEST_REPORT,
    "classified": CLASSIFIED,
    "shifts": SHIFTS,
    "change_points": CHANGE_POINTS,
    "transitions": TRANSITIONS,
    "author_tracks": AUTHOR_TRACKS,
    "thread_summary": THREAD_SUMMARY,
    "manifest": MANIFEST,
}


class SchemaError(ValueError):
    """A frame does not have the columns or dtypes its table requires."""


def empty(table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Return an empty frame with exactly the table's columns and dtypes."""
    return pl.DataFrame(schema=dict(table))


def conform(frame: pl.DataFrame, table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Return ``frame`` with exactly the table's columns, in order, cast to its dtypes.

    Missing columns are added as nulls; extra columns are dropped. A value that cannot be cast
    raises Polars' own error, because silently nulling it would lose data.
    """
    exprs = []
    for name, dtype in table.items():
        if name in frame.columns:
            exprs.append(pl.col(name).cast(dtype, strict=True))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    return frame.select(exprs)


def validate(frame: pl.DataFrame, table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Return ``frame`` unchanged if its columns and dtypes are exactly the table's.

    Raises
    ------
    SchemaError
        Naming the first missing, extra or mistyped column.
    """
    expected = list(table)
    if frame.columns != expected:
        missing = [c for c in expected if c not in frame.columns]
        extra = [c for c in frame.columns if c not in table]
        raise SchemaError(f"columns differ: missing {missing}, extra {extra}, got {frame.columns}")
    for name, dtype in table.items():
        if frame.schema[name] != dtype:
            raise SchemaError(f"column {name!r} is {frame.schema[name]}, expected {dtype}")
    return frame
