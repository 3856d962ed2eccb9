"""Thread summary: one :data:`schema.THREAD_SUMMARY` row per thread.

Post counts, stance shares and mean sentiments come from one Polars group-by
(:func:`thread_means_query`), so the floats are Polars' own; the rest is counted in Python
over the stances, change points and quote edges the earlier steps found:
``quote_agreement_rate`` is agree / (agree + disagree) over quote edges whose two ends are
both sided (null when there is none); the most-quoted post is the one quoted by the most
distinct posts (earliest on a tie); ``dominant_*_third`` is the sided stance with the most
posts in each third of the thread (by row order; null on a tie or when the third has no
sided post).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable
from functools import cache

import polars as pl

from discourse import schema
from discourse.schema import (
    DOMINANT_FIRST_THIRD,
    DOMINANT_LAST_THIRD,
    DOMINANT_SECOND_THIRD,
    MEAN_SENTIMENT,
    MEAN_SENTIMENT_US,
    MEAN_SENTIMENT_USSR,
    MOST_QUOTED_COUNT,
    MOST_QUOTED_POST_ID,
    N_CHANGE_POINTS,
    N_CLASSIFIED,
    N_POSTS,
    QUOTED_POSITION,
    QUOTED_POST_ID,
    QUOTE_AGREEMENT_RATE,
    QUOTE_RELATION,
    SENTIMENT,
    SENTIMENT_US,
    SENTIMENT_USSR,
    SIDED_STANCES,
    STANCE,
    THREAD_ID,
)
from discourse.shifts.frames import ThreadRows, columns_of, null_first
from discourse.shifts.stances import NO_SIDE, NONE, SIDE, majority, share, sided

THIRDS = (DOMINANT_FIRST_THIRD, DOMINANT_SECOND_THIRD, DOMINANT_LAST_THIRD)


@cache  # built once: see authors._author_aggregates
def _thread_aggregates() -> tuple[pl.Expr, ...]:
    return (
        pl.len().cast(pl.Int64).alias(N_POSTS),
        sided().sum().cast(pl.Int64).alias(N_CLASSIFIED),
        *[(pl.col(STANCE) == s).mean().alias(f"share_{s}") for s in (*SIDED_STANCES, NONE)],
        pl.col(SENTIMENT).mean().alias(MEAN_SENTIMENT),
        pl.col(SENTIMENT_US).mean().alias(MEAN_SENTIMENT_US),
        pl.col(SENTIMENT_USSR).mean().alias(MEAN_SENTIMENT_USSR),
    )


def thread_means_query(stances: pl.LazyFrame) -> pl.LazyFrame:
    """Per thread, in order of first appearance: post counts, stance shares, mean sentiments."""
    return stances.group_by(THREAD_ID, maintain_order=True).agg(*_thread_aggregates())


def summarise(
    rows: ThreadRows, means: pl.DataFrame, change_points: pl.DataFrame, edges: pl.DataFrame
) -> pl.DataFrame:
    """The :data:`schema.THREAD_SUMMARY` frame, sorted by thread.

    ``means`` is the :func:`thread_means_query` of the stances ``rows`` was read from,
    ``change_points`` their change points and ``edges`` their quote edges.
    """
    n_changes = Counter(change_points.get_column(THREAD_ID).to_list())
    agree: Counter[Hashable] = Counter()
    sided_edges: Counter[Hashable] = Counter()
    quoted_by: dict[Hashable, Counter[tuple]] = {}
    for thread, quoted, quoted_position, relation in zip(
        *columns_of(edges, THREAD_ID, QUOTED_POST_ID, QUOTED_POSITION, QUOTE_RELATION),
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
        name: [] for name in (*THIRDS, N_CHANGE_POINTS, QUOTE_AGREEMENT_RATE)
    }
    extra.update(most_quoted_post_id=[], most_quoted_count=[])
    for thread, thread_rows in rows.by_thread.items():
        if thread is None:  # a null thread id joins nothing: defaults, as in a left join
            thirds, changes = [None] * 3, 0
        else:
            thirds, changes = (
                dominant_by_third([rows.stances[i] for i in thread_rows]),
                n_changes[thread],
            )
        for name, dominant in zip(THIRDS, thirds, strict=True):
            extra[name].append(dominant)
        extra[N_CHANGE_POINTS].append(changes)
        extra[QUOTE_AGREEMENT_RATE].append(share(agree[thread], sided_edges[thread]))
        counts = quoted_by.get(thread)
        if counts:
            # The most quoting posts, then the earliest position (nulls sort first).
            (post_id, _), count = min(
                counts.items(), key=lambda item: (-item[1], null_first(item[0][1]))
            )
        else:
            post_id, count = None, 0
        extra[MOST_QUOTED_POST_ID].append(post_id)
        extra[MOST_QUOTED_COUNT].append(count)
    summary = means.hstack(
        [pl.Series(name, values, schema.THREAD_SUMMARY[name]) for name, values in extra.items()]
    )
    threads = [null_first(thread) for thread in rows.by_thread]
    if threads != sorted(threads):  # one row per thread: no ties to order
        summary = summary.sort(THREAD_ID)
    return schema.conform(summary, schema.THREAD_SUMMARY)


def dominant_by_third(stances: list[str | None]) -> list[str | None]:
    """The majority sided stance of each third of one thread (row ``k`` of ``n`` in ``3k // n``)."""
    counts = [[0, 0, 0, 0] for _ in range(3)]  # per third: a count per side slot, then no side
    size = len(stances)
    for rank, stance in enumerate(stances):
        counts[rank * 3 // size][SIDE.get(stance, NO_SIDE)] += 1
    return [majority(*third[:NO_SIDE]) for third in counts]
