"""The flow run's artifacts: the run summary (Markdown), the file and stance-share tables, the report link.

:func:`publish_artifacts` attaches them to the current flow run under fixed keys, one new
version per run (docs/orchestration.md, "Artifacts"); :func:`summary_markdown` writes the
summary from a :class:`discourse.pipeline.RunSummary` and the stance shares.
"""

from typing import Any

from prefect.artifacts import create_link_artifact, create_markdown_artifact, create_table_artifact

from discourse import store
from discourse.config import Settings
from discourse.pipeline import RunSummary
from discourse.schema import (
    N_CLASSIFIED,
    N_POSTS,
    REASON,
    SHARE_NEUTRALIST,
    SHARE_NONE,
    SHARE_PRO_US,
    SHARE_PRO_USSR,
    SOURCE_PATH,
    STATUS,
    THREAD_ID,
    THREAD_IDS,
    TITLE,
)

#: Artifact keys (lowercase, digits, dashes): each run adds a new version under the same key.
KEY_SUMMARY = "discourse-run-summary"
KEY_FILES = "discourse-files"
KEY_SHARES = "discourse-stance-shares"
KEY_INDEX = "discourse-report-index"


def publish_artifacts(settings: Settings, summary: RunSummary, metadata: dict[str, Any]) -> None:
    """Attach the run's summary, file table, stance shares and report links to the flow run."""
    files = _file_rows(summary)
    shares = _share_rows(settings)
    create_markdown_artifact(
        key=KEY_SUMMARY,
        markdown=summary_markdown(settings, summary, metadata, shares),
        description="What this discourse run did",
    )
    if files:
        create_table_artifact(key=KEY_FILES, table=files, description="Every raw file the run looked at")
    if shares:
        create_table_artifact(key=KEY_SHARES, table=shares, description="Stance shares per thread")
    index = settings.reports_dir / "index.html"
    if index.is_file():
        create_link_artifact(
            key=KEY_INDEX,
            link=index.resolve().as_uri(),
            link_text=f"Reports index ({index})",
            description="The offline dashboards (open in a browser)",
        )


def _file_rows(summary: RunSummary) -> list[dict[str, Any]]:
    """One row per raw file: processed this run (ok/failed, as in the manifest), or unchanged."""
    rows = []
    for r in summary.results:
        reason = r.error or "; ".join(
            f"{t}: {summary.thread_errors[t]}" for t in r.thread_ids if t in summary.thread_errors
        )
        rows.append(
            {"file": r.source_path, "status": "failed" if reason else "ok", "threads": len(r.thread_ids), "reason": reason}
        )
    rows += [
        {
            "file": row[SOURCE_PATH],
            "status": "unchanged" if row[STATUS] == "ok" else "failed (unchanged)",
            "threads": len(row[THREAD_IDS] or []),
            "reason": row[REASON] or "",
        }
        for row in summary.plan.unchanged
    ]
    return sorted(rows, key=lambda row: row["file"])


def _share_rows(settings: Settings) -> list[dict[str, Any]]:
    """Stance shares per thread from ``thread_summary.parquet`` (percent, one decimal)."""
    summary = store.read_table(settings.processed_dir, "thread_summary")
    titles = {
        row[THREAD_ID]: row[TITLE]
        for row in store.read_table(settings.processed_dir, "threads").iter_rows(named=True)
    }
    rows = []
    for row in summary.iter_rows(named=True):
        rows.append(
            {
                "thread": row[THREAD_ID],
                "title": titles.get(row[THREAD_ID]) or "",
                "posts": row[N_POSTS],
                "classified": row[N_CLASSIFIED],
                "pro_us_pct": _pct(row[SHARE_PRO_US]),
                "pro_ussr_pct": _pct(row[SHARE_PRO_USSR]),
                "neutralist_pct": _pct(row[SHARE_NEUTRALIST]),
                "none_pct": _pct(row[SHARE_NONE]),
            }
        )
    return rows


def _pct(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def summary_markdown(
    settings: Settings, summary: RunSummary, metadata: dict[str, Any], shares: list[dict[str, Any]]
) -> str:
    """The run summary as Markdown: counts, failures with reasons, threads that look wrong,
    stance shares, report links."""
    plan = summary.plan
    headline = (
        "nothing changed"
        if plan.nothing_to_do
        else f"{len(summary.processed_threads)} thread(s) processed from {len(summary.results)} file(s)"
    )
    lines = [
        f"# discourse run: {headline}",
        "",
        "| | |",
        "|---|---|",
        f"| files processed | {len(summary.results)} |",
        f"| threads processed | {len(summary.processed_threads)} |",
        f"| files unchanged (skipped) | {len(plan.unchanged)} |",
        f"| threads removed | {len(plan.removed_threads)} |",
        f"| pages rebuilt only (missing) | {len(plan.stale_reports)} |",
        f"| failed files | {len(summary.failed_files)} |",
        f"| failed threads | {len(summary.thread_errors)} |",
        f"| model version | `{_md(metadata.get('model_version'))}` |",
        f"| run version | `{_md(plan.model_version)}` |",
        f"| seconds | {summary.seconds:.1f} |",
        f"| raw folder | `{_md(settings.raw_dir)}` |",
        f"| processed folder | `{_md(settings.processed_dir)}` |",
        "",
    ]
    failures = [(f"file `{r.source_path}`", r.error) for r in summary.failed_files]
    failures += [(f"thread `{t}`", reason) for t, reason in summary.thread_errors.items()]
    failures += [
        (f"file `{row[SOURCE_PATH]}` (unchanged, failed earlier)", row[REASON])
        for row in plan.unchanged
        if row[STATUS] != "ok"
    ]
    if summary.evaluation_error:
        failures.append(("evaluation page (not refreshed)", summary.evaluation_error))
    if failures:
        lines += ["## Failed", ""] + [f"- {what}: {_md(reason)}" for what, reason in failures] + [""]
    warnings = summary.thread_warnings
    if warnings:
        lines += ["## Warnings", ""] + [f"- {_md(warning)}" for warning in warnings] + [""]
    if shares:
        lines += [
            "## Stance shares per thread (% of posts)",
            "",
            "| thread | posts | classified | pro-US | pro-USSR | neutralist | none |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        lines += [
            f"| {_md(r['title'] or r['thread'])} (`{r['thread']}`) | {r['posts']} | {r['classified']} | "
            f"{_cell(r['pro_us_pct'])} | {_cell(r['pro_ussr_pct'])} | {_cell(r['neutralist_pct'])} | "
            f"{_cell(r['none_pct'])} |"
            for r in shares
        ]
        lines.append("")
    lines += ["## Reports", ""] + _report_links(settings)
    return "\n".join(lines) + "\n"


def _report_links(settings: Settings) -> list[str]:
    index = settings.reports_dir / "index.html"
    if not index.is_file():
        return [f"No reports in `{settings.reports_dir}` yet."]
    links = [f"- [index]({index.resolve().as_uri()}) `{index}`"]
    for page in sorted(settings.reports_dir.glob("*.html")):
        if page.name != "index.html":
            links.append(f"- [{page.stem}]({page.resolve().as_uri()})")
    return links


def _md(text: Any) -> str:
    """Text safe inside a Markdown table cell or list item."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _cell(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"
