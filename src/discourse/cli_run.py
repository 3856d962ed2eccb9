"""The commands that process the data — run, ingest, classify, report, serve — and their summaries.

A run or an ingest prints what it did, then every failed file, bad row and warning on stderr;
the exit status says whether any input was lost (:mod:`discourse.cli_status`). Each command
imports its heavy modules when it runs.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from discourse.cli_settings import settings_from
from discourse.cli_status import EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, UsageError


def cmd_ingest(args: argparse.Namespace) -> int:
    from discourse.slices import ingest_files
    from discourse.progress import progress_bar

    settings = settings_from(args)
    paths = args.paths or [settings.raw_dir]
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path} does not exist")
    with progress_bar("ingest") as advance:
        summary = ingest_files(settings, paths, progress=advance)
    ok = [r for r in summary.results if r.ok]
    threads = sum(len(r.thread_ids) for r in ok)
    print(f"ingested {len(ok)} file(s): {threads} thread(s), {summary.n_posts} post(s) -> {settings.processed_dir}")
    _report_thread_warnings(summary.thread_warnings)
    return _report_notices(summary.results, _report_failures(summary.failed_files))


def cmd_run(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.dask_address and args.task_runner != "dask":
        raise UsageError("--dask-address needs --task-runner dask")
    if not settings.raw_dir.is_dir():
        raise UsageError(f"raw folder {settings.raw_dir} does not exist")
    if args.no_prefect:
        from discourse.pipeline import run_pipeline
        from discourse.progress import progress_bar

        with progress_bar("process", counted=True) as advance:
            summary = run_pipeline(settings, force=args.force, progress=advance)
    else:
        from discourse.orchestrate import run_flow

        summary = run_flow(settings, force=args.force, task_runner=args.task_runner, dask_address=args.dask_address)
    return _print_run(summary, settings)


def _print_run(summary: Any, settings: Any) -> int:
    from discourse.schema import STATUS

    plan = summary.plan
    if plan.nothing_to_do:
        print(f"nothing changed in {settings.raw_dir}: {len(plan.unchanged)} file(s) up to date ({summary.seconds:.1f} s)")
        return _report_failures([r for r in plan.unchanged if r[STATUS] != "ok"], manifest=True)
    # A thread stored without a manifest row is planned for removal but comes back when its
    # file is processed again: only the ones that did not come back were removed.
    removed = set(plan.removed_threads) - set(summary.processed_threads)
    print(
        f"processed {len(summary.results)} file(s), {len(summary.processed_threads)} thread(s); "
        f"{len(plan.unchanged)} unchanged; {len(removed)} removed; "
        f"{summary.seconds:.1f} s"
    )
    if summary.reports:
        print(f"reports: {settings.reports_dir / 'index.html'}")
    for thread_id, reason in summary.thread_errors.items():
        print(f"  FAILED thread {thread_id}: {reason}", file=sys.stderr)
    if summary.evaluation_error:
        print(f"  evaluation page not refreshed: {summary.evaluation_error}", file=sys.stderr)
    _report_thread_warnings(summary.thread_warnings)
    code = _report_notices(summary.results, _report_failures(summary.failed_files))
    return EXIT_PARTIAL if summary.thread_errors or summary.evaluation_error else code


def _report_failures(failed: list[Any], *, manifest: bool = False) -> int:
    from discourse.schema import REASON, SOURCE_PATH

    for item in failed:
        source, reason = (item[SOURCE_PATH], item[REASON]) if manifest else (item.source_path, item.error)
        print(f"  FAILED {source}: {reason}", file=sys.stderr)
    if failed:
        print(f"{len(failed)} file(s) failed; see the ingest report", file=sys.stderr)
        return EXIT_PARTIAL
    return EXIT_OK


#: Thread warnings printed per run; the threads table has the counts of every thread.
_SHOWN_THREAD_WARNINGS = 20


def _report_thread_warnings(warnings: list[str]) -> None:
    """Print one line per thread that looks wrong (up to a limit); the exit status does not change."""
    for warning in warnings[:_SHOWN_THREAD_WARNINGS]:
        print(f"  WARNING {warning}", file=sys.stderr)
    if len(warnings) > _SHOWN_THREAD_WARNINGS:
        print(
            f"  ... and {len(warnings) - _SHOWN_THREAD_WARNINGS} more thread(s) with most posts empty; "
            "see the n_no_own_text column of the threads table",
            file=sys.stderr,
        )


#: Bad rows printed per file; the ingest report lists them all.
_SHOWN_BAD_ROWS = 5


def _report_notices(results: list[Any], code: int) -> int:
    """Print the bad rows left out of files that were read, and decoding warnings.

    A bad row makes the status ``EXIT_PARTIAL`` (data was lost); a warning alone does not.
    """
    bad_files = 0
    for result in results:
        bad = [n for n in result.notices if n.kind == "bad_row"]
        for notice in bad[:_SHOWN_BAD_ROWS]:
            print(f"  BAD ROW {result.source_path}: {notice.reason}", file=sys.stderr)
        if len(bad) > _SHOWN_BAD_ROWS:
            print(f"  ... and {len(bad) - _SHOWN_BAD_ROWS} more bad row(s) in {result.source_path}", file=sys.stderr)
        for notice in result.notices:
            if notice.kind == "warning":
                print(f"  WARNING {result.source_path}: {notice.reason}", file=sys.stderr)
        bad_files += bool(bad) and result.ok
    if bad_files:
        print(f"{bad_files} file(s) had malformed rows left out; see the ingest report", file=sys.stderr)
        return EXIT_PARTIAL
    return code


def cmd_classify(args: argparse.Namespace) -> int:
    from discourse.progress import progress_bar
    from discourse.slices import ClassifyError, classify_stored

    settings = settings_from(args)
    with progress_bar("classify", counted=True) as advance:
        try:
            threads, posts, metadata = classify_stored(settings, progress=advance)
        except FileNotFoundError as error:
            raise UsageError(str(error)) from None
        except ClassifyError as error:
            print(f"discourse: classification failed, nothing was changed: {error}", file=sys.stderr)
            return EXIT_FATAL
    print(f"classified {posts} post(s) in {threads} thread(s) with model {metadata['model_version']}")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from discourse.slices import export_images, report_stored

    settings = settings_from(args)
    try:
        pages = report_stored(settings)
    except (FileNotFoundError, ValueError) as error:
        raise UsageError(str(error)) from None
    images = []
    for fmt in [f for f, wanted in (("png", args.png), ("svg", args.svg)) if wanted]:
        images += export_images(settings, fmt)
    print(f"wrote {len(pages)} page(s) to {settings.reports_dir}" + (f" and {len(images)} image(s)" if images else ""))
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from discourse.orchestrate import serve_flow

    settings = settings_from(args)
    serve_flow(settings, cron=args.cron, name=args.name)
    return EXIT_OK
