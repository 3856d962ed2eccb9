"""The evaluation's outputs: ``evaluation.json``, the offline ``evaluation.html``, and the
confusion chart and interval text that page shows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import polars as pl

from discourse import schema
from discourse.atomic import write_text_atomic


def _confusion_rows(name: str, confusion: dict[str, Any]) -> list[dict[str, Any]]:
    labels, matrix = confusion["labels"], confusion["matrix"]
    return [
        {"evaluation": name, "gold": labels[i], "predicted": labels[j], "posts": int(matrix[i][j])}
        for i in range(len(labels))
        for j in range(len(labels))
    ] if matrix else []


def confusion_chart(results: dict[str, Any]):
    """Return an Altair heatmap per evaluation (seed, cross-validation), side by side."""
    import altair as alt

    rows = []
    if "seed" in results:
        rows += _confusion_rows("seed (authored-only model)", results["seed"]["model"]["confusion"])
    rows += _confusion_rows("grouped cross-validation", results["cv"]["model"]["confusion"])
    data = pl.DataFrame(rows, schema={"evaluation": pl.String, "gold": pl.String,
                                      "predicted": pl.String, "posts": pl.Int64})
    order = list(schema.STANCES)
    base = alt.Chart(data).encode(
        x=alt.X("predicted:N", sort=order, title="predicted"),
        y=alt.Y("gold:N", sort=order, title="gold"),
    )
    heat = base.mark_rect().encode(
        color=alt.Color("posts:Q", scale=alt.Scale(scheme="blues"), title="posts"),
        tooltip=["gold", "predicted", "posts"],
    )
    text = base.mark_text(fontSize=13).encode(
        text="posts:Q",
        color=alt.condition("datum.posts > 0", alt.value("black"), alt.value("#bbb")),
    )
    names = list(dict.fromkeys(row["evaluation"] for row in rows))
    return (
        (heat + text)
        .properties(width=220, height=220)
        .facet(column=alt.Column("evaluation:N", title=None, sort=names))
        .resolve_scale(color="independent")
    )


def format_interval(interval: Sequence[float] | None) -> str:
    """``[lo, hi]`` as ``"lo to hi"`` with three decimals; ``""`` when there is none."""
    return "" if not interval else f"{interval[0]:.3f} to {interval[1]:.3f}"


def write_report(results: dict[str, Any], reports_dir: Path, *, standalone: bool = False) -> dict[str, Path]:
    """Write ``evaluation.json`` and the offline ``evaluation.html`` atomically; return their paths.

    The page comes from :func:`discourse.report.write_evaluation_page` (the pages' one
    renderer); ``standalone`` carries its chart library inline instead of in ``assets/``.
    """
    from discourse.report import write_evaluation_page

    reports_dir = Path(reports_dir)
    reports_dir.mkdir(parents=True, exist_ok=True)
    json_path = write_text_atomic(reports_dir / "evaluation.json",
                                  json.dumps(results, indent=2, sort_keys=True, default=str) + "\n")
    html_path = write_evaluation_page(results, reports_dir, standalone=standalone)
    return {"json": json_path, "html": html_path}
