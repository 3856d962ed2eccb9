"""Shared helpers and session fixtures of the Prefect tests (a pytest plugin).

The test modules load this file with ``pytest_plugins = ["prefect_util"]``, so each fixture
below exists once per session however many modules use it:

* ``trained_models``: a models folder with the stance model trained once per session.
* ``prefect_server``: a real ``prefect server start`` on 127.0.0.1 and a free port, with its own
  temporary PREFECT_HOME; this process's Prefect settings point at it while the session lasts.
* ``reference_run``: the seed data run once through the flow (thread runner) on that server.

The server and the training are slow (tens of seconds), so as soon as collection shows that a
``prefect`` test will run, both start in subprocesses and the fixtures only wait for them.

Nothing here writes into the repository: every run works on a copy of ``data/raw`` in a
temporary folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from discourse.store import THREAD_TABLES

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
LABELS = ROOT / "data" / "labels"
BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT = 120.0
#: Columns that record when something ran, not what it produced.
TIME_COLUMNS = {"ingested_at", "processed_at", "checked_at"}
#: Every consolidated table a run writes.
TABLES = (*THREAD_TABLES, "ingest_report", "manifest")


# --- workspaces and outputs ------------------------------------------------------------------------
def make_workspace(base: Path, models: Path | None = None, *, labels: bool = False) -> Any:
    """A project-like folder under ``base`` with a copy of ``data/raw``; return its Settings.

    ``models``: a models folder to copy in. ``labels``: copy ``data/labels/*.csv`` too, so runs
    also write the model evaluation page (a few seconds more per run).
    """
    from discourse.config import Settings

    base.mkdir(parents=True, exist_ok=True)
    raw = base / "raw"
    raw.mkdir()
    for path in sorted(RAW.iterdir()):
        if path.is_file():
            shutil.copy2(path, raw / path.name)
    if models is not None:
        shutil.copytree(models, base / "models")
    if labels:
        (base / "labels").mkdir()
        for path in sorted(LABELS.glob("*.csv")):
            shutil.copy2(path, base / "labels" / path.name)
    return Settings.default(
        base,
        raw_dir=raw,
        processed_dir=base / "processed",
        reports_dir=base / "reports",
        models_dir=base / "models",
        labels_dir=base / "labels",
    )


def copy_workspace(settings: Any, base: Path) -> Any:
    """A full copy (raw, processed, reports, models) of a workspace; return its Settings."""
    from dataclasses import replace

    shutil.copytree(Path(settings.raw_dir).parent, base, symlinks=True)  # the exports are relative links
    return replace(
        settings,
        raw_dir=base / "raw",
        processed_dir=base / "processed",
        reports_dir=base / "reports",
        models_dir=base / "models",
        labels_dir=base / "labels",
    )


def read_outputs(processed_dir: Path, tables: tuple[str, ...] = TABLES) -> dict[str, pl.DataFrame]:
    """The consolidated tables without their timestamp columns, for comparing two runs."""
    frames = {}
    for table in tables:
        frame = pl.read_parquet(Path(processed_dir) / f"{table}.parquet")
        frames[table] = frame.drop([c for c in frame.columns if c in TIME_COLUMNS])
    return frames


def assert_same_outputs(left: Path, right: Path, tables: tuple[str, ...] = TABLES) -> None:
    """Both processed folders hold the same consolidated tables (timestamps aside)."""
    from polars.testing import assert_frame_equal

    a, b = read_outputs(left, tables), read_outputs(right, tables)
    for table in tables:
        assert a[table].height > 0 or table in ("change_points", "quotes"), f"{table} is empty"
        assert_frame_equal(a[table], b[table], check_exact=False, rel_tol=1e-9, abs_tol=1e-12)


# --- Prefect -----------------------------------------------------------------------------------------
def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def prefect_env(home: Path, api_url: str | None, **extra: str) -> dict[str, str]:
    """Environment for a Prefect subprocess: own PREFECT_HOME, no telemetry, this venv first."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(
        PREFECT_HOME=str(home),
        PREFECT_SERVER_ANALYTICS_ENABLED="false",
        DO_NOT_TRACK="1",
        PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="90",
        PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
    )
    if api_url:
        env["PREFECT_API_URL"] = api_url
    env.update(extra)
    return env


@dataclass
class Server:
    """A running ``prefect server start``."""

    url: str  # http://127.0.0.1:PORT/api
    home: Path
    process: subprocess.Popen[bytes]
    log: Path

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def launch_server(home: Path) -> Server:
    """Start ``prefect server start`` on 127.0.0.1 and a free port; do not wait for it."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/api"
    home.mkdir(parents=True, exist_ok=True)
    log = home / "server.log"
    env = prefect_env(
        home,
        url,
        PREFECT_UI_ENABLED="false",
        PREFECT_API_BLOCKS_REGISTER_ON_START="false",  # no blocks used: a faster first start
        # Nothing here is scheduled: no run may start by itself against the project's folders.
        PREFECT_SERVER_SERVICES_SCHEDULER_ENABLED="false",
    )
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: stopped as a whole
        )
    return Server(url, home, process, log)


def wait_healthy(server: Server, timeout: float = SERVER_START_TIMEOUT) -> Server:
    """Wait until the server's /api/health answers; stop it and raise if it does not in time."""
    deadline = time.monotonic() + timeout
    while True:
        if server.process.poll() is not None:
            raise RuntimeError(f"prefect server exited with {server.process.returncode}:\n{server.tail()}")
        try:
            with urllib.request.urlopen(f"{server.url}/health", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            pass
        if time.monotonic() > deadline:
            stop_process(server.process)
            raise TimeoutError(f"prefect server not healthy after {timeout:.0f} s:\n{server.tail()}")
        time.sleep(0.25)


def start_server(home: Path) -> Server:
    """Start ``prefect server start`` and wait until it is healthy."""
    return wait_healthy(launch_server(home))


_TRAIN = (
    "import sys; from pathlib import Path; from discourse.config import Settings; "
    "from discourse.models import load_model; "
    "models = Path(sys.argv[1]); load_model(Settings.default(models.parent, models_dir=models))"
)


def launch_training(models: Path) -> subprocess.Popen[bytes]:
    """Train the stance model into ``models`` in a subprocess; do not wait for it."""
    models.parent.mkdir(parents=True, exist_ok=True)
    with open(models.parent / "train.log", "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-c", _TRAIN, str(models)],
            env={**os.environ, "DO_NOT_TRACK": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


def stop_process(process: subprocess.Popen[Any], timeout: float = 15.0) -> None:
    """Stop a process started with ``start_new_session=True`` and its children: TERM, then KILL."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=timeout)


def drain_prefect_workers() -> None:
    """Send this process's buffered Prefect logs and events before the server goes away."""
    import inspect

    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker
    from prefect.utilities.asyncutils import run_coro_as_sync

    async def drain() -> None:
        try:
            result = APILogWorker.instance().drain()
            if inspect.isawaitable(result):
                await result
        except RuntimeError:
            pass
        result = EventsWorker.drain_all()
        if inspect.isawaitable(result):
            await result

    run_coro_as_sync(drain())


def flow_run_artifacts(flow_run_id: Any) -> dict[str, Any]:
    """The artifacts of one flow run, by key (read through the API)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[flow_run_id]))
        )
    return {artifact.key: artifact for artifact in artifacts}


def flow_run_task_names(flow_run_id: Any) -> list[str]:
    """Names of the task runs of one flow run (read through the API)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
    return sorted(run.name for run in runs)


def wait_for_task_runs(flow_run_id: Any, expected: int, timeout: float = 30.0) -> list[str]:
    """Task run names of a flow run once at least ``expected`` are recorded (they arrive as events)."""
    deadline = time.monotonic() + timeout
    while True:
        names = flow_run_task_names(flow_run_id)
        if len(names) >= expected or time.monotonic() > deadline:
            return names
        time.sleep(0.5)


def load_flows() -> Any:
    """The flow module (``flows.pipeline``), imported after the CLI's Prefect defaults."""
    from discourse.orchestrate import set_prefect_defaults

    set_prefect_defaults()
    import flows.pipeline

    return flows.pipeline


def run_flow(settings: Any, **options: Any) -> tuple[Any, Any]:
    """Run the flow in this process; return (RunSummary, flow run id)."""
    flows = load_flows()
    state = flows.discourse_pipeline(**flows.flow_parameters(settings), **options, return_state=True)
    return state.result(), state.state_details.flow_run_id


# --- starting the slow parts early ----------------------------------------------------------------
#: What pytest_collection_finish started in the background: the server and the model training.
_EARLY: dict[str, Any] = {}


def pytest_collection_finish(session: pytest.Session) -> None:
    """When a Prefect test will run, start the server and the training now, in subprocesses.

    A fresh Prefect server needs 15-50 s to migrate its database and the stance model 15-20 s
    to train; both then overlap with the tests that run before the first Prefect test.
    """
    if not any(item.get_closest_marker("prefect") for item in session.items):
        return
    base = Path(tempfile.mkdtemp(prefix="discourse-prefect-tests-"))
    _EARLY["base"] = base
    _EARLY["server"] = launch_server(base / "prefect-home")
    _EARLY["training"] = launch_training(base / "trained" / "models")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop whatever was started early and not stopped by its fixture; remove its folder."""
    server = _EARLY.pop("server", None)
    if server is not None:
        stop_process(server.process)
    training = _EARLY.pop("training", None)
    if training is not None:
        stop_process(training)
    base = _EARLY.pop("base", None)
    if base is not None:
        shutil.rmtree(base, ignore_errors=True)


# --- session fixtures ------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def trained_models(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A models folder holding the stance model, trained once per session (copy it, never write)."""
    training = _EARLY.pop("training", None)
    if training is None:
        models = tmp_path_factory.mktemp("trained") / "models"
        training = launch_training(models)
    else:
        models = _EARLY["base"] / "trained" / "models"
    try:
        code = training.wait(timeout=600)
    finally:
        stop_process(training)
    log = (models.parent / "train.log").read_text(errors="replace")
    assert code == 0 and (models / "stance.joblib").is_file(), f"training failed ({code}):\n{log[-3000:]}"
    return models


@pytest.fixture(scope="session")
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A real Prefect server for the session; this process's Prefect settings point at it."""
    from prefect.settings import (
        PREFECT_API_URL,
        PREFECT_HOME,
        PREFECT_SERVER_ANALYTICS_ENABLED,
        temporary_settings,
    )

    server = _EARLY.pop("server", None) or launch_server(tmp_path_factory.mktemp("prefect-home"))
    try:
        wait_healthy(server)
        with temporary_settings(
            updates={PREFECT_API_URL: server.url, PREFECT_HOME: server.home, PREFECT_SERVER_ANALYTICS_ENABLED: False}
        ):
            try:
                yield server
            finally:
                drain_prefect_workers()
    finally:
        stop_process(server.process)


@dataclass
class ReferenceRun:
    settings: Any
    summary: Any
    flow_run_id: Any


@pytest.fixture(scope="session")
def reference_run(
    prefect_server: Server, trained_models: Path, tmp_path_factory: pytest.TempPathFactory
) -> ReferenceRun:
    """The seed data (and labels) run once through the flow with the default (thread) runner."""
    settings = make_workspace(tmp_path_factory.mktemp("reference") / "project", trained_models, labels=True)
    summary, flow_run_id = run_flow(settings)
    return ReferenceRun(settings, summary, flow_run_id)
