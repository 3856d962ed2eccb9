"""Chart plans: each chart as a data-free layout plus the named frames it draws.

A :class:`ChartPlan` holds a *layout* (a function that builds the Altair chart), the few
settings the layout depends on (its *shape*: rolling window, width…), the numbers that change
from thread to thread (x domain, height), and the chart's data as Polars frames under fixed
dataset names (:data:`DATASETS`). The marks read their rows by name (``alt.NamedData``), so
the layout never holds a data value. Two ways out of a plan:

* :meth:`ChartPlan.chart` builds the Altair chart and attaches the rows as the top-level
  ``datasets`` of the spec; it is what every ``*_chart`` function returns (tests, notebooks);
* :meth:`ChartPlan.spec` gives the same Vega-Lite spec without the rows, compiled with Altair
  once per layout and shape, cached, with the domain and height filled in. Pages and images
  use this: Altair deep-copies and rebuilds the whole chart tree on every method call and in
  ``to_dict``, which cost ~0.4 s of every thread page when done per page.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

import altair as alt
import orjson
import polars as pl

from discourse.schema import THREAD_ID

#: Every dataset name a chart may read. Names are fixed (never taken from data) and differ
#: between charts, so the charts of one page can share one ``datasets`` table.
DATASETS: dict[str, str] = {
    "stance_posts": "stance-posts",
    "stance_changes": "stance-changes",
    "sentiment_posts": "sentiment-posts",
    "sentiment_zero": "sentiment-zero",
    "quote_edges": "quotes-edges",
    "quote_note": "quotes-note",
    "author_tracks": "authors-tracks",
    "author_posts": "authors-posts",
    "author_note": "authors-note",
    "heat_counts": "stance_sentiment-counts",
    "side_means": "stance_sentiment-sides",
    "thread_shares": "comparison-shares",
    "thread_sentiment": "comparison-sentiment",
}


def named(key: str) -> alt.NamedData:
    """The rows a mark reads: the dataset of :data:`DATASETS` under ``key``, by name."""
    return alt.NamedData(name=DATASETS[key])


# --- plans: layout and data kept apart -------------------------------------------------------
#: What stands in for each fillable layout value while a layout is compiled for the cache. No
#: real thread has positions or chart sizes near 1e300, so these numbers can only come from
#: here, and every place they turn up in the compiled spec is where the real value goes.
_FILL_MARKS: dict[str, Any] = {
    "domain": [-1.2345678912345e300, 9.8765432198765e299],
    "height": 7.7777777777777e299,
}


@dataclass(frozen=True, eq=False)
class ChartPlan:
    """One chart as a data-free layout plus the named frames it draws.

    ``layout(**shape, **fill)`` builds the Altair chart. ``shape`` holds settings and small
    counts (never text from the data); it is hashable and keys the compiled-spec cache.
    ``fill`` holds the values that change from thread to thread and are only copied into the
    spec: ``domain`` (the x domain ``[lo, hi]``) and ``height`` (pixels). ``data`` maps each
    dataset name the layout reads (see :data:`DATASETS`) to its frame.
    """

    layout: Callable[..., alt.TopLevelMixin]
    shape: tuple[tuple[str, Hashable], ...]
    data: Mapping[str, pl.DataFrame]
    fill: Mapping[str, Any] = field(default_factory=dict)

    def chart(self) -> alt.TopLevelMixin:
        """The Altair chart with its rows attached as top-level ``datasets`` (valid Vega-Lite).

        Builds the layout anew on every call (slow, tens of ms); pages use :meth:`spec`.
        """
        fill = {name: _plain(value) for name, value in self.fill.items()}
        chart = self.layout(**dict(self.shape), **fill)
        # Attribute assignment, not .properties(): no copy of the tree, no validation of rows.
        chart.datasets = {name: json_safe(frame).to_dicts() for name, frame in self.data.items()}
        return chart

    def spec(self) -> dict[str, Any]:
        """The Vega-Lite spec of :meth:`chart` without ``$schema`` and without ``datasets``.

        A new dict on every call (callers may change it). The layout is compiled once per
        (layout, shape) and kept in a bounded cache; only the ``fill`` values are put in here.
        """
        text, paths = _compiled(self.layout, self.shape, tuple(self.fill))
        spec = orjson.loads(text)
        for name, places in paths:
            value = self.fill[name]
            for path in places:
                node = spec
                for key in path[:-1]:
                    node = node[key]
                node[path[-1]] = _plain(value)
        return spec


def _plain(value: Any) -> Any:
    """A fill value as it appears in a spec: sequences as new lists."""
    return list(value) if isinstance(value, (list, tuple)) else value


@functools.lru_cache(maxsize=256)
def _compiled(
    layout: Callable[..., alt.TopLevelMixin],
    shape: tuple[tuple[str, Hashable], ...],
    fill_names: tuple[str, ...],
) -> tuple[str, tuple[tuple[str, tuple[tuple[str | int, ...], ...]], ...]]:
    """A layout's spec as JSON text, and for each fill name the paths where its value goes.

    Kept as text so that each page decodes a fresh, independent copy (``orjson.loads`` of a
    few kB is far cheaper than any copy of Altair objects, and about three times as fast as
    ``json.loads``).
    """
    spec = layout(**dict(shape), **{name: _FILL_MARKS[name] for name in fill_names}).to_dict(
        validate=False
    )
    spec.pop("$schema", None)
    paths = []
    for name in fill_names:
        places = tuple(_paths_to(spec, _FILL_MARKS[name], ()))
        if not places:  # a layout that ignores a value it is given would draw wrongly
            raise ValueError(f"{layout.__name__} does not use the {name} it is given")
        paths.append((name, places))
    return json.dumps(spec, ensure_ascii=False, allow_nan=False), tuple(paths)


def _paths_to(node: Any, target: Any, path: tuple[str | int, ...]):
    """Yield the path (keys and indexes) of every value equal to ``target`` in a JSON tree."""
    if node == target:
        yield path
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _paths_to(value, target, (*path, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _paths_to(value, target, (*path, index))


def json_safe(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with NaN and ±infinity in float columns replaced by null (JSON has neither)."""
    bad = [
        name
        for name, dtype in frame.schema.items()
        if dtype.is_float() and (frame[name].is_nan().any() or frame[name].is_infinite().any())
    ]
    if not bad:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).is_finite()).then(pl.col(name)).alias(name) for name in bad
    )


def rows_by_thread(frame: pl.DataFrame, *, keep_key: bool = False) -> dict[str, pl.DataFrame]:
    """A multi-thread frame's rows per thread id, in their order, without the ``thread_id``
    column unless ``keep_key``."""
    if frame.height == 0:
        return {}
    parts = frame.partition_by(THREAD_ID, as_dict=True, maintain_order=True, include_key=keep_key)
    return {thread[0]: part for thread, part in parts.items()}
