"""Change points: positions where a thread's rolling majority stance changes.

A change point is a position whose ``roll_majority`` is set and differs from the last
majority set before it in the same thread; null stretches (ties, empty windows) are skipped
over, and a thread's first majority is not a change point (see the package notes).
"""

from __future__ import annotations

from collections.abc import Hashable

import polars as pl

from discourse import schema
from discourse.shifts.frames import frame_of


def find_changes(threads: list, post_ids: list, positions: list, majorities: list) -> pl.DataFrame:
    """The :data:`schema.CHANGE_POINTS` frame of rows given as column lists.

    Rows must be sorted by thread and position; ``majorities`` is each row's ``roll_majority``.
    """
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
    return frame_of(found, schema.CHANGE_POINTS)
