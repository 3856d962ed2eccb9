"""Turn a command's parsed arguments into :class:`~discourse.config.Settings`."""

from __future__ import annotations

import argparse
from typing import Any

from discourse.cli_status import UsageError


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
