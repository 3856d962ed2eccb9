"""The one error ingestion raises for a bad file."""

from __future__ import annotations


class IngestError(Exception):
    """A raw file could not be read; names the file and the reason.

    Every reader raises only this for bad input, so a run can record the file in the ingest
    report and go on with the others.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason
