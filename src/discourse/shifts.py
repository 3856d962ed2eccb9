"""Shift analytics: how the stance of a debate moves along its threads.

Every function here is pure: Polars frames in, Polars frames out, no I/O. Frames may hold
many threads; every window, shift and count is taken within one thread (``over(thread_id)``),
so posts of two threads are never mixed. Everything is expressed as Polars window
expressions and group-bys, so the cost is linear in the number of posts.

Conventions, used throughout and described for readers in ``docs/dashboards.md``:

* A post's stance comes from the classified table. A post with no classification row, or a
  null stance, counts as ``none``.
* *Classified* posts are the ones that take a side: stance ``pro_us``, ``pro_ussr`` or
  ``neutralist``. ``none`` posts sit in the window but never in a share's denominator.
* The rolling window is *trailing*: at position ``i`` it covers the ``window`` posts ending at
  ``i`` (fewer at the start of a thread). ``window_n`` is the number of classified posts in it;
  every rolling share is ``null`` when ``window_n`` is 0.
* ``roll_majority`` is the stance with the most posts in the window; it is ``null`` when the
  window has no classified post or when two stances tie for the top.
* A *change point* is a position where the rolling majority is set and differs from the last
  majority that was set before it. Null stretches (ties, empty windows) are skipped over, not
  treated as a stance: ``pro_us, null, null, pro_ussr`` is one change point (at the
  ``pro_ussr`` position, before ``pro_us``), and ``pro_us, null, pro_us`` is none. The first
  majority of a thread is not a change point.
* Quote edges: one edge per distinct (quoting post, quoted post) pair in the same thread. A
  post that quotes the same post several times gives one edge (the first quote by
  ``span_start``); a post that quotes several posts gives one edge per quoted post. Quotes
  whose ``quoted_post_id`` is null, points to a post not in the table, or to the post itself,
  are skipped.
* Relations between two stances: ``agree`` when both are the same sided stance, ``disagree``
  when both are sided and differ, ``other`` when either is ``none``.
"""

from __future__ import annotations

import polars as pl

from discourse import schema
from discourse.schema import POSITION, POST_ID, SIDED_STANCES, THREAD_ID

__all__ = [
    "DEFAULT_WINDOW",
    "add_rolling_shares",
    "compute_shifts",
    "compute_transitions",
    "find_change_points",
    "join_stances",
    "quote_edges",
    "relation_expr",
    "rolling_mean_expr",
    "summarise_threads",
    "track_authors",
]

#: Posts in the trailing window, unless the caller asks for another size.
DEFAULT_WINDOW = 5
NONE = "none"
_THIRDS = ("dominant_first_third", "dominant_second_third", "dominant_last_third")


# --- small expression helpers -------------------------------------------------------------
def _sided(col: str = "stance") -> pl.Expr:
    """True where the stance takes a side (not none, not null)."""
    return pl.col(col).is_in(list(SIDED_STANCES)).fill_null(False)


def relation_expr(left: str, right: str) -> pl.Expr:
    """``agree`` / ``disagree`` / ``other`` between two stance columns (see module notes)."""
    both_sided = _sided(left) & _sided(right)
    return (
        pl.when(both_sided & (pl.col(left) == pl.col(right)))
        .then(pl.lit("agree"))
        .when(both_sided)
        .then(pl.lit("disagree"))
        .otherwise(pl.lit("other"))
    )


def rolling_mean_expr(col: str, window: int, by: str = THREAD_ID) -> pl.Expr:
    """Trailing mean of the non-null values of ``col`` over ``window`` rows, per thread.

    Null when the window holds no value. Rows must already be sorted by thread and position.
    """
    total = pl.col(col).fill_null(0.0).rolling_sum(window, min_samples=1).over(by)
    count = pl.col(col).is_not_null().cast(pl.Int64).rolling_sum(window, min_samples=1).over(by)
    return pl.when(count > 0).then(total / count).otherwise(None)


def _majority(counts: dict[str, str]) -> pl.Expr:
    """The label whose count column is the unique maximum (> 0); null on a tie or all zero."""
    cols = [pl.col(c) for c in counts.values()]
    top = pl.max_horizontal(cols)
    n_top = pl.sum_horizontal([(c == top).cast(pl.Int64) for c in cols])
    expr = pl.when((top <= 0) | (n_top != 1)).then(pl.lit(None, dtype=pl.String()))
    for label, col in counts.items():
        expr = expr.when(pl.col(col) == top).then(pl.lit(label))
    return expr.otherwise(pl.lit(None, dtype=pl.String()))


def _share(count: pl.Expr, total: pl.Expr) -> pl.Expr:
    return pl.when(total > 0).then(count / total).otherwise(None)


# --- the steps ------------------------------------------------------------------------------
def join_stances(posts: pl.DataFrame, classified: pl.DataFrame) -> pl.DataFrame:
    """One row per post, sorted by thread and position, with its stance and sentiment.

    Posts without a classification row get stance ``none`` and null scores.
    """
    posts = schema.conform(posts, schema.POSTS)
    classified = schema.conform(classified, schema.CLASSIFIED).unique(
        [THREAD_ID, POST_ID], keep="first", maintain_order=True
    )
    scores = classified.select(
        THREAD_ID,
        POST_ID,
        "stance",
        "confidence",
        "sentiment",
        "sentiment_us",
        "sentiment_ussr",
    )
    return (
        posts.select(THREAD_ID, POST_ID, POSITION, "author", "created_at")
        .join(scores, on=[THREAD_ID, POST_ID], how="left")
        .with_columns(pl.col("stance").fill_null(NONE))
        .sort(THREAD_ID, POSITION, maintain_order=True)
    )


def add_rolling_shares(frame: pl.DataFrame, *, window: int = DEFAULT_WINDOW) -> pl.DataFrame:
    """Add trailing-window and cumulative stance shares, balance and rolling sentiment.

    ``frame`` is :func:`join_stances` output (sorted by thread, position). Returns it with the
    :data:`schema.SHIFTS` columns added (and any extra columns kept).
    """
    if window < 1:
        raise ValueError(f"window must be at least 1 post, got {window}")
    by = THREAD_ID
    counts = {s: f"_n_{s}" for s in SIDED_STANCES}
    cums = {s: f"_c_{s}" for s in SIDED_STANCES}
    flags = [(pl.col("stance") == s).cast(pl.Int64).alias(f"_is_{s}") for s in SIDED_STANCES]
    out = frame.with_columns(flags).with_columns(
        *[
            pl.col(f"_is_{s}").rolling_sum(window, min_samples=1).over(by).alias(counts[s])
            for s in SIDED_STANCES
        ],
        *[pl.col(f"_is_{s}").cum_sum().over(by).alias(cums[s]) for s in SIDED_STANCES],
    )
    window_n = pl.sum_horizontal([pl.col(c) for c in counts.values()])
    cum_n = pl.sum_horizontal([pl.col(c) for c in cums.values()])
    out = out.with_columns(window_n.alias("window_n"), cum_n.alias("cum_n"))
    out = out.with_columns(
        *[_share(pl.col(counts[s]), pl.col("window_n")).alias(f"roll_{s}") for s in SIDED_STANCES],
        *[_share(pl.col(cums[s]), pl.col("cum_n")).alias(f"cum_{s}") for s in SIDED_STANCES],
        _majority(counts).alias("roll_majority"),
        _share(
            (pl.col(counts["pro_us"]) - pl.col(counts["pro_ussr"])).cast(pl.Float64),
            pl.col("window_n"),
        ).alias("balance"),
        _share(pl.col(counts["neutralist"]), pl.col("window_n")).alias("neutralist_share"),
        rolling_mean_expr("sentiment", window, by).alias("roll_sentiment"),
    )
    helpers = [*counts.values(), *cums.values(), *[f"_is_{s}" for s in SIDED_STANCES]]
    return out.drop(helpers)


def find_change_points(shifts: pl.DataFrame) -> pl.DataFrame:
    """Positions where the rolling majority changes (null stretches skipped, see module notes).

    ``shifts`` needs thread_id, post_id, position and roll_majority, sorted by thread and
    position. Returns a :data:`schema.CHANGE_POINTS` frame.
    """
    before = pl.col("roll_majority").shift(1).forward_fill().over(THREAD_ID)
    found = shifts.with_columns(before.alias("stance_before")).filter(
        pl.col("roll_majority").is_not_null()
        & pl.col("stance_before").is_not_null()
        & (pl.col("roll_majority") != pl.col("stance_before"))
    )
    return schema.conform(
        found.rename({"roll_majority": "stance_after"}), schema.CHANGE_POINTS
    )


def quote_edges(quotes: pl.DataFrame, stances: pl.DataFrame) -> pl.DataFrame:
    """Distinct quote edges with both ends' positions and stances (see module notes).

    Columns: thread_id, post_id, position, stance, quoted_post_id, quoted_position,
    quoted_stance, quote_relation. ``stances`` is :func:`join_stances` output.
    """
    quotes = schema.conform(quotes, schema.QUOTES)
    ends = stances.select(THREAD_ID, POST_ID, POSITION, "stance")
    quoted_ends = ends.rename(
        {POST_ID: "quoted_post_id", POSITION: "quoted_position", "stance": "quoted_stance"}
    )
    edges = (
        quotes.filter(
            pl.col("quoted_post_id").is_not_null()
            & (pl.col("quoted_post_id") != pl.col(POST_ID))
        )
        .sort(THREAD_ID, POST_ID, "span_start", nulls_last=True, maintain_order=True)
        .unique([THREAD_ID, POST_ID, "quoted_post_id"], keep="first", maintain_order=True)
        .select(THREAD_ID, POST_ID, "quoted_post_id")
        .join(ends, on=[THREAD_ID, POST_ID], how="inner")
        .join(quoted_ends, on=[THREAD_ID, "quoted_post_id"], how="inner")
    )
    return edges.with_columns(
        relation_expr("stance", "quoted_stance").alias("quote_relation")
    ).sort(THREAD_ID, POSITION, "quoted_position")


def compute_transitions(stances: pl.DataFrame, quotes: pl.DataFrame) -> pl.DataFrame:
    """Each post's stance against the previous post and against every post it quotes.

    One row per (post, quoted post) edge; a post that quotes nothing has one row with null
    quote columns. The first post of a thread has no previous post and appears only if it
    quotes something (then ``prev_*`` is null). Returns a :data:`schema.TRANSITIONS` frame.
    """
    with_prev = stances.with_columns(
        pl.col("stance").shift(1).over(THREAD_ID).alias("prev_stance")
    ).with_columns(
        pl.when(pl.col("prev_stance").is_null())
        .then(pl.lit(None, dtype=pl.String()))
        .otherwise(relation_expr("stance", "prev_stance"))
        .alias("prev_relation")
    )
    edges = quote_edges(quotes, stances).select(
        THREAD_ID, POST_ID, "quoted_post_id", "quoted_position", "quoted_stance", "quote_relation"
    )
    joined = with_prev.join(edges, on=[THREAD_ID, POST_ID], how="left").filter(
        pl.col("prev_stance").is_not_null() | pl.col("quoted_post_id").is_not_null()
    )
    return schema.conform(
        joined.sort(THREAD_ID, POSITION, "quoted_position", nulls_last=True), schema.TRANSITIONS
    )


def track_authors(stances: pl.DataFrame) -> pl.DataFrame:
    """Per (thread, author): posts, span, first and last sided stance, stance changes.

    Posts with a null author are left out. ``first_stance``/``last_stance`` are the first and
    last *sided* stances the author takes (null if the author never takes a side), and
    ``n_stance_changes`` counts changes between the author's consecutive sided posts.
    Returns a :data:`schema.AUTHOR_TRACKS` frame.
    """
    keys = [THREAD_ID, "author"]
    known = stances.filter(pl.col("author").is_not_null()).sort(
        THREAD_ID, "author", POSITION, maintain_order=True
    )
    sided = pl.when(_sided()).then(pl.col("stance")).otherwise(None)
    known = known.with_columns(sided.alias("_sided")).with_columns(
        pl.col("_sided").shift(1).forward_fill().over(keys).alias("_prev_sided")
    )
    changed = (
        pl.col("_sided").is_not_null()
        & pl.col("_prev_sided").is_not_null()
        & (pl.col("_sided") != pl.col("_prev_sided"))
    )
    tracks = known.group_by(keys, maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("n_posts"),
        pl.col(POSITION).min().alias("first_position"),
        pl.col(POSITION).max().alias("last_position"),
        pl.col("_sided").drop_nulls().first().alias("first_stance"),
        pl.col("_sided").drop_nulls().last().alias("last_stance"),
        changed.sum().cast(pl.Int64).alias("n_stance_changes"),
        pl.col("sentiment").mean().alias("mean_sentiment"),
    )
    return schema.conform(tracks.sort(THREAD_ID, "first_position", "author"), schema.AUTHOR_TRACKS)


def _dominant_by_third(stances: pl.DataFrame) -> pl.DataFrame:
    """thread_id plus the three dominant_*_third columns (null on a tie or no sided post)."""
    rank = pl.int_range(pl.len()).over(THREAD_ID)
    size = pl.len().over(THREAD_ID)
    thirds = stances.with_columns(((rank * 3) // size).alias("_third"))
    counts = (
        thirds.filter(_sided())
        .group_by(THREAD_ID, "_third", "stance")
        .agg(pl.len().alias("_n"))
        .with_columns(
            pl.col("_n").max().over(THREAD_ID, "_third").alias("_top"),
            (pl.col("_n") == pl.col("_n").max()).sum().over(THREAD_ID, "_third").alias("_ties"),
        )
        .filter((pl.col("_n") == pl.col("_top")) & (pl.col("_ties") == 1))
    )
    base = stances.select(THREAD_ID).unique(maintain_order=True)
    for index, name in enumerate(_THIRDS):
        part = counts.filter(pl.col("_third") == index).select(
            THREAD_ID, pl.col("stance").alias(name)
        )
        base = base.join(part, on=THREAD_ID, how="left")
    return base


def summarise_threads(
    stances: pl.DataFrame,
    change_points: pl.DataFrame,
    edges: pl.DataFrame,
) -> pl.DataFrame:
    """One :data:`schema.THREAD_SUMMARY` row per thread.

    ``edges`` is :func:`quote_edges` output. ``quote_agreement_rate`` is agree / (agree +
    disagree) over quote edges whose two ends are both sided (null when there is none);
    the most-quoted post is the one quoted by the most distinct posts (earliest on a tie).
    """
    n = pl.len()
    basics = stances.group_by(THREAD_ID, maintain_order=True).agg(
        n.cast(pl.Int64).alias("n_posts"),
        _sided().sum().cast(pl.Int64).alias("n_classified"),
        *[(pl.col("stance") == s).mean().alias(f"share_{s}") for s in (*SIDED_STANCES, NONE)],
        pl.col("sentiment").mean().alias("mean_sentiment"),
        pl.col("sentiment_us").mean().alias("mean_sentiment_us"),
        pl.col("sentiment_ussr").mean().alias("mean_sentiment_ussr"),
    )
    n_changes = change_points.group_by(THREAD_ID).agg(
        pl.len().cast(pl.Int64).alias("n_change_points")
    )
    sided_edges = edges.filter(pl.col("quote_relation") != "other")
    agreement = sided_edges.group_by(THREAD_ID).agg(
        (pl.col("quote_relation") == "agree").mean().alias("quote_agreement_rate")
    )
    most_quoted = (
        edges.group_by(THREAD_ID, "quoted_post_id", "quoted_position")
        .agg(pl.len().cast(pl.Int64).alias("most_quoted_count"))
        .sort(THREAD_ID, "most_quoted_count", "quoted_position", descending=[False, True, False])
        .unique(THREAD_ID, keep="first", maintain_order=True)
        .select(THREAD_ID, pl.col("quoted_post_id").alias("most_quoted_post_id"), "most_quoted_count")
    )
    summary = (
        basics.join(_dominant_by_third(stances), on=THREAD_ID, how="left")
        .join(n_changes, on=THREAD_ID, how="left")
        .join(agreement, on=THREAD_ID, how="left")
        .join(most_quoted, on=THREAD_ID, how="left")
        .with_columns(
            pl.col("n_change_points").fill_null(0),
            pl.col("most_quoted_count").fill_null(0),
        )
    )
    return schema.conform(summary.sort(THREAD_ID), schema.THREAD_SUMMARY)


def compute_shifts(
    posts: pl.DataFrame,
    quotes: pl.DataFrame,
    classified: pl.DataFrame,
    *,
    window: int = DEFAULT_WINDOW,
) -> dict[str, pl.DataFrame]:
    """Every shift table for all threads in ``posts``.

    Returns ``{"shifts", "change_points", "transitions", "author_tracks", "thread_summary"}``,
    each conforming to the :mod:`discourse.schema` table of the same name.
    """
    stances = join_stances(posts, classified)
    rolled = add_rolling_shares(stances, window=window)
    change_points = find_change_points(rolled)
    edges = quote_edges(quotes, stances)
    return {
        "shifts": schema.conform(rolled, schema.SHIFTS),
        "change_points": change_points,
        "transitions": compute_transitions(stances, quotes),
        "author_tracks": track_authors(stances),
        "thread_summary": summarise_threads(stances, change_points, edges),
    }
