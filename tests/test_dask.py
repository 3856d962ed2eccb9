"""Scale-out: the per-thread tasks on a Dask cluster give exactly the default runner's outputs.

The Dask workers are separate processes; they report their task runs to the session's real
Prefect server (the flow hands its API URL to them with the task runs' settings). Against the
embedded API each worker would otherwise start a temporary server of its own.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.register_assert_rewrite("prefect_util")
from prefect_util import (  # noqa: E402 - after the assert-rewrite registration
    assert_same_outputs,
    load_flows,
    make_workspace,
    run_flow,
    wait_for_task_runs,
)

pytest_plugins = ["prefect_util"]


def test_remote_dask_scheduler_without_a_server_is_refused() -> None:
    load_flows()
    from flows.executor import _embedded_api_url

    with pytest.raises(RuntimeError, match="PREFECT_API_URL"):
        _embedded_api_url("tcp://10.20.30.40:8786")


@pytest.mark.prefect
def test_dask_runner_matches_the_thread_runner(
    prefect_server, reference_run, trained_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from distributed import Client, LocalCluster

    import discourse.pipeline

    # One file per batch, so that the two bundled files go to the two workers as two tasks.
    monkeypatch.setattr(discourse.pipeline, "BATCH_FILES", 1)

    settings = make_workspace(tmp_path / "project", trained_models)
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as cluster:
        summary, flow_run_id = run_flow(settings, task_runner="dask", dask_address=cluster.scheduler_address)
        with Client(cluster) as client:
            ran = client.run_on_scheduler(lambda dask_scheduler: sorted(dask_scheduler.task_prefixes))
    assert summary.ok, (summary.failed_files, summary.thread_errors)
    assert "process_files" in ran, ran  # the tasks that process the files ran on Dask

    assert_same_outputs(reference_run.settings.processed_dir, settings.processed_dir)
    pages = sorted(p.name for p in settings.reports_dir.glob("*.html"))
    assert pages == sorted(p.name for p in reference_run.settings.reports_dir.glob("*.html") if p.stem != "evaluation")
    # The workers wrote pages that link the folder's one shared Vega asset.
    assert len(list((settings.reports_dir / "assets").glob("vega-*.js"))) == 1
    # The workers' task runs are on the session's server, next to the flow's own.
    names = wait_for_task_runs(flow_run_id, expected=6)
    assert [n for n in names if n.startswith("process-files")] == [
        "process-files[pakpassion-why-not-ussr.txt]",
        "process-files[ussr-pakistan-relations-1965.txt]",
    ]
