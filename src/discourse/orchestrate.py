"""Reach the Prefect flow in ``flows/`` from the command line, without importing Prefect here.

The library never imports Prefect (its tests and users need none). The CLI's ``run`` and
``serve`` commands load ``flows/pipeline.py`` from the project checkout by path and call it.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from discourse.config import Settings, project_root


def load_flows(root: Path | None = None) -> ModuleType:
    """Import ``flows/pipeline.py`` of the project checkout as module ``discourse_flows``."""
    path = (root or project_root()) / "flows" / "pipeline.py"
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} not found: 'run' and 'serve' need the project checkout (or use 'run --no-prefect')"
        )
    if "discourse_flows" in sys.modules:
        return sys.modules["discourse_flows"]
    # Offline tool: no telemetry, and give the embedded server time on a cold first start.
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")
    spec = importlib.util.spec_from_file_location("discourse_flows", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["discourse_flows"] = module
    spec.loader.exec_module(module)
    return module


def run_flow(settings: Settings, **options: Any) -> Any:
    """Run the ``discourse_pipeline`` flow once; return its RunSummary."""
    return load_flows().run_pipeline_flow(settings, **options)


def serve_flow(settings: Settings, *, cron: str, name: str) -> None:
    """Serve the flow on a cron schedule until interrupted."""
    load_flows().serve_pipeline(settings, cron=cron, name=name)
