"""The ``discourse`` command's argument parser: every command, its options and its handler.

The README's command synopsis lists exactly these options (tests/test_readme.py checks it).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from discourse.cli_labels import (
    cmd_devset_check,
    cmd_devset_rebuild,
    cmd_evaluate,
    cmd_label_export,
    cmd_label_import,
    cmd_train,
)
from discourse.cli_run import cmd_classify, cmd_ingest, cmd_report, cmd_run, cmd_serve
from discourse.cli_status import EXIT_USAGE


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
        "--task-runner", choices=("thread", "dask"), default="thread",
        help="how the tasks that process batches of files run (default: thread)"
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
