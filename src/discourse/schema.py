"""Every table of the pipeline: its name, its columns and their dtypes.

This module is the single place where column names are spelled. Each column name is a
constant below, grouped under the first table that has the column (``THREAD_ID``,
``STANCE``, ``ROLL_MAJORITY``, ...); every table is an ordered mapping of those constants to
Polars dtypes (``schema.POSTS``, ...), and :data:`TABLES` maps each table's name to it. Other
modules write ``pl.col(STANCE)`` or ``row[AUTHOR]``, never the name itself, so a renamed
column is renamed everywhere at once (``tests/test_schema.py`` guards this for ``pl.col``).
The groups of tables the run moves together (:data:`INGEST_TABLES`, :data:`METRIC_TABLES`,
:data:`ANALYSIS_TABLES`) are named here once too.

``conform(frame, TABLE)`` is the one function that selects and casts a frame to a table's
schema (adding missing nullable columns as nulls); ``validate(frame, TABLE)`` raises
:class:`SchemaError` when a frame does not match exactly. Tables on disk are always written
through ``conform``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TypeVar

import polars as pl

# --- column names ------------------------------------------------------------------------
# Each name is spelled once, under the first table below that has the column; later tables
# reuse the constant.

# threads
THREAD_ID = "thread_id"
SOURCE_PATH = "source_path"
SOURCE_SHA256 = "source_sha256"
FORMAT = "format"
TITLE = "title"
URL = "url"
N_POSTS = "n_posts"
INGESTED_AT = "ingested_at"
N_NO_OWN_TEXT = "n_no_own_text"
N_NO_DATE = "n_no_date"
N_NO_AUTHOR = "n_no_author"
N_UNLINKED_QUOTES = "n_unlinked_quotes"
# posts
POST_ID = "post_id"
POSITION = "position"
AUTHOR = "author"
AUTHOR_TITLE = "author_title"
AUTHOR_JOINED = "author_joined"
AUTHOR_META = "author_meta"
CREATED_AT = "created_at"
REPLY_TO = "reply_to"
TEXT = "text"
OWN_TEXT = "own_text"
EDITED = "edited"
EDIT_NOTE = "edit_note"
WORD_COUNT = "word_count"
# quotes
QUOTED_POST_ID = "quoted_post_id"
QUOTED_AUTHOR = "quoted_author"
SPAN_START = "span_start"
SPAN_END = "span_end"
METHOD = "method"
SCORE = "score"
# ingest_report
STATUS = "status"
REASON = "reason"
LINE = "line"
N_THREADS = "n_threads"
CHECKED_AT = "checked_at"
# classified
STANCE = "stance"
CONFIDENCE = "confidence"
P_PRO_US = "p_pro_us"
P_PRO_USSR = "p_pro_ussr"
P_NEUTRALIST = "p_neutralist"
P_NONE = "p_none"
CUES = "cues"
STANCE_SOURCE = "stance_source"
SENTIMENT = "sentiment"
SENTIMENT_LABEL = "sentiment_label"
SENTIMENT_US = "sentiment_us"
SENTIMENT_USSR = "sentiment_ussr"
MODEL_VERSION = "model_version"
# labels
ANNOTATOR = "annotator"
NOTE = "note"
# shifts
WINDOW_N = "window_n"
ROLL_PRO_US = "roll_pro_us"
ROLL_PRO_USSR = "roll_pro_ussr"
ROLL_NEUTRALIST = "roll_neutralist"
ROLL_MAJORITY = "roll_majority"
CUM_N = "cum_n"
CUM_PRO_US = "cum_pro_us"
CUM_PRO_USSR = "cum_pro_ussr"
CUM_NEUTRALIST = "cum_neutralist"
BALANCE = "balance"
NEUTRALIST_SHARE = "neutralist_share"
ROLL_SENTIMENT = "roll_sentiment"
# change_points
STANCE_BEFORE = "stance_before"
STANCE_AFTER = "stance_after"
# transitions
PREV_STANCE = "prev_stance"
PREV_RELATION = "prev_relation"
QUOTED_POSITION = "quoted_position"
QUOTED_STANCE = "quoted_stance"
QUOTE_RELATION = "quote_relation"
# author_tracks
FIRST_POSITION = "first_position"
LAST_POSITION = "last_position"
FIRST_STANCE = "first_stance"
LAST_STANCE = "last_stance"
N_STANCE_CHANGES = "n_stance_changes"
MEAN_SENTIMENT = "mean_sentiment"
# thread_summary
N_CLASSIFIED = "n_classified"
SHARE_PRO_US = "share_pro_us"
SHARE_PRO_USSR = "share_pro_ussr"
SHARE_NEUTRALIST = "share_neutralist"
SHARE_NONE = "share_none"
DOMINANT_FIRST_THIRD = "dominant_first_third"
DOMINANT_SECOND_THIRD = "dominant_second_third"
DOMINANT_LAST_THIRD = "dominant_last_third"
N_CHANGE_POINTS = "n_change_points"
QUOTE_AGREEMENT_RATE = "quote_agreement_rate"
MOST_QUOTED_POST_ID = "most_quoted_post_id"
MOST_QUOTED_COUNT = "most_quoted_count"
MEAN_SENTIMENT_US = "mean_sentiment_us"
MEAN_SENTIMENT_USSR = "mean_sentiment_ussr"
# manifest
THREAD_IDS = "thread_ids"
PROCESSED_AT = "processed_at"

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
    SOURCE_PATH: pl.String(),  # path of the raw file, relative to the raw folder
    SOURCE_SHA256: pl.String(),  # hash of the raw file's bytes
    FORMAT: pl.String(),  # one of ingest.FORMATS
    TITLE: pl.String(),
    URL: pl.String(),
    N_POSTS: pl.Int64(),
    INGESTED_AT: UTC_TIME,
    # What the reader could not recover (discourse.ingest.quality.count_thread_quality):
    N_NO_OWN_TEXT: pl.Int64(),  # posts whose own text holds no word
    N_NO_DATE: pl.Int64(),  # posts without created_at
    N_NO_AUTHOR: pl.Int64(),  # posts without author
    N_UNLINKED_QUOTES: pl.Int64(),  # marked quotes linked to no post of the thread
}

#: One row per post (or article paragraph), in thread order.
POSTS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),  # the source's id when it has one, else the position as text
    POSITION: pl.Int64(),  # 0-based order within the thread
    AUTHOR: pl.String(),  # null when the source does not keep it
    AUTHOR_TITLE: pl.String(),  # forum rank/user title, e.g. "Senior Test Player"
    AUTHOR_JOINED: pl.Date(),
    AUTHOR_META: pl.String(),  # JSON object of other author counters ("Runs", "Messages", ...)
    CREATED_AT: UTC_TIME,
    REPLY_TO: pl.String(),  # post_id the source says this post replies to, if any
    TEXT: pl.String(),  # the post as posted, quoted passages included
    OWN_TEXT: pl.String(),  # text with every quoted passage removed
    EDITED: pl.Boolean(),
    EDIT_NOTE: pl.String(),  # e.g. "Last edited by a moderator:"
    WORD_COUNT: pl.Int64(),  # words of own_text
}

#: One row per quoted passage inside a post.
QUOTES: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),  # the quoting post
    QUOTED_POST_ID: pl.String(),  # null when the quoted post is not in the dump
    QUOTED_AUTHOR: pl.String(),
    SPAN_START: pl.Int64(),  # character offsets into posts.text, end exclusive
    SPAN_END: pl.Int64(),
    METHOD: pl.String(),  # one of quotes.METHODS
    SCORE: pl.Float64(),  # 1.0 for marked quotes; share of matched characters otherwise
}

#: One row per raw file examined by an ingest run, good or bad, then one row per problem found
#: inside a file that was still read (a malformed row left out, a guessed text encoding).
INGEST_REPORT: dict[str, pl.DataType] = {
    SOURCE_PATH: pl.String(),
    SOURCE_SHA256: pl.String(),
    FORMAT: pl.String(),
    # A file's row: ok | failed | unchanged (ok in an earlier run, not re-read).
    # A problem's row: bad_row (left out) | warning (read, on a guess).
    STATUS: pl.String(),
    REASON: pl.String(),  # why a file was skipped or failed, or what the problem is; null when ok
    LINE: pl.Int64(),  # a bad row's line (CSV, JSON Lines) or row number (Parquet); else null
    N_THREADS: pl.Int64(),
    N_POSTS: pl.Int64(),
    CHECKED_AT: UTC_TIME,
    # A file's row: the sums of its threads' counts (schema.THREADS); null when it failed and
    # on problems' rows.
    N_NO_OWN_TEXT: pl.Int64(),
    N_NO_DATE: pl.Int64(),
    N_NO_AUTHOR: pl.Int64(),
    N_UNLINKED_QUOTES: pl.Int64(),
}

#: Statuses of the ingest report's rows about problems inside a file (the others are files).
REPORT_PROBLEMS: tuple[str, ...] = ("bad_row", "warning")

# --- classification ------------------------------------------------------------------------
#: One row per post: stance and sentiment on the post's own text.
CLASSIFIED: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    STANCE: pl.String(),
    CONFIDENCE: pl.Float64(),
    P_PRO_US: pl.Float64(),
    P_PRO_USSR: pl.Float64(),
    P_NEUTRALIST: pl.Float64(),
    P_NONE: pl.Float64(),
    CUES: pl.List(pl.String()),  # the features that pushed hardest toward the chosen stance
    STANCE_SOURCE: pl.String(),  # model | inherited
    SENTIMENT: pl.Float64(),  # VADER compound on own text, mean over sentences
    SENTIMENT_LABEL: pl.String(),
    SENTIMENT_US: pl.Float64(),  # mean compound of sentences naming the US side; null if none
    SENTIMENT_USSR: pl.Float64(),  # the same for the Soviet side
    MODEL_VERSION: pl.String(),
}

#: Gold or user labels (CSV under data/labels/).
LABELS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    STANCE: pl.String(),
    SENTIMENT: pl.String(),  # a label of SENTIMENT_LABELS here, not a score
    ANNOTATOR: pl.String(),
    NOTE: pl.String(),
}

# --- shift analytics -----------------------------------------------------------------------
#: One row per post: rolling and cumulative stance shares up to and around that position.
SHIFTS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    POSITION: pl.Int64(),
    STANCE: pl.String(),
    WINDOW_N: pl.Int64(),  # classified (non-none) posts in the trailing window
    ROLL_PRO_US: pl.Float64(),
    ROLL_PRO_USSR: pl.Float64(),
    ROLL_NEUTRALIST: pl.Float64(),
    ROLL_MAJORITY: pl.String(),  # null when the window has no classified post or a tie
    CUM_N: pl.Int64(),
    CUM_PRO_US: pl.Float64(),
    CUM_PRO_USSR: pl.Float64(),
    CUM_NEUTRALIST: pl.Float64(),
    BALANCE: pl.Float64(),  # (pro_us - pro_ussr) / classified, over the trailing window
    NEUTRALIST_SHARE: pl.Float64(),
    SENTIMENT: pl.Float64(),
    ROLL_SENTIMENT: pl.Float64(),
}

#: Positions where the rolling majority stance changes.
CHANGE_POINTS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POSITION: pl.Int64(),
    POST_ID: pl.String(),
    STANCE_BEFORE: pl.String(),
    STANCE_AFTER: pl.String(),
}

#: Each post's stance against the previous post and against each post it quotes: one row per
#: quote link (a post quoting k posts gives k rows), one row with null quote columns otherwise.
TRANSITIONS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    POST_ID: pl.String(),
    POSITION: pl.Int64(),
    STANCE: pl.String(),
    PREV_STANCE: pl.String(),
    PREV_RELATION: pl.String(),  # agree | disagree | other
    QUOTED_POST_ID: pl.String(),
    QUOTED_POSITION: pl.Int64(),
    QUOTED_STANCE: pl.String(),
    QUOTE_RELATION: pl.String(),  # agree | disagree | other; null when the post quotes nothing
}

#: Per author and thread: how the author's stance moves through the thread.
AUTHOR_TRACKS: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    AUTHOR: pl.String(),
    N_POSTS: pl.Int64(),
    FIRST_POSITION: pl.Int64(),
    LAST_POSITION: pl.Int64(),
    FIRST_STANCE: pl.String(),
    LAST_STANCE: pl.String(),
    N_STANCE_CHANGES: pl.Int64(),
    MEAN_SENTIMENT: pl.Float64(),
}

#: One row per thread: the numbers a dashboard leads with.
THREAD_SUMMARY: dict[str, pl.DataType] = {
    THREAD_ID: pl.String(),
    N_POSTS: pl.Int64(),
    N_CLASSIFIED: pl.Int64(),
    SHARE_PRO_US: pl.Float64(),
    SHARE_PRO_USSR: pl.Float64(),
    SHARE_NEUTRALIST: pl.Float64(),
    SHARE_NONE: pl.Float64(),
    DOMINANT_FIRST_THIRD: pl.String(),
    DOMINANT_SECOND_THIRD: pl.String(),
    DOMINANT_LAST_THIRD: pl.String(),
    N_CHANGE_POINTS: pl.Int64(),
    QUOTE_AGREEMENT_RATE: pl.Float64(),
    MOST_QUOTED_POST_ID: pl.String(),
    MOST_QUOTED_COUNT: pl.Int64(),
    MEAN_SENTIMENT: pl.Float64(),
    MEAN_SENTIMENT_US: pl.Float64(),
    MEAN_SENTIMENT_USSR: pl.Float64(),
}

#: Raw-file manifest used for incremental reruns.
MANIFEST: dict[str, pl.DataType] = {
    SOURCE_PATH: pl.String(),
    SOURCE_SHA256: pl.String(),
    THREAD_IDS: pl.List(pl.String()),
    MODEL_VERSION: pl.String(),
    STATUS: pl.String(),  # ok | failed
    REASON: pl.String(),  # why the file failed, carried into later runs' ingest reports
    PROCESSED_AT: UTC_TIME,
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

#: The name of every table, in the order of :data:`TABLES`.
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
#: The tables an ingest writes for each thread.
INGEST_TABLES: tuple[str, ...] = ("threads", "posts", "quotes")
#: The tables :func:`discourse.shifts.compute_shifts` returns, in the order it returns them.
METRIC_TABLES: tuple[str, ...] = ("shifts", "change_points", "transitions", "author_tracks", "thread_summary")
#: The tables the analysis of a thread writes: its classification, then its metrics.
ANALYSIS_TABLES: tuple[str, ...] = ("classified", *METRIC_TABLES)


class SchemaError(ValueError):
    """A frame does not have the columns or dtypes its table requires."""


def empty(table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """Return an empty frame with exactly the table's columns and dtypes."""
    return pl.DataFrame(schema=dict(table))


Frame = TypeVar("Frame", pl.DataFrame, pl.LazyFrame)


def conform(
    frame: Frame, table: Mapping[str, pl.DataType], *, columns: Sequence[str] | None = None
) -> Frame:
    """Return ``frame`` with exactly the table's columns, in order, cast to its dtypes.

    Missing columns are added as nulls; extra columns are dropped. A value that cannot be cast
    raises Polars' own error, because silently nulling it would lose data.

    Parameters
    ----------
    frame
        A DataFrame, or a LazyFrame (then the result is the same select, added to its query).
    table
        The table's mapping of column name to dtype (``schema.POSTS``, ...).
    columns
        Only these of the table's columns, in this order (default: all of them), for a step
        that reads a few columns of a wide table.

    Returns
    -------
    The conformed frame. A DataFrame that already holds every wanted column with its dtype is
    not queried (the usual case: tables read from the store, conformed again by each reader):
    it is returned itself when its columns are exactly the wanted ones in order, else a new
    frame of those columns. That check costs microseconds; a select costs a few hundred.
    """
    names = list(table) if columns is None else list(columns)
    have = frame.collect_schema()
    if isinstance(frame, pl.DataFrame) and all(have.get(n) == table[n] for n in names):
        if list(have) == names:
            return frame
        return pl.DataFrame([frame.get_column(name) for name in names])
    return frame.select(
        [
            pl.col(name).cast(table[name], strict=True)
            if name in have
            else pl.lit(None, dtype=table[name]).alias(name)
            for name in names
        ]
    )


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
