"""Exit statuses of the ``discourse`` command and the error for bad arguments.

0 everything succeeded; 1 the run finished but some input failed (see the ingest report);
2 bad usage; 3 the run could not proceed (folder locked or not writable, no data).
"""

from __future__ import annotations

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_FATAL = 0, 1, 2, 3


class UsageError(Exception):
    """Bad arguments: reported on stderr with exit status 2."""
