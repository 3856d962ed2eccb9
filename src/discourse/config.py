"""Where a run reads and writes, and the knobs it takes; paths never come from the cwd by accident.

The project root is, in order: ``$DISCOURSE_HOME``; the source checkout this package was
installed from (editable installs, the normal set-up); otherwise the current folder, which a
command-line user then sees printed in every path the run reports.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from discourse.ingest.decode import DEFAULT_MAX_BYTES

DEFAULT_WINDOW = 5
DEFAULT_MIN_CONFIDENCE = 0.40
# An http(s) origin with an optional path prefix: no spaces, no query, no fragment.
_BASE_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~%/-]*)?")


def project_root() -> Path:
    """The folder holding ``data/``, ``reports/`` and ``models/`` by default."""
    env = os.environ.get("DISCOURSE_HOME")
    if env:
        return Path(env).expanduser().resolve()
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "src" / "discourse").is_dir():
        return checkout
    return Path.cwd().resolve()


@dataclass(frozen=True)
class Settings:
    """Every path and parameter of a pipeline run. Build with :meth:`Settings.default`."""

    raw_dir: Path
    processed_dir: Path
    reports_dir: Path
    labels_dir: Path
    models_dir: Path
    window: int = DEFAULT_WINDOW
    min_confidence: float = DEFAULT_MIN_CONFIDENCE
    #: Adapt each thread's stance probabilities to that thread's own class mix (see
    #: ``StanceClassifier.adapt_prior``); False classifies every post on its own.
    thread_prior: bool = True
    #: Pages carry the chart library inline (one file each, to share) instead of loading the
    #: reports folder's shared ``assets/`` file.
    standalone: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    fmt: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    base_url: str | None = None

    @classmethod
    def default(cls, root: Path | None = None, **overrides: object) -> Settings:
        """Settings rooted at ``root`` (default :func:`project_root`); ``None`` overrides are ignored."""
        root = Path(root) if root is not None else project_root()
        base = cls(
            raw_dir=root / "data" / "raw",
            processed_dir=root / "data" / "processed",
            reports_dir=root / "reports",
            labels_dir=root / "data" / "labels",
            models_dir=root / "models",
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        for key in ("raw_dir", "processed_dir", "reports_dir", "labels_dir", "models_dir"):
            if key in given:
                given[key] = Path(given[key]).expanduser()  # type: ignore[arg-type]
        return replace(base, **given)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.window < 1:
            raise ValueError("window must be at least 1 post")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError("min_confidence must be between 0 and 1")
        if self.max_bytes < 1:
            raise ValueError("max_bytes must be positive")
        if self.base_url is not None and not _BASE_URL.fullmatch(self.base_url):
            raise ValueError(
                f"base URL {self.base_url!r} is not an http(s) address like https://forum.example"
            )


def parse_columns(spec: str | None) -> dict[str, str]:
    """Parse ``"text=body,author=user"`` into a column mapping; raise ValueError when malformed."""
    if not spec:
        return {}
    from discourse.ingest.tabular import parse_columns as parse

    return parse(spec)
