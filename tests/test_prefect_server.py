"""The deployment path: ``prefect server start`` + a process work pool + ``prefect worker start``.

Everything talks to the session's real server on 127.0.0.1 (``prefect_util.prefect_server``);
the deployment comes from the project's ``prefect.yaml`` through ``prefect deploy``, and the run
works on a temporary copy of the data (raw, processed, reports and models in tmp folders).
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path
from typing import Any

import polars as pl
import pytest

pytest.register_assert_rewrite("prefect_util")
from prefect_util import (  # noqa: E402 - after the assert-rewrite registration
    BIN,
    ROOT,
    flow_run_artifacts,
    load_flows,
    make_workspace,
    prefect_env,
    stop_process,
    wait_for_task_runs,
)

pytest_plugins = ["prefect_util"]

POOL = "discourse-pool"  # the work pool prefect.yaml names
DEPLOYMENT = "discourse-pipeline/discourse-hourly"
RUN_TIMEOUT = 240.0


def _cli(args: list[str], env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    done = subprocess.run(
        [str(BIN / args[0]), *args[1:]], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"{' '.join(args)} failed ({done.returncode}):\n{output[-4000:]}"
    return output


def _wait_for_flow_run(client: Any, flow_run_id: Any, worker_log: Path, timeout: float = RUN_TIMEOUT) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        flow_run = client.read_flow_run(flow_run_id)
        if flow_run.state is not None and flow_run.state.is_final():
            return flow_run
        if time.monotonic() > deadline:
            tail = worker_log.read_text(errors="replace")[-4000:]
            raise TimeoutError(f"flow run still {flow_run.state_name} after {timeout:.0f} s; worker log:\n{tail}")
        time.sleep(1)


def _prefect_files() -> dict[str, bytes | None]:
    """What Prefect's CLI could leave in the checkout (prefect.yaml, .prefect/, .prefectignore)."""
    return {
        path.name: path.read_bytes() if path.is_file() else None
        for path in sorted(ROOT.iterdir())
        if path.name.startswith((".prefect", "prefect"))
    }


@pytest.mark.prefect
def test_deployment_from_prefect_yaml_runs_on_a_process_worker(prefect_server, trained_models: Path, tmp_path: Path):
    from prefect.client.orchestration import get_client

    settings = make_workspace(tmp_path / "project", trained_models)
    env = prefect_env(tmp_path / "client-home", prefect_server.url, PREFECT_WORKER_QUERY_SECONDS="1")
    repo_before = _prefect_files()
    _cli(["prefect", "work-pool", "create", POOL, "--type", "process"], env, tmp_path)
    deployed = _cli(["prefect", "--no-prompt", "deploy", "--all"], env, ROOT)
    assert DEPLOYMENT in deployed, deployed
    assert _prefect_files() == repo_before  # deploying wrote nothing into the checkout

    worker_log = tmp_path / "worker.log"
    with open(worker_log, "wb") as out:
        worker = subprocess.Popen(
            [str(BIN / "prefect"), "worker", "start", "--pool", POOL],
            env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        with get_client(sync_client=True) as client:
            deployment = client.read_deployment_by_name(DEPLOYMENT)
            assert [s.schedule.cron for s in deployment.schedules] == ["0 * * * *"]
            assert deployment.entrypoint == "flows/pipeline.py:discourse_pipeline"
            assert deployment.work_pool_name == POOL
            parameters = load_flows().flow_parameters(settings)
            flow_run = client.create_flow_run_from_deployment(deployment.id, parameters=parameters)
            finished = _wait_for_flow_run(client, flow_run.id, worker_log)
        assert finished.state.is_completed(), (finished.state, worker_log.read_text(errors="replace")[-4000:])
    finally:
        stop_process(worker)

    # The run worked on the temporary copy, and only there.
    threads = pl.read_parquet(settings.processed_dir / "threads.parquet")["thread_id"].to_list()
    assert threads == ["pakpassion-why-not-ussr", "ussr-pakistan-relations-1965"]
    assert (settings.reports_dir / "index.html").is_file()
    assert pl.read_parquet(settings.processed_dir / "manifest.parquet")["status"].to_list() == ["ok", "ok"]

    # What the run published, read back through the API.
    artifacts = flow_run_artifacts(flow_run.id)
    keys = {"discourse-run-summary", "discourse-files", "discourse-stance-shares", "discourse-report-index"}
    assert keys <= set(artifacts)
    assert artifacts["discourse-run-summary"].data.startswith("# discourse run: 2 thread(s) processed from 2 file(s)")
    assert (settings.reports_dir / "index.html").resolve().as_uri() in artifacts["discourse-report-index"].data
    names = wait_for_task_runs(flow_run.id, expected=5)
    # Both small files are read and analysed by one task (one batch of files).
    assert "process-files[pakpassion-why-not-ussr.txt and 1 more]" in names and "build-reports" in names


@pytest.mark.prefect
def test_discourse_serve_registers_a_cron_deployment_that_runs(prefect_server, trained_models: Path, tmp_path: Path):
    from prefect.client.orchestration import get_client
    from prefect.exceptions import ObjectNotFound

    settings = make_workspace(tmp_path / "project", trained_models)
    env = prefect_env(tmp_path / "client-home", prefect_server.url)
    log = tmp_path / "serve.log"
    folders = ("raw_dir", "processed_dir", "reports_dir", "models_dir")
    args = [str(BIN / "discourse"), "serve", "--cron", "0 * * * *", "--name", "serve-test", "--root", str(tmp_path)]
    args += [a for f in folders for a in (f"--{f.replace('_', '-')}", str(getattr(settings, f)))]
    with open(log, "wb") as out:
        serve = subprocess.Popen(
            args, env=env, cwd=tmp_path, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        with get_client(sync_client=True) as client:
            while True:
                try:
                    deployment = client.read_deployment_by_name("discourse-pipeline/serve-test")
                    break
                except ObjectNotFound:
                    assert serve.poll() is None, log.read_text(errors="replace")[-4000:]
                    assert time.monotonic() < deadline, log.read_text(errors="replace")[-4000:]
                    time.sleep(0.5)
            assert [s.schedule.cron for s in deployment.schedules] == ["0 * * * *"]
            expected = load_flows().flow_parameters(settings)
            assert {k: deployment.parameters[k] for k in folders} == {k: expected[k] for k in folders}
            assert deployment.parameters["window"] == 5
            # A run of the served deployment (the schedule's runs start the same way).
            flow_run = client.create_flow_run_from_deployment(deployment.id)
            finished = _wait_for_flow_run(client, flow_run.id, log)
        assert finished.state.is_completed(), (finished.state, log.read_text(errors="replace")[-4000:])
        assert (settings.reports_dir / "index.html").is_file()
    finally:
        stop_process(serve)
