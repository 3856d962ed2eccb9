"""Moving columns between Polars frames and the plain-Python passes of the shift steps.

Polars frames go in and come out of every step; in between, the counting runs over Python
lists (see the package notes for why). These helpers convert once each way and tell whether a
result is already in the order a Polars sort would give it, so the sort can be skipped.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from itertools import groupby

import polars as pl

from discourse.schema import POSITION, POST_ID, STANCE, THREAD_ID


def collect(*queries: pl.LazyFrame) -> list[pl.DataFrame]:
    """Run ``queries`` together in one ``collect_all``."""
    # Always the in-memory engine, which the eager API runs too: a float mean's last bit can
    # depend on the engine (tests/test_shifts.py pins the means to the eager group-by's).
    return pl.collect_all(list(queries), engine="in-memory")


def columns_of(frame: pl.DataFrame, *names: str) -> list[list]:
    """The named columns of ``frame`` as Python lists."""
    return [frame.get_column(name).to_list() for name in names]


def frame_of(columns: Mapping[str, Sequence], table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """A ``table`` frame from Python lists (a Series each: far cheaper than a dict of lists)."""
    return pl.DataFrame([pl.Series(name, columns[name], dtype) for name, dtype in table.items()])


def group_rows(threads: list[Hashable]) -> dict[Hashable, Sequence[int]]:
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


class ThreadRows:
    """The columns of a stances frame that the Python passes read, converted once.

    ``by_thread`` maps each thread id to its row numbers (see :func:`group_rows`).
    """

    __slots__ = ("by_thread", "positions", "post_ids", "stances", "threads")

    def __init__(self, stances: pl.DataFrame) -> None:
        self.threads, self.post_ids, self.positions, self.stances = columns_of(
            stances, THREAD_ID, POST_ID, POSITION, STANCE
        )
        self.by_thread = group_rows(self.threads)


def in_order(threads: list, positions: list, quoted_positions: list, *, nulls_last: bool) -> bool:
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


def null_first(value: object) -> tuple[bool, object]:
    """Sort key placing None before every value, as Polars sorts by default."""
    return (False, 0) if value is None else (True, value)
