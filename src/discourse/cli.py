"""The ``discourse`` command.

Exit status: 0 everything succeeded; 1 the run finished but some input failed (see the ingest
report); 2 bad usage; 3 the run could not proceed (folder locked or not writable, no data).
Heavy modules (polars, nltk, sklearn, prefect) are imported inside the commands, so ``--help``
stays fast.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FATAL = 0, 1, 2, 3


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit status 2."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``discourse`` console script."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        return int(args.handler(args) or EXIT_OK)
    except UsageError as error:
        print(f"discourse: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("discourse: interrupted; rerun to finish (completed work is kept)", file=sys.stderr)
        return 130
    except Exception as error:  # noqa: BLE001 - the last line of defence prints a clear message
        from discourse.labels import LabelFileError
        from discourse.store import LockedError

        if isinstance(error, LabelFileError):
            print(f"discourse: error: {error}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(error, LockedError | PermissionError | FileNotFoundError | OSError):
            print(f"discourse: {error}", file=sys.stderr)
            return EXIT_FATAL
        raise


# --- parser ----------------------------------------------------------------------------------
def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="discourse",
        description="Turn scraped forum debates into stance, sentiment and shift evidence.",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    run = sub.add_parser("run", help="ingest, classify, measure and report everything (Prefect flow)")
    _paths(run, raw=True, reports=True, models=True)
    _run_options(run)
    run.add_argument("--no-prefect", action="store_true", help="run in this process without Prefect")
    run.add_argument("--force", action="store_true", help="reprocess every file even if unchanged")
    _standalone_option(run)
    run.add_argument(
        "--task-runner", choices=("thread", "dask"), default="thread", help="how per-file tasks run (default: thread)"
    )
    run.add_argument("--dask-address", help="tcp://HOST:PORT of an existing Dask scheduler (with --task-runner dask)")
    run.set_defaults(handler=cmd_run)

    ingest = sub.add_parser("ingest", help="read raw files into threads/posts/quotes tables")
    ingest.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the raw folder)")
    _paths(ingest, raw=True)
    _run_options(ingest, window=False, confidence=False)
    ingest.set_defaults(handler=cmd_ingest)

    classify = sub.add_parser("classify", help="classify stance and sentiment of ingested posts")
    _paths(classify, models=True)
    classify.add_argument("--min-confidence", type=float, help="abstain to 'none' below this confidence")
    _thread_prior_option(classify)
    classify.set_defaults(handler=cmd_classify)

    report = sub.add_parser("report", help="compute shift metrics and write the dashboards")
    _paths(report, reports=True, models=True)
    report.add_argument("--window", type=int, help="rolling window in posts (default 5)")
    report.add_argument("--png", action="store_true", help="also export each chart as PNG")
    report.add_argument("--svg", action="store_true", help="also export each chart as SVG")
    _standalone_option(report)
    report.set_defaults(handler=cmd_report)

    train = sub.add_parser("train", help="retrain the stance model on authored + user labels")
    _paths(train, models=True, labels=True)
    train.add_argument("--labels", type=Path, dest="labels_dir", help="folder of label CSVs (default data/labels)")
    train.set_defaults(handler=cmd_train)

    evaluate = sub.add_parser(
        "evaluate", help="measure the stance model on the real development set, the seed gold and by cross-validation"
    )
    _paths(evaluate, reports=True, models=True, labels=True)
    _thread_prior_option(evaluate, "evaluate models that classify each post on its own")
    evaluate.set_defaults(handler=cmd_evaluate)

    label = sub.add_parser("label", help="export posts for annotation, import labelled CSVs")
    label_sub = label.add_subparsers(title="label commands", metavar="ACTION")
    export = label_sub.add_parser("export", help="write the least-confident posts to a CSV or an annotation page")
    _paths(export, labels=True)
    export.add_argument("--n", type=int, default=50, help="how many posts (default 50)")
    export.add_argument("--html", action="store_true",
                        help="write an offline annotation page instead of a CSV (default out: <labels>/to_label.html)")
    export.add_argument("--out", type=Path, help="file to write (default: <labels>/to_label.csv.todo)")
    export.set_defaults(handler=cmd_label_export)
    imp = label_sub.add_parser("import", help="validate a labelled CSV and add it to the labels folder")
    imp.add_argument("file", type=Path)
    _paths(imp, labels=True)
    imp.set_defaults(handler=cmd_label_import)
    label.set_defaults(handler=lambda _args: (label.print_help(), EXIT_USAGE)[1])

    devset = sub.add_parser("devset", help="check or rebuild the texts of the real development set")
    devset_sub = devset.add_subparsers(title="devset commands", metavar="ACTION")
    check = devset_sub.add_parser("check", help="say which manifest texts are present, missing or altered")
    _paths(check, labels=True)
    check.set_defaults(handler=cmd_devset_check)
    rebuild = devset_sub.add_parser(
        "rebuild", help="recreate missing texts from the pages (saved copies or fetched), hash-checked"
    )
    _paths(rebuild, labels=True)
    rebuild.add_argument("--pages", type=Path,
                         help="folder of saved pages named <sha256(url)[:16]>.html or .txt, read before fetching")
    rebuild.add_argument("--no-fetch", action="store_true", help="use saved pages only; never go to the network")
    rebuild.set_defaults(handler=cmd_devset_rebuild)
    devset.set_defaults(handler=lambda _args: (devset.print_help(), EXIT_USAGE)[1])

    serve = sub.add_parser("serve", help="serve the pipeline flow on a schedule (Prefect)")
    _paths(serve, raw=True, reports=True, models=True)
    serve.add_argument("--cron", default="0 * * * *", help='cron schedule (default "0 * * * *")')
    serve.add_argument("--name", default="discourse-scheduled", help="deployment name")
    serve.set_defaults(handler=cmd_serve)
    return parser


def _paths(
    parser: argparse.ArgumentParser,
    *,
    raw: bool = False,
    reports: bool = False,
    models: bool = False,
    labels: bool = False,
) -> None:
    group = parser.add_argument_group("folders (defaults are relative to the project root)")
    group.add_argument("--root", type=Path, help="project root (default: $DISCOURSE_HOME or the checkout)")
    group.add_argument("--processed-dir", type=Path, help="processed tables (default data/processed)")
    if raw:
        group.add_argument("--raw-dir", type=Path, help="raw input, never modified (default data/raw)")
    if reports:
        group.add_argument("--reports-dir", type=Path, help="generated pages (default reports)")
    if models:
        group.add_argument("--models-dir", type=Path, help="saved stance model (default models)")
    if labels and not any(a.dest == "labels_dir" for a in parser._actions):
        group.add_argument("--labels-dir", type=Path, help="label CSVs (default data/labels)")


def _run_options(parser: argparse.ArgumentParser, *, window: bool = True, confidence: bool = True) -> None:
    parser.add_argument("--format", dest="fmt", help="force an input format instead of detecting it")
    parser.add_argument("--columns", help="CSV/JSONL/Parquet column mapping, e.g. text=body,author=user")
    parser.add_argument("--max-bytes", type=int, help="skip files larger than this (default 50 MB)")
    parser.add_argument("--base-url", help="Discourse JSON: the forum's address, for absolute thread URLs")
    if window:
        parser.add_argument("--window", type=int, help="rolling window in posts (default 5)")
    if confidence:
        parser.add_argument("--min-confidence", type=float, help="abstain to 'none' below this confidence")
        _thread_prior_option(parser)


def _standalone_option(parser: argparse.ArgumentParser) -> None:
    # Unset (None) leaves Settings' default (pages share reports/assets/).
    parser.add_argument(
        "--standalone", action="store_true", default=None,
        help="put the chart library inside every page (about 0.9 MB each), so one page can be shared alone",
    )


def _thread_prior_option(
    parser: argparse.ArgumentParser,
    help_text: str = "classify each post on its own, without adapting to its thread's class mix",
) -> None:
    # Unset (None) leaves Settings' default (on); the flag turns adaptation off.
    parser.add_argument("--no-thread-prior", dest="thread_prior", action="store_false", default=None, help=help_text)


def settings_from(args: argparse.Namespace) -> Any:
    """Build Settings from parsed arguments; bad values raise UsageError."""
    from discourse.config import Settings, parse_columns
    from discourse.ingest.detect import FORMATS

    fmt = getattr(args, "fmt", None)
    if fmt is not None and fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}; choose one of {', '.join(FORMATS)}")
    try:
        return Settings.default(
            getattr(args, "root", None),
            raw_dir=getattr(args, "raw_dir", None),
            processed_dir=getattr(args, "processed_dir", None),
            reports_dir=getattr(args, "reports_dir", None),
            models_dir=getattr(args, "models_dir", None),
            labels_dir=getattr(args, "labels_dir", None),
            window=getattr(args, "window", None),
            min_confidence=getattr(args, "min_confidence", None),
            thread_prior=getattr(args, "thread_prior", None),
            standalone=getattr(args, "standalone", None),
            max_bytes=getattr(args, "max_bytes", None),
            fmt=fmt,
            columns=parse_columns(getattr(args, "columns", None)) or None,
            base_url=getattr(args, "base_url", None),
        )
    except ValueError as error:
        raise UsageError(str(error)) from None


# --- commands --------------------------------------------------------------------------------
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


def cmd_train(args: argparse.Namespace) -> int:
    from discourse.labels import LabelMatch, LabelMatchError
    from discourse.models import train_and_save

    settings = settings_from(args)
    try:
        metadata = train_and_save(settings)
    except LabelMatchError as error:
        print(f"discourse: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    # The rows that named no ingested post are listed: a mistyped thread id shows up here.
    print("\n".join(LabelMatch.from_metadata(metadata).describe()))
    print(f"trained stance model {metadata['model_version']} on {metadata.get('n_training', '?')} examples "
          f"({metadata.get('n_user_labels', 0)} from labels) -> {settings.models_dir}")
    return EXIT_OK


def cmd_evaluate(args: argparse.Namespace) -> int:
    from discourse.models import evaluate_model

    settings = settings_from(args)
    text, paths = evaluate_model(settings)
    print(text)
    for path in paths:
        print(f"wrote {path}")
    return EXIT_OK


def cmd_devset_check(args: argparse.Namespace) -> int:
    from discourse.devset import check_texts, read_manifest, texts_dir

    settings = settings_from(args)
    manifest = read_manifest(settings.labels_dir)
    if manifest.is_empty():
        raise UsageError(f"no development-set manifest in {settings.labels_dir / 'realdev'}")
    folder = texts_dir(settings.labels_dir)
    check = check_texts(manifest, folder)
    print(f"{len(check.present)} of {manifest.height} texts present and intact in {folder}")
    if check.missing:
        print(f"{len(check.missing)} missing; 'discourse devset rebuild' recreates them")
    for item, expected, found in check.mismatched:
        print(f"{item}: text differs from the manifest (hash {found}, expected {expected})")
    return EXIT_OK if check.complete else EXIT_PARTIAL


def cmd_devset_rebuild(args: argparse.Namespace) -> int:
    from discourse.devset import fetch_page_text, read_manifest, rebuild_texts, texts_dir

    settings = settings_from(args)
    manifest = read_manifest(settings.labels_dir)
    if manifest.is_empty():
        raise UsageError(f"no development-set manifest in {settings.labels_dir / 'realdev'}")
    if args.pages is not None and not args.pages.is_dir():
        raise UsageError(f"--pages {args.pages} is not a folder")
    result = rebuild_texts(manifest, texts_dir(settings.labels_dir), pages_dir=args.pages,
                           fetch=None if args.no_fetch else fetch_page_text)
    print(f"wrote {len(result['written'])} text(s); {len(result['not_found'])} not found on their page "
          f"(the page changed); {len(result['unreachable'])} on pages that could not be read")
    return EXIT_OK if not result["not_found"] and not result["unreachable"] else EXIT_PARTIAL


def cmd_label_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if args.n < 1:
        raise UsageError("--n must be at least 1")
    if args.html:
        from discourse.annotate.page import export_page

        path, n = export_page(settings.processed_dir, settings.labels_dir, args.out, args.n)
        print(f"wrote an annotation page for {n} post(s) to {path}; open it in a browser, label, "
              "download the CSV, then 'discourse label import FILE'")
        return EXIT_OK
    from discourse.models import export_labels

    path, n = export_labels(settings, args.n, args.out)
    print(f"wrote {n} post(s) to annotate to {path}")
    return EXIT_OK


def cmd_label_import(args: argparse.Namespace) -> int:
    from discourse.labels import LabelImportError
    from discourse.models import import_labels

    settings = settings_from(args)
    if not args.file.is_file():
        raise UsageError(f"{args.file} is not a file")
    try:
        path, n = import_labels(settings, args.file)
    except LabelImportError as error:
        print(f"discourse: {error}", file=sys.stderr)
        return EXIT_USAGE
    print(f"imported {n} label(s) into {path}")
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from discourse.orchestrate import serve_flow

    settings = settings_from(args)
    serve_flow(settings, cron=args.cron, name=args.name)
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
