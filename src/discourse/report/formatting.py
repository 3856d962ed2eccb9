"""Values as the pages show them: plain text (the templates escape it), "—" when missing."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from typing import Any

from discourse import charts

MISSING = "—"

_RUN_LABELS = {
    "model_version": "Model",
    "generated_at": "Generated",
    "run_at": "Run at",
    "started_at": "Run started",
    "finished_at": "Run finished",
    "discourse_version": "discourse version",
    "window": "Rolling window (posts)",
    "min_confidence": "Abstain below",
    "thread_prior": "Stance adapted to the thread's mix",
    "metrics": "Model check",
}
_HTTP = re.compile(r"^https?://", flags=re.IGNORECASE)


def shown(value: Any) -> str:
    """A value as text; :data:`MISSING` for None, NaN and infinities; datetimes to the minute."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return MISSING
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M %Z").strip()
    return str(value)


def percent(value: float | None) -> str:
    """A share as a whole percentage, e.g. ``"42%"``."""
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{100 * value:.0f}%"


def signed(value: float | None) -> str:
    """A score with its sign and two decimals, e.g. ``"+0.25"``."""
    if value is None or not math.isfinite(value):
        return MISSING
    return f"{value:+.2f}"


def stance_name(stance: str | None) -> str:
    """The label a stance code is shown with (its code when unknown)."""
    return MISSING if stance is None else charts.STANCE_LABELS.get(stance, stance)


def http_url(url: Any) -> str | None:
    """``url`` stripped when it is an http(s) address, else None: only those become links
    (``javascript:``, ``data:`` and the rest are shown as text)."""
    if isinstance(url, str) and _HTTP.match(url.strip()):
        return url.strip()
    return None


def meta_item(label: str, text: str, href: str | None = None) -> dict[str, str | None]:
    """One line of a page header's fact list; ``href`` (an http(s) address) makes it a link."""
    return {"label": label, "text": text, "href": href}


def _metrics_text(metrics: Mapping[str, Any]) -> str:
    """``name value`` pairs of the scalar metrics (at most six), for the run line."""
    parts = []
    for key, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            continue
        parts.append(f"{key.replace('_', ' ')} {f'{value:.2f}' if isinstance(value, float) else value}")
        if len(parts) == 6:
            break
    return ", ".join(parts)


def run_items(run_meta: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The run facts shown in a page header as (label, text); nested values other than the
    model's metrics are left out."""
    items = []
    for key, value in run_meta.items():
        label = _RUN_LABELS.get(key, str(key).replace("_", " ").capitalize())
        if isinstance(value, Mapping):
            if key == "metrics" and (text := _metrics_text(value)):
                items.append((label, text))
            continue
        if isinstance(value, (list, tuple, set)):
            continue
        items.append((label, shown(value)))
    return items
