"""The rows the thread charts draw: one per post (:func:`post_view`), one per quote edge
(:func:`edge_view`).

Each view picks the few columns the charts need, cuts long text to an excerpt, joins list
columns into text and rounds scores, so that a page for a very long thread stays small.
Nothing is computed here that the run's metric tables already hold: rolling shares come from
the ``shifts`` table and quote edges from the ``transitions`` table
(:func:`discourse.shifts.compute_shifts`).
"""

from __future__ import annotations


import polars as pl

from discourse import schema
from discourse.charts.style import ROLLS, round_columns, rounded
from discourse.schema import (
    AUTHOR,
    CONFIDENCE,
    CREATED_AT,
    CUES,
    OWN_TEXT,
    POSITION,
    POST_ID,
    QUOTED_AUTHOR,
    QUOTED_POSITION,
    QUOTED_POST_ID,
    QUOTED_STANCE,
    QUOTE_RELATION,
    ROLL_SENTIMENT,
    SENTIMENT,
    SENTIMENT_LABEL,
    SENTIMENT_US,
    SENTIMENT_USSR,
    STANCE,
    TEXT,
    THREAD_ID,
    WINDOW_N,
)
from discourse.shifts import DEFAULT_WINDOW, rolling_mean_expr

#: Longest excerpt shown in a tooltip or the detail list.
EXCERPT_CHARS = 280
#: Characters of excerpt a page may hold in all; longer threads get shorter excerpts.
EXCERPT_BUDGET = 1_500_000
MIN_EXCERPT_CHARS = 100


def excerpt_length(n_posts: int) -> int:
    """Characters per excerpt for a thread of ``n_posts`` posts (shrinks for huge threads)."""
    if n_posts <= 0:
        return EXCERPT_CHARS
    return max(MIN_EXCERPT_CHARS, min(EXCERPT_CHARS, EXCERPT_BUDGET // n_posts))


def _squeezed(text: pl.Expr) -> pl.Expr:
    """Text with every run of whitespace made one space, trimmed; "" for null."""
    return text.fill_null("").str.replace_all(r"\s+", " ").str.strip_chars()


def _excerpt_length_expr() -> pl.Expr:
    """:func:`excerpt_length` of each row's thread, as an expression over multi-thread rows."""
    return (pl.lit(EXCERPT_BUDGET, pl.Int64) // pl.len().over(THREAD_ID)).clip(MIN_EXCERPT_CHARS, EXCERPT_CHARS)


def _excerpt(col: str, n: int | pl.Expr) -> pl.Expr:
    """At most ``n`` characters of the already :func:`_squeezed` ``col``, "…" when cut."""
    # The squeezing is a separate column so that the regex runs once, not once per branch.
    text = pl.col(col)
    return (
        pl.when(text.str.len_chars() > n)
        .then(text.str.slice(0, n - 1).str.strip_chars_end() + "…")
        .otherwise(text)
    )


def post_view(
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    shifts: pl.DataFrame,
    *,
    window: int = DEFAULT_WINDOW,
    excerpt_chars: int | None = None,
) -> pl.DataFrame:
    """One row per post with everything the along-the-thread charts show.

    Rows are in thread order, thread after thread (``posts`` may hold many threads; every
    rolling value and excerpt length is taken within a thread). ``shifts`` is the SHIFTS table
    (rolling shares). Posts without a classification get stance ``none`` and null scores (as
    in :func:`discourse.shifts.join_stances`); the first classification of a post counts. Text
    (own text, else the whole post) has its whitespace squeezed and is cut to
    ``excerpt_chars`` (default: :func:`excerpt_length` of the post's thread), cues are joined
    into one string and scores are rounded to 3 decimals.
    """
    posts = schema.conform(posts, schema.POSTS)
    classified = schema.conform(classified, schema.CLASSIFIED)
    n = excerpt_chars if excerpt_chars is not None else _excerpt_length_expr()
    scores = classified.unique([THREAD_ID, POST_ID], keep="first", maintain_order=True).select(
        THREAD_ID,
        POST_ID,
        STANCE,
        CONFIDENCE,
        SENTIMENT,
        SENTIMENT_US,
        SENTIMENT_USSR,
        pl.col(CUES).list.head(6).list.join(", ").alias(CUES),
        SENTIMENT_LABEL,
    )
    rolls = schema.conform(shifts, schema.SHIFTS).select(
        THREAD_ID, POST_ID, WINDOW_N, *ROLLS, ROLL_SENTIMENT
    )
    joined = (
        posts.select(
            THREAD_ID,
            POST_ID,
            POSITION,
            AUTHOR,
            CREATED_AT,
            pl.col(CREATED_AT).dt.strftime("%Y-%m-%d %H:%M").alias("created"),
            _squeezed(pl.coalesce(pl.col(OWN_TEXT), pl.col(TEXT))).alias("_text"),
        )
        .join(scores, on=[THREAD_ID, POST_ID], how="left")
        .join(rolls, on=[THREAD_ID, POST_ID], how="left")
        .sort(THREAD_ID, POSITION, maintain_order=True)
    )
    return joined.select(
        THREAD_ID,
        POST_ID,
        POSITION,
        AUTHOR,
        CREATED_AT,
        pl.col(STANCE).fill_null("none"),
        *round_columns([CONFIDENCE, SENTIMENT, SENTIMENT_US, SENTIMENT_USSR]),
        CUES,
        SENTIMENT_LABEL,
        "created",
        WINDOW_N,
        *round_columns([*ROLLS, ROLL_SENTIMENT]),
        _excerpt("_text", n).alias("excerpt"),
        # Rolling means over the unrounded scores, then rounded like every other score.
        rounded(rolling_mean_expr(SENTIMENT_US, window)).alias("roll_sentiment_us"),
        rounded(rolling_mean_expr(SENTIMENT_USSR, window)).alias("roll_sentiment_ussr"),
    )



def edge_view(transitions: pl.DataFrame, view: pl.DataFrame) -> pl.DataFrame:
    """One row per quote edge (reply → quoted post) with positions, stances, authors and relation.

    ``transitions`` is the thread's TRANSITIONS table: its rows with a quoted post are the
    thread's quote edges (distinct, resolved, within the thread; see :mod:`discourse.shifts`),
    so they are read from there rather than found again. ``view`` is the :func:`post_view` of
    the same thread, which gives both ends' authors. Rows are sorted by position, then quoted
    position.
    """
    return edge_rows(transitions, view).drop(THREAD_ID)


def edge_rows(transitions: pl.DataFrame, view: pl.DataFrame) -> pl.DataFrame:
    """:func:`edge_view` of many threads at once, with the thread id first; rows sorted by
    thread, then as in :func:`edge_view`."""
    edges = (
        schema.conform(transitions, schema.TRANSITIONS)
        .filter(pl.col(QUOTED_POST_ID).is_not_null())
        # The table is stored sorted with nulls last; the chart's rows keep the edges' own
        # order (nulls first), whatever order the table was read in.
        .sort(THREAD_ID, POSITION, QUOTED_POSITION, maintain_order=True)
    )
    authors = view.select(THREAD_ID, POST_ID, AUTHOR)
    return (
        edges.join(authors, on=[THREAD_ID, POST_ID], how="left")
        .join(
            authors.rename({POST_ID: QUOTED_POST_ID, AUTHOR: QUOTED_AUTHOR}),
            on=[THREAD_ID, QUOTED_POST_ID],
            how="left",
        )
        .select(
            THREAD_ID,
            POSITION,
            QUOTED_POSITION,
            pl.col(QUOTE_RELATION).alias("relation"),
            POST_ID,
            QUOTED_POST_ID,
            AUTHOR,
            QUOTED_AUTHOR,
            STANCE,
            QUOTED_STANCE,
        )
    )
