"""Crashes, concurrent runs, unwritable outputs and a closed network, on the whole pipeline.

These run the real command line in subprocesses (``discourse run --no-prefect``) on temporary
copies of the bundled data, sharing one trained model folder so the model is trained once.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import polars as pl
import pytest

from conftest import RAW, TINY_THREAD
from discourse.store import THREAD_TABLES

pytestmark = pytest.mark.slow

TIME_COLUMNS = {"ingested_at", "checked_at", "processed_at"}
TABLES = (*THREAD_TABLES, "manifest")


def _make_root(base: Path, name: str) -> Path:
    root = base / name
    (root / "data" / "raw").mkdir(parents=True)
    for path in RAW.iterdir():
        shutil.copy(path, root / "data" / "raw" / path.name)
    # Authored example threads, so a run has several files to work through.
    for i in range(6):
        (root / "data" / "raw" / f"extra-{i}.txt").write_text(TINY_THREAD.replace("1954", str(1950 + i)), encoding="utf-8")
    return root


def _command(root: Path, models: Path) -> list[str]:
    return [sys.executable, "-m", "discourse.cli", "run", "--no-prefect", "--root", str(root), "--models-dir", str(models)]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.pop("DISCOURSE_HOME", None)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    return env


def _snapshot(root: Path) -> dict[str, pl.DataFrame]:
    processed = root / "data" / "processed"
    frames = {}
    for table in TABLES:
        frame = pl.read_parquet(processed / f"{table}.parquet")
        frames[table] = frame.drop([c for c in frame.columns if c in TIME_COLUMNS])
    return frames


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A trained model shared by every run in this module."""
    folder = tmp_path_factory.mktemp("models")
    root = _make_root(tmp_path_factory.mktemp("warm"), "root")
    subprocess.run(_command(root, folder), check=True, env=_env(), capture_output=True, timeout=600)
    return folder


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory, models) -> tuple[Path, float]:
    root = _make_root(tmp_path_factory.mktemp("clean"), "root")
    start = time.perf_counter()
    subprocess.run(_command(root, models), check=True, env=_env(), capture_output=True, timeout=600)
    return root, time.perf_counter() - start


def _watch_for_partial_files(root: Path, stop: threading.Event, problems: list[str]) -> None:
    """Keep opening every visible output; a partial Parquet or HTML file is a problem.

    A table's path is a link the run switches to the next export: it is resolved once before
    reading, as docs/tables.md tells readers to (Polars opens a Parquet file more than once, and
    a switch between two opens would hand it two files).
    """
    while not stop.is_set():
        try:
            paths = list((root / "data" / "processed").rglob("*.parquet")) + list((root / "reports").glob("*.html"))
        except FileNotFoundError:
            continue  # an old export folder removed while it was listed: list again
        for path in paths:
            if path.name.startswith(".") or any(p.startswith(".") for p in path.relative_to(root).parts):
                continue
            try:
                if path.suffix == ".parquet":
                    pl.read_parquet(path.resolve(strict=True))
                else:
                    data = path.read_bytes()
                    if not data.rstrip().endswith(b"</html>"):
                        problems.append(f"partial html {path}")
            except FileNotFoundError:
                continue  # replaced or removed between listing and opening: fine
            except Exception as error:  # noqa: BLE001 - any unreadable file is what we look for
                problems.append(f"{path}: {error}")
        time.sleep(0.02)


def _check_one_run(tables: dict[str, pl.DataFrame], where: str) -> list[str]:
    """What shows that ``tables`` mix two runs: counts that disagree between tables."""
    problems = []
    threads = tables["threads"]
    expected = dict(threads.select("thread_id", "n_posts").iter_rows())
    for name in ("posts", "classified", "shifts"):
        counts = dict(tables[name].group_by("thread_id").len().iter_rows())
        if counts != {t: n for t, n in expected.items() if n}:
            problems.append(f"{where}: {name} rows per thread {counts} differ from threads {expected}")
    listed = {t for row in tables["manifest"].iter_rows(named=True) for t in row["thread_ids"] or []}
    if listed != set(expected):
        problems.append(f"{where}: manifest names {sorted(listed)}, threads table has {sorted(expected)}")
    return problems


def _read_database(processed: Path) -> dict[str, pl.DataFrame]:
    import duckdb

    from discourse.store.database import DB_FILE, select_sql

    if not (processed / DB_FILE).exists():
        return {}
    conn = duckdb.connect(str(processed / DB_FILE), read_only=True)
    try:
        return {table: conn.sql(select_sql(table)).pl() for table in ("threads", "posts", "classified", "shifts", "manifest")}
    finally:
        conn.close()


def _read_exports(processed: Path) -> dict[str, pl.DataFrame]:
    import pyarrow.parquet as pq

    if not (processed / "current").exists():
        return {}
    folder = (processed / "current").resolve()  # resolved once: one run's set
    runs = {pq.read_metadata(path).metadata[b"discourse_run"] for path in folder.glob("*.parquet")}
    assert len(runs) == 1, f"export {folder} mixes runs {runs}"
    return {table: pl.read_parquet(folder / f"{table}.parquet") for table in ("threads", "posts", "classified", "shifts", "manifest")}


def test_sigkill_at_random_points_then_rerun_gives_the_clean_outputs(tmp_path, models, clean_run):
    # Ten kills at random moments of a run (and of the reruns that finish its work): after each,
    # the database and the Parquet exports each hold one run's complete state, never a mix.
    clean_root, clean_seconds = clean_run
    root = _make_root(tmp_path, "killed")
    processed = root / "data" / "processed"
    rng = random.Random(20261123)
    problems: list[str] = []
    stop = threading.Event()
    watcher = threading.Thread(target=_watch_for_partial_files, args=(root, stop, problems), daemon=True)
    watcher.start()
    try:
        for kill in range(10):
            if kill == 5:  # a changed file makes the later runs do real work again
                (root / "data" / "raw" / "extra-0.txt").write_text(TINY_THREAD.replace("1954", "1999"), encoding="utf-8")
            proc = subprocess.Popen(_command(root, models), env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.3, max(0.5, clean_seconds)))
            proc.send_signal(signal.SIGKILL)
            proc.wait(30)
            for where, tables in (("database", _read_database(processed)), ("exports", _read_exports(processed))):
                if tables:
                    problems += _check_one_run(tables, f"after kill {kill}, {where}")
        (root / "data" / "raw" / "extra-0.txt").write_text(TINY_THREAD.replace("1954", "1950"), encoding="utf-8")
        final = subprocess.run(_command(root, models), env=_env(), capture_output=True, text=True, timeout=600)
    finally:
        stop.set()
        watcher.join(5)
    assert final.returncode == 0, final.stderr
    assert not problems, problems[:5]
    clean, killed = _snapshot(clean_root), _snapshot(root)
    for table in TABLES:
        if table == "manifest":
            assert killed[table].drop("model_version").equals(clean[table].drop("model_version")), table
            continue
        assert killed[table].equals(clean[table]), table
    assert sorted(p.name for p in (root / "reports").glob("*.html")) == sorted(
        p.name for p in (clean_root / "reports").glob("*.html")
    )
    assert not list((root / "data" / "processed").rglob(".tmp-*"))
    assert not _check_one_run(_read_database(processed), "final database")


def test_two_runs_at_once_one_waits_out_with_a_clear_message(tmp_path, models):
    root = _make_root(tmp_path, "twin")
    first = subprocess.Popen(_command(root, models), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lock = root / "data" / "processed" / ".lock"
    deadline = time.time() + 60
    while not (lock.exists() and lock.read_text().strip()) and time.time() < deadline:
        time.sleep(0.05)
    second = subprocess.run(_command(root, models), env=_env(), capture_output=True, text=True, timeout=300)
    out, err = first.communicate(timeout=600)
    assert first.returncode == 0, err
    assert second.returncode == 3
    assert "another discourse run" in second.stderr
    for table in TABLES:
        pl.read_parquet(root / "data" / "processed" / f"{table}.parquet")  # nothing corrupted


def test_unwritable_reports_folder_is_a_clear_error_and_inputs_are_untouched(tmp_path, models):
    root = _make_root(tmp_path, "nowrite")
    before = {p.name: p.read_bytes() for p in (root / "data" / "raw").iterdir()}
    (root / "reports").write_text("a file where the reports folder should be")
    result = subprocess.run(_command(root, models), env=_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode == 3
    assert "reports" in result.stderr and "Traceback" not in result.stderr
    assert {p.name: p.read_bytes() for p in (root / "data" / "raw").iterdir()} == before
    # Once the folder is fixed, a rerun writes the pages that were missing.
    (root / "reports").unlink()
    again = subprocess.run(_command(root, models), env=_env(), capture_output=True, text=True, timeout=600)
    assert again.returncode == 0, again.stderr
    assert (root / "reports" / "index.html").exists()
    assert (root / "reports" / "pakpassion-why-not-ussr.html").exists()


def test_disk_full_while_writing_a_report_is_reported_and_rerun_recovers(tmp_path, models, monkeypatch):
    import errno

    from discourse import atomic
    from discourse.config import Settings
    from discourse.pipeline import run_pipeline

    root = _make_root(tmp_path, "full")
    settings = Settings.default(root, models_dir=models)
    real = atomic.write_atomic

    def full_disk(path, write, **options):
        if Path(path).suffix == ".html":
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        return real(path, write, **options)

    monkeypatch.setattr(atomic, "write_atomic", full_disk)
    with pytest.raises(OSError, match="No space left"):
        run_pipeline(settings)
    assert not list(root.rglob("*.html")), "no page, not even a partial one, may be left"
    assert not (root / "data" / "processed" / "manifest.parquet").exists(), "a failed run must be redone"
    monkeypatch.setattr(atomic, "write_atomic", real)
    summary = run_pipeline(settings)
    assert summary.ok
    assert (root / "reports" / "index.html").exists()
    assert (root / "reports" / "pakpassion-why-not-ussr.html").exists()


def _netns_available() -> bool:
    if not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True)
    return probe.returncode == 0


def test_whole_pipeline_runs_with_the_network_blocked(tmp_path, models):
    root = _make_root(tmp_path, "offline")
    # A socket guard in every Python process of the run: any connection attempt to a non-local
    # address raises, and the guard records it.
    guard = tmp_path / "guard"
    guard.mkdir()
    log = tmp_path / "connections.log"
    (guard / "sitecustomize.py").write_text(
        "import socket\n"
        "_real = socket.socket.connect\n"
        "def _connect(self, address):\n"
        "    host = address[0] if isinstance(address, tuple) else str(address)\n"
        "    if self.family == socket.AF_UNIX or host in ('127.0.0.1', '::1', 'localhost'):\n"
        "        return _real(self, address)\n"
        f"    open({str(log)!r}, 'a').write(repr(address) + '\\n')\n"
        "    raise OSError('network blocked by test')\n"
        "socket.socket.connect = _connect\n"
    )
    env = _env()
    env["PYTHONPATH"] = f"{guard}{os.pathsep}{env['PYTHONPATH']}"
    command = _command(root, models)
    if _netns_available():
        command = ["unshare", "-n", *command]  # no network interface at all, not even a guard to trust
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert not log.exists(), log.read_text()
    assert (root / "reports" / "index.html").exists()
