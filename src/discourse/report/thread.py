"""A thread's page: its chart data, its charts, its header cards, and the page itself.

Speed: a page costs tens of milliseconds, not the ~0.4 s of composing Altair charts per page.
Chart specs come from :meth:`discourse.charts.ChartPlan.spec` (each layout compiled by Altair
once per process, data referenced by name), and each dataset is written once in column form
straight from its Polars frame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import altair as alt
import polars as pl

from discourse import charts, schema
from discourse.charts.plan import rows_by_thread
from discourse.ingest.quality import describe_quality
from discourse.report.folder import evaluation_link, page_name
from discourse.report.formatting import http_url, meta_item, percent, run_items, shown, signed, stance_name
from discourse.report.render import plan_block, render_page, write_page
from discourse.schema import (
    AUTHOR,
    CONFIDENCE,
    CUES,
    DOMINANT_FIRST_THIRD,
    DOMINANT_LAST_THIRD,
    DOMINANT_SECOND_THIRD,
    FORMAT,
    INGESTED_AT,
    MEAN_SENTIMENT,
    MEAN_SENTIMENT_US,
    MEAN_SENTIMENT_USSR,
    MOST_QUOTED_COUNT,
    MOST_QUOTED_POST_ID,
    N_CHANGE_POINTS,
    N_CLASSIFIED,
    N_POSTS,
    POSITION,
    POST_ID,
    QUOTE_AGREEMENT_RATE,
    SHARE_NEUTRALIST,
    SHARE_NONE,
    SHARE_PRO_US,
    SHARE_PRO_USSR,
    SOURCE_PATH,
    STANCE,
    THREAD_ID,
    TITLE,
    URL,
)
from discourse.shifts import DEFAULT_WINDOW

#: Threads longer than this are drawn on canvas instead of SVG (faster with many marks).
SVG_MAX_POSTS = 3000
#: The post columns the detail list shows.
DETAIL_COLUMNS = (POSITION, AUTHOR, STANCE, CONFIDENCE, CUES, "excerpt")


# --- thread data ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ThreadData:
    """Everything the charts of one thread are drawn from."""

    thread_id: str
    view: pl.DataFrame  # charts.post_view
    edges: pl.DataFrame  # charts.edge_view, from the run's transitions table
    change_points: pl.DataFrame
    tracks: pl.DataFrame
    summary: dict[str, Any]
    window: int
    #: The plans :func:`prepare_threads` makes for many threads at once, by chart name:
    #: ``stance_sentiment`` always, ``authors`` when the thread has posts.
    plans: Mapping[str, charts.ChartPlan]

    @property
    def n_posts(self) -> int:
        return self.view.height

    @property
    def has_authors(self) -> bool:
        return self.view[AUTHOR].drop_nulls().len() > 0


def _only(frame: pl.DataFrame | None, thread_id: str, table: Mapping[str, pl.DataType]) -> pl.DataFrame:
    """The rows of one thread, conformed to ``table``."""
    if frame is None:
        return schema.empty(table)
    frame = schema.conform(frame, table)
    ids = frame[THREAD_ID]
    # Frames read per thread from the store hold that thread only: skip the filter then.
    if ids.len() == 0 or (ids.n_unique() == 1 and ids[0] == thread_id):
        return frame
    return frame.filter(pl.col(THREAD_ID) == thread_id)


def prepare_thread(
    thread_id: str,
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame] | None,
    *,
    window: int = DEFAULT_WINDOW,
) -> ThreadData:
    """Select one thread from (possibly multi-thread) frames and prepare its chart data.

    ``tables`` is the run's :func:`discourse.shifts.compute_shifts` output (or those tables
    read back from the store) for this thread at least; nothing is computed again here. The
    quote links come from its ``transitions`` table. ``tables`` may be None only for a thread
    without posts. Raises ValueError when the ``shifts`` table does not hold one row for
    each of the thread's posts (tables of another thread, or none).
    """
    posts = _only(posts, thread_id, schema.POSTS)
    classified = _only(classified, thread_id, schema.CLASSIFIED)
    own = {n: _only((tables or {}).get(n), thread_id, schema.TABLES[n]) for n in schema.METRIC_TABLES}
    prepared, errors = prepare_threads([thread_id], posts, classified, own, window=window)
    if errors:
        raise ValueError(errors[thread_id])
    return prepared[thread_id]


def prepare_threads(
    thread_ids: list[str],
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame],
    *,
    window: int = DEFAULT_WINDOW,
) -> tuple[dict[str, ThreadData], dict[str, str]]:
    """The chart data of many threads at once: one post view, one edge view and the
    author-track and stance × sentiment plans over all their rows, then cut per thread (a
    Polars call costs more in fixed overhead than a thread of twenty posts costs in work).
    :func:`prepare_thread` is this on one thread's rows.

    Returns ``{thread_id: data}`` and ``{thread_id: reason}`` for the threads whose metric
    tables do not hold one shift row per post. A thread's data does not depend on the other
    threads it is prepared with.
    """
    posts = schema.conform(posts, schema.POSTS)
    own = {
        n: schema.conform(tables.get(n, schema.empty(schema.TABLES[n])), schema.TABLES[n]) for n in schema.METRIC_TABLES
    }
    counts = dict(posts.group_by(THREAD_ID).len().iter_rows())
    shift_counts = dict(own["shifts"].group_by(THREAD_ID).len().iter_rows())
    errors = {
        t: f"thread {t!r} has {counts.get(t, 0)} posts but its metric tables hold {shift_counts.get(t, 0)} "
        "shift rows: pass the compute_shifts tables of this thread"
        for t in thread_ids
        if counts.get(t, 0) != shift_counts.get(t, 0)
    }
    view = charts.post_view(posts, classified, own["shifts"], window=window)
    edges = charts.edge_rows(own["transitions"], view)
    parts = {
        "view": view, "edges": edges, "change_points": own["change_points"], "tracks": own["author_tracks"],
        "summary": own["thread_summary"],
    }
    # A single thread's frames keep their thread id column; its edge rows do not have one.
    cut = {name: rows_by_thread(frame, keep_key=name != "edges") for name, frame in parts.items()}
    empty = {name: frame.clear().drop(THREAD_ID) if name == "edges" else frame.clear() for name, frame in parts.items()}
    stance_sentiment = charts.stance_sentiment_plans(view)
    authors = charts.author_tracks_plans(view, own["author_tracks"])
    out: dict[str, ThreadData] = {}
    for thread_id in thread_ids:
        if thread_id in errors:
            continue
        got = {name: cut[name].get(thread_id, empty[name]) for name in parts}
        summary_rows = got["summary"].to_dicts()
        # A thread without posts has no rows in the view, so no plan from the batch.
        plans = {
            "stance_sentiment": stance_sentiment[thread_id] if thread_id in stance_sentiment
            else charts.stance_sentiment_plan(got["view"])
        }
        if thread_id in authors:
            plans["authors"] = authors[thread_id]
        out[thread_id] = ThreadData(
            thread_id=thread_id,
            view=got["view"],
            edges=got["edges"],
            change_points=got["change_points"],
            tracks=got["tracks"],
            summary=summary_rows[0] if summary_rows else {},
            window=window,
            plans=plans,
        )
    return out, errors


def thread_plans(data: ThreadData) -> dict[str, charts.ChartPlan]:
    """The plans of the thread's charts by name, in page order (``authors`` only when authors
    are known)."""
    domain = [float(data.view[POSITION].min() or 0) - 0.5, float(data.view[POSITION].max() or 0) + 0.5]
    out: dict[str, charts.ChartPlan] = {
        "stance": charts.stance_plan(data.view, data.change_points, window=data.window),
        "sentiment": charts.sentiment_plan(data.view, window=data.window),
        "quotes": charts.quote_arcs_plan(data.edges, x_domain=domain),
    }
    if data.has_authors:
        out["authors"] = data.plans["authors"]  # a thread with an author has posts
    out["stance_sentiment"] = data.plans["stance_sentiment"]
    return out


def build_thread_charts(data: ThreadData) -> dict[str, alt.TopLevelMixin]:
    """The thread's charts by name, in page order (``authors`` only when authors are known).

    Full Altair charts with their data attached; slow (Altair builds each chart anew), so
    pages and images use :func:`thread_plans` instead.
    """
    return {name: plan.chart() for name, plan in thread_plans(data).items()}


# --- the page's words ------------------------------------------------------------------------------
_EXPLAIN = {
    "stance": (
        "Top: one dot per post in thread order, coloured by the stance the classifier gave it; "
        "paler dots are less confident. Bottom: among the last {w} posts that take a side, the "
        "share of each stance; dashed lines mark where the majority of that window changes."
    ),
    "sentiment": (
        "Grey dots: sentiment of each post (VADER compound, −1 very negative to +1 very positive). "
        "Black line: mean of the last {w} posts. Blue and red lines: the mean over the last {w} "
        "posts of sentences that name the US side and the Soviet side."
    ),
    "quotes": (
        "An arc joins each reply to the post it quotes. Green: both take the same side; purple: "
        "they take different sides; grey: at least one takes no side."
    ),
    "authors": (
        "One row per author, most active authors only, ordered by their first post. The grey line "
        "spans an author's first to last post; dots are their posts coloured by stance."
    ),
    "stance_sentiment": (
        "Left: how many posts have each stance and each overall sentiment. Right: within each "
        "stance, the mean sentiment of sentences naming the US side and the Soviet side."
    ),
}
_HEADINGS = {
    "stance": "Stance along the thread",
    "sentiment": "Sentiment along the thread",
    "quotes": "Quote links",
    "authors": "Author tracks",
    "stance_sentiment": "Stance and sentiment",
}
_THIRDS = (DOMINANT_FIRST_THIRD, DOMINANT_SECOND_THIRD, DOMINANT_LAST_THIRD)


def build_names(data: ThreadData) -> list[str]:
    """Names of the charts a thread's page shows (``authors`` only when authors are known)."""
    return [n for n in _HEADINGS if n != "authors" or data.has_authors]


def thirds_text(row: Mapping[str, Any]) -> str:
    """The majority stance of the first, middle and last third, joined by arrows."""
    return " → ".join(stance_name(row.get(key)) for key in _THIRDS)


def _card(key: str, value: str, sub: str = "", *, wide: bool = False) -> dict[str, Any]:
    return {"key": key, "value": value, "sub": sub, "wide": wide}


def _most_quoted_card(data: ThreadData) -> dict[str, Any]:
    s = data.summary
    post_id = s.get(MOST_QUOTED_POST_ID)
    if post_id is None:
        return _card("Most quoted post", "—", "no quote links")
    at = data.view[POST_ID].index_of(post_id)  # the first post with that id
    where = ""
    if at is not None:
        row = data.view.row(at, named=True)
        where = f"at position {row[POSITION]}"
        if row.get(AUTHOR):
            where += f" by {row[AUTHOR]}"
    return _card("Most quoted post", shown(post_id), f"quoted by {s.get(MOST_QUOTED_COUNT, 0)} posts {where}")


def _cards(data: ThreadData) -> list[dict[str, Any]]:
    s = data.summary
    n = s.get(N_POSTS, data.n_posts) or 0
    n_sided = s.get(N_CLASSIFIED) or 0
    return [
        _card("Posts", shown(n), f"{n_sided} take a side ({percent(n_sided / n if n else None)})"),
        _card("Pro-US", percent(s.get(SHARE_PRO_US)), "of all posts"),
        _card("Pro-USSR", percent(s.get(SHARE_PRO_USSR)), "of all posts"),
        _card("Neutralist", percent(s.get(SHARE_NEUTRALIST)), "of all posts"),
        _card("No stance", percent(s.get(SHARE_NONE)), "of all posts"),
        _card("Majority by thirds", thirds_text(s), "first → middle → last third; — when no side leads", wide=True),
        _card("Majority changes", shown(s.get(N_CHANGE_POINTS, 0)), f"rolling window of {data.window} posts"),
        _card(
            "Quote agreement",
            percent(s.get(QUOTE_AGREEMENT_RATE)),
            f"of quote links where both sides take a stance; {data.edges.height} links in all",
        ),
        _most_quoted_card(data),
        _card(
            "Mean sentiment",
            signed(s.get(MEAN_SENTIMENT)),
            f"toward US {signed(s.get(MEAN_SENTIMENT_US))}, toward USSR {signed(s.get(MEAN_SENTIMENT_USSR))}",
        ),
    ]


def thread_context(
    thread: Mapping[str, Any], data: ThreadData, run_meta: Mapping[str, Any], evaluation_href: str | None
) -> dict[str, Any]:
    """The values ``templates/thread.html.j2`` shows (plain text; the template escapes it)."""
    dates = data.view["created"].drop_nulls()
    url = thread.get(URL)
    posts_dated = f"{shown(dates.min())} to {shown(dates.max())}" if dates.len() else "not recorded"
    meta = [
        meta_item("Thread", data.thread_id),
        meta_item("Source file", shown(thread.get(SOURCE_PATH))),
        meta_item("Format", shown(thread.get(FORMAT))),
        meta_item("URL", shown(url or None), http_url(url)),
        meta_item("Ingested", shown(thread.get(INGESTED_AT))),
        meta_item("Posts dated", posts_dated),
        *(meta_item(label, text) for label, text in run_items(run_meta)),
    ]
    present = build_names(data)
    sections = [
        {
            "name": name,
            "heading": _HEADINGS[name],
            "explain": _EXPLAIN[name].format(w=data.window),
            "has_chart": name in present,
        }
        for name in _HEADINGS
    ]
    return {
        "heading": thread.get(TITLE) or data.thread_id,
        "quality": describe_quality(thread),
        "meta": meta,
        "cards": _cards(data),
        "sections": sections,
        "evaluation_href": evaluation_href,
    }


def window_of(run_meta: Mapping[str, Any], window: int | None) -> int:
    """The rolling window: ``window`` when given, else the run's (``run_meta["window"]``), else
    the default."""
    if window is not None:
        return window
    value = run_meta.get("window") if run_meta else None
    return int(value) if isinstance(value, int) and value > 0 else DEFAULT_WINDOW


def write_thread_report(
    thread: Mapping[str, Any],
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame] | None,
    out_dir: Path,
    run_meta: Mapping[str, Any],
    *,
    window: int | None = None,
    standalone: bool = False,
) -> Path:
    """Write ``out_dir/<thread_id>.html`` for one thread and return its path.

    ``thread`` is a THREADS row as a dict; ``posts``/``classified``/``tables`` may hold other
    threads too (they are filtered). ``tables`` is the run's
    :func:`discourse.shifts.compute_shifts` output, required whenever the thread has posts
    (see :func:`prepare_thread`, which raises ValueError otherwise); the page's quote links
    come from its ``transitions`` table. ``run_meta`` (e.g.
    ``model_version``, ``run_at``) is shown in the page header. The page loads the chart
    library from ``out_dir/assets/``, or carries it inline with ``standalone``.
    """
    thread_id = str(thread[THREAD_ID])
    data = prepare_thread(thread_id, posts, classified, tables, window=window_of(run_meta, window))
    return write_thread_page(thread, data, out_dir, run_meta, standalone=standalone)


def write_thread_reports(
    threads: pl.DataFrame,
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame],
    out_dir: Path,
    run_meta: Mapping[str, Any],
    *,
    window: int | None = None,
    standalone: bool = False,
) -> tuple[dict[str, Path], dict[str, str]]:
    """:func:`write_thread_report` for every row of ``threads`` (a THREADS frame), the chart
    data of all of them prepared at once (:func:`prepare_threads`).

    Returns ``{thread_id: page}`` and ``{thread_id: reason}`` of the threads whose page could
    not be made; one thread's failure does not stop the others. An ``OSError`` (the disk, not
    the data) propagates.
    """
    rows = threads.to_dicts()
    ids = [str(row[THREAD_ID]) for row in rows]
    prepared, errors = prepare_threads(ids, posts, classified, tables, window=window_of(run_meta, window))
    pages: dict[str, Path] = {}
    for row, thread_id in zip(rows, ids, strict=True):
        if thread_id not in prepared:
            continue
        try:
            pages[thread_id] = write_thread_page(row, prepared[thread_id], out_dir, run_meta, standalone=standalone)
        except OSError:
            raise
        except Exception as error:  # noqa: BLE001 - one bad page must not stop the others
            errors[thread_id] = f"{type(error).__name__}: {error}"
    return pages, errors


def write_thread_page(
    thread: Mapping[str, Any], data: ThreadData, out_dir: Path, run_meta: Mapping[str, Any], *, standalone: bool = False
) -> Path:
    """Write ``out_dir/<thread_id>.html`` from a thread's prepared chart data; return its path."""
    name = page_name(data.thread_id)
    out_dir = Path(out_dir)
    blocks = [
        plan_block(f"chart-{key}", plan, charts.BRUSH if key == "stance" else None)
        for key, plan in thread_plans(data).items()
    ]
    page = render_page(
        "thread.html.j2",
        out_dir,
        title=str(thread.get(TITLE) or data.thread_id),
        context=thread_context(thread, data, run_meta, evaluation_link(out_dir)),
        blocks=blocks,
        standalone=standalone,
        renderer="svg" if data.n_posts <= SVG_MAX_POSTS else "canvas",
        detail_columns=DETAIL_COLUMNS,
    )
    return write_page(out_dir / name, page, durable=False)  # flushed in bulk (write_page)
