"""A thread's charts as static PNG or SVG files (vl-convert draws them; no browser)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import polars as pl
import vl_convert as vlc

from discourse import charts
from discourse.atomic import write_bytes_atomic, write_text_atomic
from discourse.report.assets import vegalite_version
from discourse.report.folder import page_name
from discourse.report.render import plan_spec
from discourse.report.thread import prepare_thread, thread_plans, window_of
from discourse.schema import THREAD_ID

IMAGE_FORMATS = ("png", "svg")


def export_images(
    thread: Mapping[str, Any],
    posts: pl.DataFrame,
    classified: pl.DataFrame,
    tables: Mapping[str, pl.DataFrame] | None,
    out_dir: Path,
    fmt: str = "png",
    *,
    run_meta: Mapping[str, Any] | None = None,
    scale: float = 2.0,
    window: int | None = None,
) -> list[Path]:
    """Write each chart of a thread as ``out_dir/<thread_id>-<chart>.<fmt>`` (png or svg).

    The arguments are those of :func:`discourse.report.write_thread_report`: ``tables`` (the
    run's metric tables) is required whenever the thread has posts (the quote links come from
    ``tables["transitions"]``). Raises ValueError for another ``fmt``.
    """
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"image format must be one of {IMAGE_FORMATS}, got {fmt!r}")
    thread_id = str(thread[THREAD_ID])
    stem = page_name(thread_id).removesuffix(".html")
    data = prepare_thread(thread_id, posts, classified, tables, window=window_of(run_meta or {}, window))
    written = []
    version = vegalite_version()
    for key, plan in thread_plans(data).items():
        spec = plan_spec(plan)
        # Images get the rows inline (vl-convert reads a spec, not a page).
        spec["datasets"] = {name: charts.json_safe(frame).to_dicts() for name, frame in plan.data.items()}
        path = Path(out_dir) / f"{stem}-{key}.{fmt}"
        if fmt == "png":
            written.append(write_bytes_atomic(path, vlc.vegalite_to_png(spec, vl_version=version, scale=scale)))
        else:
            written.append(write_text_atomic(path, vlc.vegalite_to_svg(spec, vl_version=version)))
    return written
