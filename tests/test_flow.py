"""The ``discourse_pipeline`` flow: the library's run on Prefect, incremental reruns, failures.

Three groups:

* Prefect-free: the flow module's helpers (no API, no flow run).
* ``@pytest.mark.prefect``: flow runs in this process against the session's real Prefect
  server (``prefect_util.prefect_server``); one reference run is shared by all of them.
  Incremental reruns are tested here, through the flow: nothing changed, new + changed +
  deleted files (and a file changed back: never a stale result), a new model version.
* ``@pytest.mark.prefect``: ``discourse run`` in a subprocess on Prefect's embedded API with a
  fresh PREFECT_HOME, the way the README's ``scripts/run`` runs it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest

pytest.register_assert_rewrite("prefect_util")
from prefect_util import (  # noqa: E402 - after the assert-rewrite registration
    BIN,
    TABLES,
    assert_same_outputs,
    copy_workspace,
    flow_run_artifacts,
    load_flows,
    make_workspace,
    prefect_env,
    run_flow,
    wait_for_task_runs,
)

from discourse import pipeline as lib  # noqa: E402
from discourse.executors import InProcess  # noqa: E402
from discourse.ingest.build import FileIngest  # noqa: E402
from discourse.ingest.run import RawEntry  # noqa: E402
from discourse.pipeline import RunPlan, RunSummary, run_pipeline  # noqa: E402

pytest_plugins = ["prefect_util"]

ARTICLE = "ussr-pakistan-relations-1965.txt"
ARTICLE_ID = "ussr-pakistan-relations-1965"
FORUM_ID = "pakpassion-why-not-ussr"
NEW_PARAGRAPH = (
    "\nIn 1965 Pakistan bought Soviet goodwill at Tashkent without leaving the western pacts, "
    "and many in Rawalpindi called that balance the wisest course of the decade.\n"
)


class RecordingExecutor(InProcess):
    """The in-process executor, listing the steps the run sequence hands it."""

    def __init__(self) -> None:
        self.steps: list[str] = []

    def stage(self, name, fn, /, *args):
        self.steps.append(name)
        return super().stage(name, fn, *args)

    def map(self, name, fn, shared, items):
        for item, outcome in super().map(name, fn, shared, items):
            self.steps.append(f"{name}[{item.label}]")
            yield item, outcome


def _mtimes(folder: Path, pattern: str = "*") -> dict[str, int]:
    files = sorted(p for p in folder.rglob(pattern) if p.is_file())
    return {p.relative_to(folder).as_posix(): p.stat().st_mtime_ns for p in files}


# --- Prefect-free: the flow module's helpers ------------------------------------------------------------
def test_flow_parameters_rebuild_the_same_settings(tmp_path: Path) -> None:
    from discourse.config import Settings

    flows = load_flows()
    settings = Settings.default(
        tmp_path, window=7, min_confidence=0.5, thread_prior=False, fmt="xenforo-text", columns={"text": "body"}
    )
    params = flows.flow_parameters(settings)
    assert all(isinstance(v, str | int | float | dict | type(None)) for v in params.values())  # JSON for the API
    folders = ("raw_dir", "processed_dir", "reports_dir", "models_dir", "labels_dir")
    assert Settings.default(None, **params) == replace(settings, **{k: Path(params[k]) for k in folders})
    assert set(params) | {"force", "task_runner", "dask_address"} == set(flows.discourse_pipeline.parameters.properties)


def test_retries_only_io_errors() -> None:
    from prefect.states import Failed

    flows = load_flows()
    assert flows.retry_on_io_error(None, None, Failed(data=OSError("disk went away")))
    assert flows.retry_on_io_error(None, None, Failed(data=FileNotFoundError("gone")))
    assert not flows.retry_on_io_error(None, None, Failed(data=ValueError("bad thread")))


def test_summary_markdown_reports_failures_shares_and_links(tmp_path: Path) -> None:
    from discourse.config import Settings

    flows = load_flows()
    settings = Settings.default(tmp_path)
    settings.reports_dir.mkdir(parents=True)
    (settings.reports_dir / "index.html").write_text("<html></html>")
    (settings.reports_dir / "t1.html").write_text("<html></html>")
    plan = RunPlan(
        model_version="m1|min_confidence=0.4|window=5",
        to_process=[RawEntry(tmp_path / "a.txt", "a.txt"), RawEntry(tmp_path / "b.bin", "b.bin")],
        unchanged=[{"source_path": "old.txt", "thread_ids": ["t0"], "status": "ok", "reason": None}],
    )
    good = FileIngest("a.txt", "aa", "xenforo-text", {"threads": pl.DataFrame({"thread_id": ["t1", "t2"]})})
    summary = RunSummary(
        plan=plan,
        results=[good, FileIngest("b.bin", "bb", None, error="unknown format")],
        thread_errors={"t2": "ValueError: boom | bang"},
        seconds=1.25,
    )
    shares = [
        {"thread": "t1", "title": "A | B", "posts": 4, "classified": 3, "pro_us_pct": 50.0,
         "pro_ussr_pct": 25.0, "neutralist_pct": 0.0, "none_pct": 25.0},
    ]
    text = flows.summary_markdown(settings, summary, {"model_version": "m1"}, shares)
    assert text.startswith("# discourse run: 1 thread(s) processed from 2 file(s)")
    assert "| files unchanged (skipped) | 1 |" in text
    assert "| failed files | 1 |" in text and "| failed threads | 1 |" in text
    assert "- file `b.bin`: unknown format" in text
    assert "- thread `t2`: ValueError: boom \\| bang" in text  # escaped inside Markdown
    assert "| A \\| B (`t1`) | 4 | 3 | 50.0 | 25.0 | 0.0 | 25.0 |" in text
    assert (settings.reports_dir / "index.html").resolve().as_uri() in text
    assert (settings.reports_dir / "t1.html").resolve().as_uri() in text
    from flows.artifacts import _file_rows

    rows = _file_rows(summary)
    assert [(r["file"], r["status"]) for r in rows] == [("a.txt", "failed"), ("b.bin", "failed"), ("old.txt", "unchanged")]
    assert rows[0]["reason"] == "t2: ValueError: boom | bang"


def test_summary_markdown_lists_thread_warnings(tmp_path: Path) -> None:
    from discourse.config import Settings

    flows = load_flows()
    threads = pl.DataFrame({"thread_id": ["t1", "t2"], "n_posts": [4, 4], "n_no_own_text": [3, 2]})
    plan = RunPlan(model_version="m1", to_process=[RawEntry(tmp_path / "a.txt", "a.txt")])
    summary = RunSummary(plan=plan, results=[FileIngest("a.txt", "aa", "xenforo-text", {"threads": threads}).release()])
    text = flows.summary_markdown(Settings.default(tmp_path), summary, {"model_version": "m1"}, [])
    assert "## Warnings\n\n- thread t1: 3 of 4 posts have no text of their own" in text
    assert "thread t2" not in text  # half the posts is not most


def test_serve_refuses_the_embedded_api(tmp_path: Path) -> None:
    from prefect.settings import PREFECT_API_URL, temporary_settings

    from discourse.config import Settings

    flows = load_flows()
    with temporary_settings(restore_defaults={PREFECT_API_URL}), pytest.raises(ConnectionError, match="server start"):
        flows.serve_pipeline(Settings.default(tmp_path), cron="0 * * * *", name="never")



#: Runs ``discourse run`` (the Prefect path) in a fresh interpreter, then prints which of the
#: Prefect modules and the flow package it imported and how long the refusal took.
_LOCKED_RUN = """
import sys, time
from discourse.cli import main
started = time.perf_counter()
code = main(sys.argv[1:])
seconds = time.perf_counter() - started
imported = sorted(m for m in sys.modules if m == "prefect" or m.startswith(("prefect.", "flows")))
print("IMPORTED", imported)
print("SECONDS", round(seconds, 3))
sys.exit(code)
"""


def test_locked_folder_refuses_the_prefect_run_before_prefect_starts(tmp_path: Path) -> None:
    """Regression: ``discourse run`` took the lock inside the flow, after Prefect's API started."""
    import os
    import sys

    from discourse.store import run_lock

    root = tmp_path / "project"
    (root / "data" / "raw").mkdir(parents=True)
    (root / "data" / "raw" / "t.txt").write_text("placeholder\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "DISCOURSE_HOME"}
    with run_lock(root / "data" / "processed"):
        done = subprocess.run(
            [sys.executable, "-c", _LOCKED_RUN, "run", "--root", str(root)],
            env=env, capture_output=True, text=True, timeout=120, cwd=tmp_path,
        )
    assert done.returncode == 3, done.stdout + done.stderr
    assert "another discourse run" in done.stderr and "Traceback" not in done.stderr
    assert "IMPORTED []" in done.stdout  # neither Prefect nor the flow module was imported
    print(done.stdout.strip().splitlines()[-1])  # the refusal's wall time, for the record


def test_flow_module_leaves_the_environment_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Importing the flow changes no environment variable; the CLI sets Prefect's defaults."""
    import os
    import sys

    from discourse.orchestrate import PREFECT_DEFAULTS, set_prefect_defaults

    for name in PREFECT_DEFAULTS:
        monkeypatch.delenv(name, raising=False)
    code = f"import os; import flows; print(sorted(set({sorted(PREFECT_DEFAULTS)!r}) & set(os.environ)))"
    done = subprocess.run([sys.executable, "-c", code], env=dict(os.environ), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"
    set_prefect_defaults()
    assert {name: os.environ[name] for name in PREFECT_DEFAULTS} == PREFECT_DEFAULTS
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "5")
    set_prefect_defaults()
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "5"  # the user's value stands

# --- the flow on the session's Prefect server ------------------------------------------------------------
@pytest.mark.prefect
def test_flow_does_what_run_pipeline_does_and_publishes_artifacts(
    reference_run, trained_models: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    summary, settings = reference_run.summary, reference_run.settings
    assert summary.ok, (summary.failed_files, summary.thread_errors)
    assert sorted(summary.processed_threads) == [FORUM_ID, ARTICLE_ID]
    pages = {"index.html", f"{FORUM_ID}.html", f"{ARTICLE_ID}.html", "evaluation.html", "evaluation.json"}
    assert {p.name for p in summary.reports} == pages

    # The same work as the in-process run, to the row ...
    plain = make_workspace(tmp_path / "plain", trained_models, labels=True)
    recorder = RecordingExecutor()
    assert run_pipeline(plain, executor=recorder).ok
    assert_same_outputs(settings.processed_dir, plain.processed_dir)
    assert sorted(p.name for p in settings.reports_dir.iterdir()) == sorted(p.name for p in plain.reports_dir.iterdir())
    # ... and step for step: the flow has no sequence of its own, each step the library's run
    # hands its executor is one task run (one per file, never per thread or post).
    names = wait_for_task_runs(reference_run.flow_run_id, expected=len(recorder.steps))
    assert names == sorted(recorder.steps), (names, recorder.steps)
    assert names == sorted(
        [
            "build-reports",
            "evaluate-model",
            "load-model",
            "plan-run",
            "process-files[pakpassion-why-not-ussr.txt and 1 more]",
            "record-run",
        ]
    ), names

    artifacts = flow_run_artifacts(reference_run.flow_run_id)
    assert set(artifacts) == {
        "discourse-run-summary", "discourse-files", "discourse-stance-shares", "discourse-report-index"
    }
    markdown = artifacts["discourse-run-summary"].data
    assert markdown.startswith("# discourse run: 2 thread(s) processed from 2 file(s)")
    assert "| failed threads | 0 |" in markdown and "## Stance shares per thread" in markdown
    shares = pl.read_parquet(settings.processed_dir / "thread_summary.parquet")
    table = artifacts["discourse-stance-shares"].data
    rows = json.loads(table) if isinstance(table, str) else table
    assert [r["thread"] for r in rows] == shares["thread_id"].to_list()
    assert [r["pro_us_pct"] for r in rows] == [round(100 * s, 1) for s in shares["share_pro_us"]]
    assert f"]({(settings.reports_dir / 'index.html').resolve().as_uri()})" in artifacts["discourse-report-index"].data


@pytest.mark.prefect
def test_rerun_with_nothing_changed_recomputes_nothing(reference_run, tmp_path: Path) -> None:
    settings = copy_workspace(reference_run.settings, tmp_path / "copy")
    before = _mtimes(settings.processed_dir, "*.parquet") | _mtimes(settings.reports_dir)
    summary, flow_run_id = run_flow(settings)
    assert summary.plan.nothing_to_do and not summary.results and not summary.reports
    assert _mtimes(settings.processed_dir, "*.parquet") | _mtimes(settings.reports_dir) == before
    # The model's version is known from the models folder: the plan needs no model loaded.
    assert wait_for_task_runs(flow_run_id, expected=1) == ["plan-run"]
    markdown = flow_run_artifacts(flow_run_id)["discourse-run-summary"].data
    assert markdown.startswith("# discourse run: nothing changed") and "| files unchanged (skipped) | 2 |" in markdown


@pytest.mark.prefect
def test_new_changed_and_deleted_files_are_processed_alone(reference_run, tmp_path: Path) -> None:
    from conftest import TINY_THREAD

    settings = copy_workspace(reference_run.settings, tmp_path / "copy")
    forum_page = _mtimes(settings.reports_dir, f"{FORUM_ID}.html")
    original = (settings.raw_dir / ARTICLE).read_bytes()
    (settings.raw_dir / ARTICLE).write_bytes(original + NEW_PARAGRAPH.encode())
    (settings.raw_dir / "seato-tiny.txt").write_text(TINY_THREAD, encoding="utf-8")

    changed, _ = run_flow(settings)
    assert changed.ok
    assert sorted(r.source_path for r in changed.results) == ["seato-tiny.txt", ARTICLE]
    assert [row["source_path"] for row in changed.plan.unchanged] == ["pakpassion-why-not-ussr.txt"]
    assert _mtimes(settings.reports_dir, f"{FORUM_ID}.html") == forum_page  # not analysed again
    posts = pl.read_parquet(settings.processed_dir / "posts.parquet")
    reference_posts = pl.read_parquet(reference_run.settings.processed_dir / "posts.parquet")
    count = lambda frame, tid: frame.filter(pl.col("thread_id") == tid).height  # noqa: E731
    assert count(posts, ARTICLE_ID) == count(reference_posts, ARTICLE_ID) + 1
    assert count(pl.read_parquet(settings.processed_dir / "classified.parquet"), ARTICLE_ID) == count(posts, ARTICLE_ID)
    index = (settings.reports_dir / "index.html").read_text()
    assert "seato-tiny" in index and (settings.reports_dir / "seato-tiny.html").exists()

    # Back to the original content, new file gone: processed again (never a result cached for
    # the changed bytes), the thread leaves the index, and every table equals the reference.
    (settings.raw_dir / ARTICLE).write_bytes(original)
    (settings.raw_dir / "seato-tiny.txt").unlink()
    reverted, _ = run_flow(settings)
    assert [r.source_path for r in reverted.results] == [ARTICLE]
    assert reverted.plan.removed_threads == ["seato-tiny"]
    assert "seato-tiny" not in (settings.reports_dir / "index.html").read_text()
    assert not (settings.reports_dir / "seato-tiny.html").exists()
    # (ingest_report differs by design: the forum file is "unchanged" this time.)
    tables = tuple(t for t in TABLES if t != "ingest_report")
    assert_same_outputs(settings.processed_dir, reference_run.settings.processed_dir, tables)


@pytest.mark.prefect
def test_failing_thread_is_recorded_and_the_others_finish(
    reference_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = copy_workspace(reference_run.settings, tmp_path / "copy")
    real_analyse = lib._analyse
    calls: dict[str, int] = {}

    def analyse(job, tables):
        [thread_id] = tables["threads"]["thread_id"].to_list()  # one thread per bundled file
        calls[thread_id] = calls.get(thread_id, 0) + 1
        if thread_id == FORUM_ID:
            raise ValueError("model exploded on this thread")
        if calls[thread_id] == 1:
            raise OSError("transient read error")  # the file's task is retried, then succeeds
        return real_analyse(job, tables)

    monkeypatch.setattr(lib, "_analyse", analyse)
    summary, flow_run_id = run_flow(settings, force=True)
    assert summary.thread_errors == {FORUM_ID: "ValueError: model exploded on this thread"}
    # No retry for a ValueError (the file's batch, then the thread alone); one for the OSError.
    assert calls == {FORUM_ID: 2, ARTICLE_ID: 2}
    assert summary.processed_threads == [ARTICLE_ID]
    manifest = pl.read_parquet(settings.processed_dir / "manifest.parquet").sort("source_path")
    assert manifest["status"].to_list() == ["failed", "ok"]
    assert "ValueError: model exploded" in manifest["reason"][0]
    assert pl.read_parquet(settings.processed_dir / "threads.parquet")["thread_id"].to_list() == [ARTICLE_ID]
    artifacts = flow_run_artifacts(flow_run_id)
    markdown = artifacts["discourse-run-summary"].data
    assert f"- thread `{FORUM_ID}`: ValueError: model exploded on this thread" in markdown
    assert "| failed threads | 1 |" in markdown
    files = json.loads(artifacts["discourse-files"].data)
    assert [(f["file"], f["status"]) for f in files] == [("pakpassion-why-not-ussr.txt", "failed"), (ARTICLE, "ok")]


@pytest.mark.prefect
def test_new_model_version_reclassifies_everything_through_the_flow(
    reference_run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = copy_workspace(reference_run.settings, tmp_path / "copy")
    real_load = lib.load_model

    def load_model(settings):
        model, metadata = real_load(settings)
        return model, {**metadata, "model_version": f"{metadata['model_version']}+next"}

    monkeypatch.setattr(lib, "load_model", load_model)
    monkeypatch.setattr(lib, "known_model_version", lambda settings: None)  # what a new model changes
    summary, _ = run_flow(settings)
    assert sorted(r.source_path for r in summary.results) == ["pakpassion-why-not-ussr.txt", ARTICLE]
    assert not summary.plan.unchanged and summary.ok
    versions = pl.read_parquet(settings.processed_dir / "manifest.parquet")["model_version"].unique().to_list()
    assert len(versions) == 1 and versions[0].split("|")[0].endswith("+next")
    # Written afresh with the same weights: the same figures.
    assert_same_outputs(settings.processed_dir, reference_run.settings.processed_dir, ("classified", "thread_summary"))


# --- the README's command on the embedded API ---------------------------------------------------------
@pytest.mark.prefect
def test_discourse_run_uses_the_embedded_api_and_shows_progress(trained_models: Path, tmp_path: Path) -> None:
    settings = make_workspace(tmp_path / "project", trained_models)
    env = prefect_env(tmp_path / "prefect-home", None)  # no PREFECT_API_URL: embedded server
    args = [str(BIN / "discourse"), "run", "--root", str(tmp_path / "project"), "--raw-dir", str(settings.raw_dir),
            "--processed-dir", str(settings.processed_dir), "--reports-dir", str(settings.reports_dir),
            "--models-dir", str(settings.models_dir)]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=240, cwd=tmp_path)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "Starting temporary server" in output  # Prefect's embedded API, nothing started by hand
    assert "Beginning flow run" in output and "files: 2/2 done" in output
    assert "processed 2 file(s), 2 thread(s)" in output
    assert (settings.reports_dir / "index.html").is_file()


def test_a_run_with_nothing_to_do_never_starts_prefect(trained_models: Path, tmp_path: Path) -> None:
    """``discourse run`` plans first; with nothing changed it neither imports nor starts Prefect."""
    import os
    import sys

    settings = make_workspace(tmp_path / "project", trained_models)
    assert run_pipeline(settings).ok
    args = ["run", "--root", str(tmp_path / "project"), "--raw-dir", str(settings.raw_dir),
            "--processed-dir", str(settings.processed_dir), "--reports-dir", str(settings.reports_dir),
            "--models-dir", str(settings.models_dir)]
    env = {k: v for k, v in os.environ.items() if k != "DISCOURSE_HOME"}
    done = subprocess.run([sys.executable, "-c", _LOCKED_RUN, *args], env=env, capture_output=True, text=True,
                          timeout=120, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "nothing changed" in done.stdout and "IMPORTED []" in done.stdout
    print(done.stdout.strip().splitlines()[-1])  # the wall time, for the record


# --- a label file that is not CSV --------------------------------------------------------------------
BROKEN_LABELS = 'thread_id,post_id,stance\nx,1,pro_us\n"unterminated\n'


@pytest.mark.prefect
def test_a_bad_label_file_costs_the_evaluation_page_not_the_run(trained_models: Path, tmp_path: Path) -> None:
    """Regression: an unreadable label CSV raised inside the evaluation refresh, so the run died
    after writing its pages and before its manifest, and every later run did the same."""
    outcomes = []
    for name in ("flow", "plain"):
        settings = make_workspace(tmp_path / name, trained_models, labels=True)
        (settings.labels_dir / "broken.csv").write_text(BROKEN_LABELS, encoding="utf-8")
        if name == "flow":
            summary, flow_run_id = run_flow(settings, force=True)
        else:
            summary = run_pipeline(settings)
        assert summary.ok and sorted(summary.processed_threads) == [FORUM_ID, ARTICLE_ID]
        assert "broken.csv cannot be read" in (summary.evaluation_error or "")
        assert pl.read_parquet(settings.processed_dir / "manifest.parquet")["status"].to_list() == ["ok", "ok"]
        assert (settings.reports_dir / "index.html").is_file()
        assert not (settings.reports_dir / "evaluation.html").exists()
        if name == "flow":
            markdown = flow_run_artifacts(flow_run_id)["discourse-run-summary"].data
            assert "- evaluation page (not refreshed): label file" in markdown
        outcomes.append(summary.evaluation_error.replace(str(tmp_path / name), ""))
    assert outcomes[0] == outcomes[1]


def test_cli_names_a_bad_label_file(trained_models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from discourse.cli import main

    base = tmp_path / "cli"
    settings = make_workspace(base, trained_models, labels=True)
    (settings.labels_dir / "broken.csv").write_text(BROKEN_LABELS, encoding="utf-8")
    shutil.copytree(settings.labels_dir, base / "data" / "labels")  # where `run` looks under --root
    folders = ["--processed-dir", str(settings.processed_dir), "--models-dir", str(settings.models_dir)]
    reports = ["--reports-dir", str(settings.reports_dir)]
    assert main(["run", "--no-prefect", "--root", str(base), "--raw-dir", str(settings.raw_dir), *folders, *reports]) == 1
    assert "evaluation page not refreshed: label file" in capsys.readouterr().err
    for command in (["evaluate", *folders, *reports, "--labels-dir", str(settings.labels_dir)],
                    ["train", "--labels", str(settings.labels_dir), *folders]):
        assert main(command) == 2
        err = capsys.readouterr().err
        assert "discourse: error: label file" in err and "broken.csv cannot be read" in err
        assert "Traceback" not in err
