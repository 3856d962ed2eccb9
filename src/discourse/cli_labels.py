"""The commands about labels and the model they train: train, evaluate, label, devset.

``label export`` and ``label import`` move posts to annotators and their labels back;
``train`` refits the stance model on them; ``evaluate`` measures it; ``devset check`` and
``devset rebuild`` keep the real development set's texts in place. Each command imports its
heavy modules when it runs.
"""

from __future__ import annotations

import argparse
import sys

from discourse.cli_settings import settings_from
from discourse.cli_status import EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, UsageError


def cmd_train(args: argparse.Namespace) -> int:
    from discourse.label_match import LabelMatch, LabelMatchError
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
    from discourse.model_evaluation import evaluate_model

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
    from discourse.label_import import LabelImportError
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
