"""The ``discourse`` command.

Exit status: 0 everything succeeded; 1 the run finished but some input failed (see the ingest
report); 2 bad usage; 3 the run could not proceed (folder locked or not writable, no data).
Heavy modules (polars, nltk, sklearn, prefect) are imported inside the commands, so ``--help``
stays fast.

The parser is :mod:`discourse.cli_parser`; the commands are :mod:`discourse.cli_run` (run,
ingest, classify, report, serve) and :mod:`discourse.cli_labels` (train, evaluate, label,
devset); exit statuses are :mod:`discourse.cli_status`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from discourse.cli_parser import build_parser
from discourse.cli_settings import settings_from
from discourse.cli_status import EXIT_FATAL, EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, UsageError

__all__ = ["EXIT_FATAL", "EXIT_OK", "EXIT_PARTIAL", "EXIT_USAGE", "UsageError", "build_parser", "main", "settings_from"]


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
        from discourse.label_folder import LabelFileError
        from discourse.store import LockedError

        if isinstance(error, LabelFileError):
            print(f"discourse: error: {error}", file=sys.stderr)
            return EXIT_USAGE
        if isinstance(error, LockedError | PermissionError | FileNotFoundError | OSError):
            print(f"discourse: {error}", file=sys.stderr)
            return EXIT_FATAL
        raise


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
