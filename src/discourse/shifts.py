"""Shift analytics: how the stance of a debate moves along its threads.

Every function here is pure: Polars frames in, Polars frames out, no I/O. Frames may hold
many threads; every window, shift and count is taken within one thread, so posts of two
threads are never mixed. The cost is linear in the number of posts.

How the work is split. The pipeline calls :func:`compute_shifts` once per thread, on frames of
a hundred rows or so, where every Polars call costs far more in fixed overhead than in work.
So the counting — trailing-window and cumulative counts, majorities, change points, quote
edges, transitions, thirds — is a plain-Python pass over each thread's rows (a share of two
counts is one division, which rounds the same in Python and in Polars). What averages scores
stays in Polars — the rolling sum behind ``roll_sentiment``, the mean sentiments, a thread's
stance shares — so those floats are Polars' own, bit for bit; after the join, those three
queries run in one ``collect_all``. On one frame of hundreds of thousands of posts the Python
passes cost more per post than Polars expressions would; per thread they cost far less.

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
  post that quotes the same post several times gives one edge; a post that quotes several
  posts gives one edge per quoted post. Quotes whose ``quoted_post_id`` is null, points to a
  post not in the table, or to the post itself, are skipped.
* Relations between two stances: ``agree`` when both are the same sided stance, ``disagree``
  when both are sided and differ, ``other`` when either is ``none``.
* Posts are matched on (thread id, post id) as a Polars join matches them: a null id matches
  nothing, and a repeated one matches every row that holds it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import cache
from itertools import groupby, pairwise

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
_SIDE = {stance: slot for slot, stance in enumerate(SIDED_STANCES)}  # sided stance -> count slot
_NO_SIDE = len(SIDED_STANCES)  # the count slot of none, null and unknown stances
_LINKS = ("quoted_post_id", "quoted_position", "quoted_stance", "quote_relation")


# --- expressions ----------------------------------------------------------------------------
@cache  # expressions are immutable, and building this one (is_in makes a Series) is not free
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


def _conformed(
    frame: pl.DataFrame, table: Mapping[str, pl.DataType], names: Sequence[str]
) -> list[pl.Expr]:
    """:func:`schema.conform` restricted to ``names``: cast if present, else a null column."""
    present = set(frame.columns)
    return [
        pl.col(name).cast(table[name], strict=True)
        if name in present
        else pl.lit(None, table[name]).alias(name)
        for name in names
    ]


# --- the Polars queries: the join, and everything that averages floats ----------------------
# compute_shifts runs the join, then the other three together in one collect_all.
def _stances_query(posts: pl.DataFrame, classified: pl.DataFrame) -> pl.LazyFrame:
    """:func:`join_stances` as a query."""
    keys = [THREAD_ID, POST_ID]
    ends = posts.lazy().select(
        _conformed(posts, schema.POSTS, [*keys, POSITION, "author", "created_at"])
    )
    score_names = [*keys, "stance", "confidence", "sentiment", "sentiment_us", "sentiment_ussr"]
    scores = (
        classified.lazy()
        .select(_conformed(classified, schema.CLASSIFIED, score_names))
        .unique(keys, keep="first", maintain_order=True)
    )
    return (
        ends.join(scores, on=keys, how="left")
        .with_columns(pl.col("stance").fill_null(NONE))
        .sort(THREAD_ID, POSITION, maintain_order=True)
    )


def _sentiment_sums_query(stances: pl.LazyFrame, window: int) -> pl.LazyFrame:
    """The float half of :func:`rolling_mean_expr` on ``sentiment``: its trailing sums."""
    return stances.select(_sentiment_sums(window))


def _authors_query(stances: pl.LazyFrame) -> pl.LazyFrame:
    """:func:`track_authors` as a query (before conforming)."""
    return (
        stances.filter(pl.col("author").is_not_null())
        .sort(THREAD_ID, "author", POSITION, maintain_order=True)
        .group_by(THREAD_ID, "author", maintain_order=True)
        .agg(*_author_aggregates())
        .sort(THREAD_ID, "first_position", "author")
    )


def _thread_means_query(stances: pl.LazyFrame) -> pl.LazyFrame:
    """Per thread, in order of first appearance: post counts, stance shares, mean sentiments."""
    return stances.group_by(THREAD_ID, maintain_order=True).agg(*_thread_aggregates())


# Expressions are immutable, so each is built once: building them costs about as much as a
# small thread's query.
@cache
def _sentiment_sums(window: int) -> pl.Expr:
    return pl.col("sentiment").fill_null(0.0).rolling_sum(window, min_samples=1).over(THREAD_ID)


@cache
def _author_aggregates() -> tuple[pl.Expr, ...]:
    sided = pl.when(_sided()).then(pl.col("stance")).otherwise(None).drop_nulls()
    return (
        pl.len().cast(pl.Int64).alias("n_posts"),
        pl.col(POSITION).min().alias("first_position"),
        pl.col(POSITION).max().alias("last_position"),
        sided.first().alias("first_stance"),
        sided.last().alias("last_stance"),
        # Consecutive sided stances that differ; the first one compares with null.
        (sided != sided.shift(1)).sum().cast(pl.Int64).alias("n_stance_changes"),
        pl.col("sentiment").mean().alias("mean_sentiment"),
    )


@cache
def _thread_aggregates() -> tuple[pl.Expr, ...]:
    return (
        pl.len().cast(pl.Int64).alias("n_posts"),
        _sided().sum().cast(pl.Int64).alias("n_classified"),
        *[(pl.col("stance") == s).mean().alias(f"share_{s}") for s in (*SIDED_STANCES, NONE)],
        pl.col("sentiment").mean().alias("mean_sentiment"),
        pl.col("sentiment_us").mean().alias("mean_sentiment_us"),
        pl.col("sentiment_ussr").mean().alias("mean_sentiment_ussr"),
    )


def _collect(*queries: pl.LazyFrame) -> list[pl.DataFrame]:
    # Always the in-memory engine, which the eager API runs too: a float mean's last bit can
    # depend on the engine (tests/test_shifts.py pins the means to the eager group-by's).
    return pl.collect_all(list(queries), engine="in-memory")


# --- frames <-> Python lists ------------------------------------------------------------------
def _columns(frame: pl.DataFrame, *names: str) -> list[list]:
    return [frame.get_column(name).to_list() for name in names]


def _frame(columns: Mapping[str, Sequence], table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """A ``table`` frame from Python lists (a Series each: far cheaper than a dict of lists)."""
    return pl.DataFrame([pl.Series(name, columns[name], dtype) for name, dtype in table.items()])


def _conform(frame: pl.DataFrame, table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """:func:`schema.conform`, without a query when the columns are there with their dtypes."""
    dtypes = frame.schema
    if all(dtypes.get(name) == dtype for name, dtype in table.items()):
        return pl.DataFrame([frame.get_column(name) for name in table])
    return schema.conform(frame, table)


def _thread_rows(threads: list[Hashable]) -> dict[Hashable, Sequence[int]]:
    """Row numbers of each thread, threads in order of first appearance (as ``over`` groups)."""
    rows: dict[Hashable, Sequence[int]] = {}
    start = 0
    for thread, run in groupby(threads):
        end = start + len(list(run))
        earlier = rows.get(thread)
        if earlier is None:
            rows[thread] = range(start, end)
        else:  # the thread came in an earlier run too (rows not sorted by thread)
            listed = earlier if isinstance(earlier, list) else list(earlier)
            listed.extend(range(start, end))
            rows[thread] = listed
        start = end
    return rows


class _Rows:
    """The columns of a stances frame that the Python passes read, converted once."""

    __slots__ = ("by_thread", "positions", "post_ids", "stances", "threads")

    def __init__(self, stances: pl.DataFrame) -> None:
        self.threads, self.post_ids, self.positions, self.stances = _columns(
            stances, THREAD_ID, POST_ID, POSITION, "stance"
        )
        self.by_thread = _thread_rows(self.threads)


def _in_order(threads: list, positions: list, quoted_positions: list, *, nulls_last: bool) -> bool:
    """Whether rows run strictly increasing by thread, position and quoted position.

    Sorting by those columns (nulls first, or last) would then leave them as they are. A null
    thread counts as out of order.
    """
    if None in threads:
        return False
    null = math.inf if nulls_last else -math.inf
    keys = list(
        zip(
            threads,
            [null if p is None else p for p in positions],
            [null if q is None else q for q in quoted_positions],
            strict=True,
        )
    )
    return keys == sorted(keys) and len(set(keys)) == len(keys)


# --- small Python helpers ------------------------------------------------------------------------
def _relation(stance: str | None, other: str | None) -> str:
    """:func:`relation_expr` for one pair of stances."""
    if stance in _SIDE and other in _SIDE:
        return "agree" if stance == other else "disagree"
    return "other"


def _majority(*counts: int) -> str | None:
    """The sided stance (counts in SIDED_STANCES order) with the unique top count > 0, else None."""
    top = max(counts)
    if top <= 0 or counts.count(top) != 1:
        return None
    return SIDED_STANCES[counts.index(top)]


def _share(count: int, total: int) -> float | None:
    return count / total if total > 0 else None


def _null_first(value: object) -> tuple[bool, object]:
    """Sort key placing None before every value, as Polars sorts by default."""
    return (False, 0) if value is None else (True, value)


# --- the steps ------------------------------------------------------------------------------
def join_stances(posts: pl.DataFrame, classified: pl.DataFrame) -> pl.DataFrame:
    """One row per post, sorted by thread and position, with its stance and sentiment.

    Posts without a classification row get stance ``none`` and null scores.
    """
    return _collect(_stances_query(posts, classified))[0]


def add_rolling_shares(frame: pl.DataFrame, *, window: int = DEFAULT_WINDOW) -> pl.DataFrame:
    """Add trailing-window and cumulative stance shares, balance and rolling sentiment.

    ``frame`` is :func:`join_stances` output (sorted by thread, position). Returns it with the
    :data:`schema.SHIFTS` columns added (and any extra columns kept).
    """
    _check_window(window)
    [sums] = _collect(_sentiment_sums_query(frame.lazy(), window))
    return _with_shares(frame, _rolling_shares(_Rows(frame), frame, sums, window))


def _check_window(window: int) -> None:
    if window < 1:
        raise ValueError(f"window must be at least 1 post, got {window}")


def _rolling_shares(
    rows: _Rows, frame: pl.DataFrame, sentiment_sums: pl.DataFrame, window: int
) -> dict[str, list]:
    """The columns :func:`add_rolling_shares` adds, as lists, in the order it adds them."""
    stances, sentiments = rows.stances, frame.get_column("sentiment").to_list()
    # roll_sentiment is rolling_mean_expr: the float sums are Polars' own, the count of scored
    # posts is taken below, and a float divided by an int rounds as it does in Polars.
    totals = sentiment_sums.to_series().to_list()
    n = len(stances)
    sides = [_SIDE.get(stance, _NO_SIDE) for stance in stances]
    window_n, cum_n = [0] * n, [0] * n
    roll_us, roll_ussr, roll_neutralist = ([None] * n for _ in range(3))
    cum_us, cum_ussr, cum_neutralist = ([None] * n for _ in range(3))
    majority: list[str | None] = [None] * n
    balance: list[float | None] = [None] * n
    roll_sentiment: list[float | None] = [None] * n
    for thread_rows in rows.by_thread.values():
        in_window, so_far = [0, 0, 0, 0], [0, 0, 0, 0]  # a count per side slot, then no side
        scored = 0  # posts with a sentiment in the window
        for k, i in enumerate(thread_rows):
            side = sides[i]
            in_window[side] += 1
            so_far[side] += 1
            scored += sentiments[i] is not None
            if k >= window:  # the post that just left the trailing window
                gone = thread_rows[k - window]
                in_window[sides[gone]] -= 1
                scored -= sentiments[gone] is not None
            if scored:
                roll_sentiment[i] = totals[i] / scored
            us, ussr, neutralist, _ = in_window
            w = window_n[i] = us + ussr + neutralist
            if w:
                roll_us[i], roll_ussr[i], roll_neutralist[i] = us / w, ussr / w, neutralist / w
                balance[i] = (us - ussr) / w
                majority[i] = _majority(us, ussr, neutralist)
            us, ussr, neutralist, _ = so_far
            c = cum_n[i] = us + ussr + neutralist
            if c:
                cum_us[i], cum_ussr[i], cum_neutralist[i] = us / c, ussr / c, neutralist / c
    return {
        "window_n": window_n,
        "cum_n": cum_n,
        "roll_pro_us": roll_us,
        "roll_pro_ussr": roll_ussr,
        "roll_neutralist": roll_neutralist,
        "cum_pro_us": cum_us,
        "cum_pro_ussr": cum_ussr,
        "cum_neutralist": cum_neutralist,
        "roll_majority": majority,
        "balance": balance,
        "neutralist_share": roll_neutralist,
        "roll_sentiment": roll_sentiment,
    }


def _with_shares(frame: pl.DataFrame, shares: dict[str, list]) -> pl.DataFrame:
    """``frame`` with the :func:`_rolling_shares` columns added (replaced if it has them)."""
    added = [pl.Series(name, values, schema.SHIFTS[name]) for name, values in shares.items()]
    if any(name in frame.columns for name in shares):
        return frame.with_columns(added)
    return frame.hstack(added)


def find_change_points(shifts: pl.DataFrame) -> pl.DataFrame:
    """Positions where the rolling majority changes (null stretches skipped, see module notes).

    ``shifts`` needs thread_id, post_id, position and roll_majority, sorted by thread and
    position. Returns a :data:`schema.CHANGE_POINTS` frame.
    """
    threads, post_ids, positions, majorities = _columns(
        shifts, THREAD_ID, POST_ID, POSITION, "roll_majority"
    )
    return _change_points(threads, post_ids, positions, majorities)


def _change_points(
    threads: list, post_ids: list, positions: list, majorities: list
) -> pl.DataFrame:
    """:func:`find_change_points` on a frame's columns as lists."""
    found: dict[str, list] = {name: [] for name in schema.CHANGE_POINTS}
    last_set: dict[Hashable, str] = {}  # each thread's last non-null majority so far
    for thread, post_id, position, majority in zip(
        threads, post_ids, positions, majorities, strict=True
    ):
        if majority is None:
            continue
        before = last_set.get(thread)
        if before is not None and majority != before:
            for name, value in zip(
                found, (thread, position, post_id, before, majority), strict=True
            ):
                found[name].append(value)
        last_set[thread] = majority
    return _frame(found, schema.CHANGE_POINTS)


def quote_edges(quotes: pl.DataFrame, stances: pl.DataFrame) -> pl.DataFrame:
    """Distinct quote edges with both ends' positions and stances (see module notes).

    Columns: thread_id, post_id, quoted_post_id, position, stance, quoted_position,
    quoted_stance, quote_relation; sorted by thread, position and quoted position.
    ``stances`` is :func:`join_stances` output (or any frame with those four columns).
    """
    return _quote_edges(quotes, _Rows(stances), stances.schema)


def _quote_edges(
    quotes: pl.DataFrame, rows: _Rows, stance_types: Mapping[str, pl.DataType]
) -> pl.DataFrame:
    """:func:`quote_edges`; ``stance_types`` is the stances frame's schema."""
    names = [THREAD_ID, POST_ID, "quoted_post_id"]
    if any(quotes.schema.get(name) != schema.QUOTES[name] for name in names):  # missing or to cast
        quotes = quotes.select(_conformed(quotes, schema.QUOTES, names))
    q_threads, q_posts, q_quoted = _columns(quotes, *names)
    rows_of = _rows_by_post(rows)
    # An edge is a (quoting row, quoted row) pair of the stances. Quotes naming the same two
    # posts give the same pairs and others give other pairs, so keeping each pair once keeps
    # one edge per (thread, post, quoted post); the edge keeps no span, so which quote stands
    # for it does not matter.
    quoting_rows: list[int] = []
    quoted_rows: list[int] = []
    seen: set[int] = set()  # i * n + j for the pair (i, j)
    n = len(rows.threads)
    for thread, post_id, quoted in zip(q_threads, q_posts, q_quoted, strict=True):
        if quoted is None or post_id is None or quoted == post_id:
            continue
        for i in rows_of(thread, post_id):
            for j in rows_of(thread, quoted):
                if i * n + j not in seen:
                    seen.add(i * n + j)
                    quoting_rows.append(i)
                    quoted_rows.append(j)
    threads, post_ids, positions, stances = (
        rows.threads,
        rows.post_ids,
        rows.positions,
        rows.stances,
    )
    found = {
        THREAD_ID: [threads[i] for i in quoting_rows],
        POST_ID: [post_ids[i] for i in quoting_rows],
        "quoted_post_id": [post_ids[j] for j in quoted_rows],
        POSITION: [positions[i] for i in quoting_rows],
        "stance": [stances[i] for i in quoting_rows],
        "quoted_position": [positions[j] for j in quoted_rows],
        "quoted_stance": [stances[j] for j in quoted_rows],
        "quote_relation": [
            _relation(stances[i], stances[j])
            for i, j in zip(quoting_rows, quoted_rows, strict=True)
        ],
    }
    position_type, stance_type = stance_types[POSITION], stance_types["stance"]
    types = dict.fromkeys(found, pl.String())
    types.update({POSITION: position_type, "quoted_position": position_type})
    types.update({"stance": stance_type, "quoted_stance": stance_type})
    edges = _frame(found, types)
    if _in_order(found[THREAD_ID], found[POSITION], found["quoted_position"], nulls_last=False):
        return edges
    return edges.sort(THREAD_ID, POSITION, "quoted_position")


def _rows_by_post(rows: _Rows) -> Callable[[Hashable, str | None], Sequence[int]]:
    """Return ``lookup(thread, post_id)``, giving the stances rows that hold that key in order.

    As in a Polars join, a null thread or post id finds no row and a repeated key finds each.
    """
    last: dict[Hashable, dict[str, int]] = {}  # per thread; enough while its post ids are unique
    every: dict[Hashable, dict[str, list[int]]] = {}
    for thread, thread_rows in rows.by_thread.items():
        if thread is None:
            continue
        ids = [rows.post_ids[i] for i in thread_rows]
        last[thread] = dict(zip(ids, thread_rows, strict=True))
        if len(last[thread]) < len(ids):
            every[thread] = {}
            for post_id, i in zip(ids, thread_rows, strict=True):
                every[thread].setdefault(post_id, []).append(i)
    no_rows: dict = {}

    def lookup(thread: Hashable, post_id: str | None) -> Sequence[int]:
        if every and thread in every:
            return every[thread].get(post_id, ())
        row = last.get(thread, no_rows).get(post_id)
        return () if row is None else (row,)

    return lookup


def compute_transitions(stances: pl.DataFrame, quotes: pl.DataFrame) -> pl.DataFrame:
    """Each post's stance against the previous post and against every post it quotes.

    One row per (post, quoted post) edge; a post that quotes nothing has one row with null
    quote columns. The first post of a thread has no previous post and appears only if it
    quotes something (then ``prev_*`` is null). Returns a :data:`schema.TRANSITIONS` frame.
    """
    rows = _Rows(stances)
    return _transitions(rows, _quote_edges(quotes, rows, stances.schema))


def _transitions(rows: _Rows, edges: pl.DataFrame) -> pl.DataFrame:
    """:func:`compute_transitions` given the :func:`quote_edges` of the stances."""
    threads, post_ids, stances = rows.threads, rows.post_ids, rows.stances
    edge_threads, edge_posts, *links = _columns(edges, THREAD_ID, POST_ID, *_LINKS)
    quoted: dict[tuple, list[int]] = {}  # (thread, post id) -> its edges' rows
    for k, key in enumerate(zip(edge_threads, edge_posts, strict=True)):
        if key in quoted:
            quoted[key].append(k)
        else:
            quoted[key] = [k]
    # shift(1) over the thread: each row's previous stance, null at a thread's first row.
    prev_of: list[str | None] = [None] * len(stances)
    for thread_rows in rows.by_thread.values():
        for before, row in pairwise(thread_rows):
            prev_of[row] = stances[before]
    # The posts left-joined to their edges, as row numbers; a post with neither a previous
    # stance nor an edge is dropped.
    take: list[int] = []
    link_rows: list[int | None] = []
    for i, key in enumerate(zip(threads, post_ids, strict=True)):
        edge_rows = quoted.get(key)  # edges never hold a null thread or post id
        if edge_rows is not None:
            take.extend([i] * len(edge_rows))
            link_rows.extend(edge_rows)
        elif prev_of[i] is not None:
            take.append(i)
            link_rows.append(None)
    found = {
        THREAD_ID: [threads[i] for i in take],
        POST_ID: [post_ids[i] for i in take],
        POSITION: [rows.positions[i] for i in take],
        "stance": [stances[i] for i in take],
        "prev_stance": [prev_of[i] for i in take],
        "prev_relation": [
            None if prev_of[i] is None else _relation(stances[i], prev_of[i]) for i in take
        ],
    }
    for name, values in zip(_LINKS, links, strict=True):
        found[name] = [None if k is None else values[k] for k in link_rows]
    transitions = _frame(found, schema.TRANSITIONS)
    if _in_order(found[THREAD_ID], found[POSITION], found["quoted_position"], nulls_last=True):
        return transitions
    return transitions.sort(THREAD_ID, POSITION, "quoted_position", nulls_last=True)


def track_authors(stances: pl.DataFrame) -> pl.DataFrame:
    """Per (thread, author): posts, span, first and last sided stance, stance changes.

    Posts with a null author are left out. ``first_stance``/``last_stance`` are the first and
    last *sided* stances the author takes (null if the author never takes a side), and
    ``n_stance_changes`` counts changes between the author's consecutive sided posts.
    Returns a :data:`schema.AUTHOR_TRACKS` frame.
    """
    return _conform(_collect(_authors_query(stances.lazy()))[0], schema.AUTHOR_TRACKS)


def summarise_threads(
    stances: pl.DataFrame,
    change_points: pl.DataFrame,
    edges: pl.DataFrame,
) -> pl.DataFrame:
    """One :data:`schema.THREAD_SUMMARY` row per thread.

    ``edges`` is :func:`quote_edges` output. ``quote_agreement_rate`` is agree / (agree +
    disagree) over quote edges whose two ends are both sided (null when there is none);
    the most-quoted post is the one quoted by the most distinct posts (earliest on a tie).
    ``dominant_*_third`` is the sided stance with the most posts in each third of the thread
    (by row order; null on a tie or when the third has no sided post).
    """
    [means] = _collect(_thread_means_query(stances.lazy()))
    return _summary(_Rows(stances), means, change_points, edges)


def _summary(
    rows: _Rows, means: pl.DataFrame, change_points: pl.DataFrame, edges: pl.DataFrame
) -> pl.DataFrame:
    """:func:`summarise_threads` given the :func:`_thread_means_query` of the stances."""
    n_changes = Counter(change_points.get_column(THREAD_ID).to_list())
    agree: Counter[Hashable] = Counter()
    sided_edges: Counter[Hashable] = Counter()
    quoted_by: dict[Hashable, Counter[tuple]] = {}
    for thread, quoted, quoted_position, relation in zip(
        *_columns(edges, THREAD_ID, "quoted_post_id", "quoted_position", "quote_relation"),
        strict=True,
    ):
        if relation != "other":
            sided_edges[thread] += 1
            agree[thread] += relation == "agree"
        if thread not in quoted_by:
            quoted_by[thread] = Counter()
        quoted_by[thread][quoted, quoted_position] += 1
    # One value per thread, threads in the means' order (first appearance).
    extra: dict[str, list] = {
        name: [] for name in (*_THIRDS, "n_change_points", "quote_agreement_rate")
    }
    extra.update(most_quoted_post_id=[], most_quoted_count=[])
    for thread, thread_rows in rows.by_thread.items():
        if thread is None:  # a null thread id joins nothing: defaults, as in a left join
            thirds, changes = [None] * 3, 0
        else:
            thirds, changes = (
                _dominant_by_third([rows.stances[i] for i in thread_rows]),
                n_changes[thread],
            )
        for name, dominant in zip(_THIRDS, thirds, strict=True):
            extra[name].append(dominant)
        extra["n_change_points"].append(changes)
        extra["quote_agreement_rate"].append(_share(agree[thread], sided_edges[thread]))
        counts = quoted_by.get(thread)
        if counts:
            # The most quoting posts, then the earliest position (nulls sort first).
            (post_id, _), count = min(
                counts.items(), key=lambda item: (-item[1], _null_first(item[0][1]))
            )
        else:
            post_id, count = None, 0
        extra["most_quoted_post_id"].append(post_id)
        extra["most_quoted_count"].append(count)
    summary = means.hstack(
        [pl.Series(name, values, schema.THREAD_SUMMARY[name]) for name, values in extra.items()]
    )
    threads = [_null_first(thread) for thread in rows.by_thread]
    if threads != sorted(threads):  # one row per thread: no ties to order
        summary = summary.sort(THREAD_ID)
    return _conform(summary, schema.THREAD_SUMMARY)


def _dominant_by_third(stances: list[str | None]) -> list[str | None]:
    """The majority sided stance of each third of one thread (row ``k`` of ``n`` in ``3k // n``)."""
    counts = [[0, 0, 0, 0] for _ in range(3)]  # per third: a count per side slot, then no side
    size = len(stances)
    for rank, stance in enumerate(stances):
        counts[rank * 3 // size][_SIDE.get(stance, _NO_SIDE)] += 1
    return [_majority(*third[:_NO_SIDE]) for third in counts]


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
    _check_window(window)
    stances = join_stances(posts, classified)
    lazy = stances.lazy()
    sums, tracks, means = _collect(
        _sentiment_sums_query(lazy, window), _authors_query(lazy), _thread_means_query(lazy)
    )
    rows = _Rows(stances)
    shares = _rolling_shares(rows, stances, sums, window)
    change_points = _change_points(
        rows.threads, rows.post_ids, rows.positions, shares["roll_majority"]
    )
    edges = _quote_edges(quotes, rows, stances.schema)
    return {
        "shifts": _conform(_with_shares(stances, shares), schema.SHIFTS),
        "change_points": change_points,
        "transitions": _transitions(rows, edges),
        "author_tracks": _conform(tracks, schema.AUTHOR_TRACKS),
        "thread_summary": _summary(rows, means, change_points, edges),
    }
