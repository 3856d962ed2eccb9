"""Benchmark the discourse pipeline against a naive per-post baseline, in one run, on one core.

Usage::

    python bench/run.py --posts 100000            # generates bench/corpora/p100000-t1000-s1 if missing
    python bench/run.py --posts 10000 --quick      # smaller baseline sample (the CI smoke run)
    nice -n 10 python bench/run.py --posts 1000000

Every measured configuration runs in a fresh child process (``bench/run.py --child NAME``)
pinned to one CPU (``--cpu``, default 0, via ``sched_setaffinity`` before the interpreter
starts, so Polars and BLAS see a single core), so that peak RSS figures do not mix:

``model``     trains (or loads) the project's stance model into the work folder; not timed as
              part of any stage, reported on its own.
``baseline``  the naive baseline (see :mod:`baseline`): VADER on the raw text plus a word+char
              TF-IDF logistic regression, one ``.predict([text])`` per post.
``stages``    ``run_pipeline`` on a fresh temporary root whose raw folder is the corpus, with the
              functions it calls wrapped by timers in that process (the library is not
              changed): ``plan_run``, ``process_files``, ``record_run``, the commit, the Parquet
              export, ``build_reports``, and inside them ``read_entry`` (ingest),
              ``find_quotes``/``remove_spans`` (quotes), ``classify_posts`` and the
              ``score_sentiment`` it calls (stance = the rest of ``classify_posts``),
              ``compute_shifts`` (metrics), ``write_thread_report`` and ``write_index`` (report).
              What is left (model load, planning, batching rows into the database, the commit,
              the export, the manifest) is the ``storage`` row. A second ``run_pipeline`` call
              follows in the same process (nothing changed).
``e2e``       the same ``run_pipeline`` call without any timer inside, on another fresh root,
              then again with nothing changed. Skipped with ``--single-run`` (the default for
              ``--quick`` and for 1M posts and more), where the instrumented run's total is the
              end-to-end figure.
``baseline`` (again) after the pipeline runs, on the same sample: the baseline is timed before
              and after them and its speed is the geometric mean of the two, so a machine that
              gets slower or faster while the benchmark runs (seen here: from 240 to 375
              posts/s in runs an hour apart) biases the ratio less; both timings and
              their drift are reported. ``--only`` without ``stages`` and ``e2e`` times it once.
``rerun``     a fresh process calling ``run_pipeline`` again on that root (nothing changed):
              the parent measures the process's wall time, the child the call itself; their
              difference is the process start-up (interpreter plus the import of
              ``discourse.pipeline``); imports ``run_pipeline`` does lazily count in the call.

Results go to ``bench/results/<timestamp>-<posts>.json`` and a table is printed. Times are wall
clock (``perf_counter``) and CPU (``process_time``); posts/s use wall clock unless marked CPU.
The baseline may be timed on a fixed random sample of posts (``--baseline-sample``) and its
posts/s extrapolated; the JSON says so.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

TARGETS = {
    "e2e_vs_baseline_min_100k": 10.0,
    "e2e_cpu_posts_per_s_min_100k": 3000.0,
    "e2e_vs_baseline_min_10k": 6.0,
    "sentiment_stance_vs_baseline_min": 20.0,
    "scaling_1m_over_100k_max": 10.3,
    "peak_rss_1m_max_bytes": 1024**3,
    "rerun_1000_threads_max_s": 1.0,
    "reports_1000_threads_max_bytes": 60_000_000,
}
STAGES = ("ingest", "quotes", "sentiment", "stance", "metrics", "report", "storage")


# ==================================================================================================
# Child side: one measured configuration per process
# ==================================================================================================
class Timers:
    """Accumulated wall and CPU seconds per name; a call nested in a call of the same name is not added twice."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = defaultdict(float)
        self.cpu: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._active: dict[str, int] = defaultdict(int)
        self.stack: list[str] = []  # names being timed, outermost first (read by RssSampler)

    def wrap(self, name: str, fn):  # noqa: ANN001, ANN201 - any callable
        def timed(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            if self._active[name]:
                return fn(*args, **kwargs)
            self._active[name] += 1
            self.stack.append(name)
            w, c = time.perf_counter(), time.process_time()
            try:
                return fn(*args, **kwargs)
            finally:
                self.wall[name] += time.perf_counter() - w
                self.cpu[name] += time.process_time() - c
                self.calls[name] += 1
                self._active[name] -= 1
                self.stack.pop()

        timed.__wrapped__ = fn  # type: ignore[attr-defined]
        return timed


class RssSampler:
    """Samples this process's resident memory every ``interval`` s from a thread and attributes
    each sample to the outermost timed call running at that moment (the pipeline step)."""

    def __init__(self, timers: Timers, interval: float = 0.2) -> None:
        import threading

        self.timers = timers
        self.interval = interval
        self.peak: dict[str, int] = defaultdict(int)
        self.timeline: list[tuple[float, str, int]] = []
        self._stop = threading.Event()
        self._page = os.sysconf("SC_PAGE_SIZE")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._started = time.perf_counter()

    def _rss(self) -> int:
        with open("/proc/self/statm") as handle:
            return int(handle.read().split()[1]) * self._page

    def _run(self) -> None:
        last = -1.0
        while not self._stop.wait(self.interval):
            stack = self.timers.stack
            where = stack[0] if stack else "other"
            rss = self._rss()
            self.peak[where] = max(self.peak[where], rss)
            now = time.perf_counter() - self._started
            if now - last >= 5.0:
                self.timeline.append((round(now, 1), where, rss))
                last = now

    def __enter__(self) -> RssSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


class ThroughputTimeline:
    """``run_pipeline``'s progress callback: input bytes done against wall and CPU time.

    Input bytes stand in for posts (the generator's files have the same mix of post lengths
    throughout). :meth:`fifths` gives the throughput of each fifth of the files, so a run that
    slows down as it goes (a growing structure, a collector rescanning the heap, the disk
    falling behind) shows it, while a uniformly slower run points at the machine instead.
    """

    def __init__(self, raw_dir: Path) -> None:
        # File sizes are read here, before the timed run, not once per file inside it.
        self.sizes = {str(p.relative_to(raw_dir)): p.stat().st_size for p in raw_dir.rglob("*") if p.is_file()}
        self.points: list[tuple[int, int, float, float]] = []  # files, bytes, wall, cpu
        self._bytes = 0

    def start(self) -> None:
        self.points = [(0, 0, time.perf_counter(), time.process_time())]
        self._bytes = 0

    def __call__(self, source_path: str, done: int, total: int) -> None:
        self._bytes += self.sizes.get(source_path, 0)
        self.points.append((done, self._bytes, time.perf_counter(), time.process_time()))

    def fifths(self) -> list[dict[str, float]]:
        if len(self.points) < 6:
            return []
        n = len(self.points) - 1
        marks = [round(n * k / 5) for k in range(6)]
        rows = []
        for lo, hi in zip(marks, marks[1:]):
            (f0, b0, w0, c0), (f1, b1, w1, c1) = self.points[lo], self.points[hi]
            rows.append({"files": f1 - f0, "mb": (b1 - b0) / 1e6,
                         "mb_per_s": (b1 - b0) / 1e6 / max(w1 - w0, 1e-9),
                         "mb_per_cpu_s": (b1 - b0) / 1e6 / max(c1 - c0, 1e-9)})
        return rows


def _settings(cfg: dict[str, Any], root: Path):  # noqa: ANN202
    from discourse.config import Settings

    return Settings.default(
        root,
        raw_dir=Path(cfg["raw_dir"]),
        processed_dir=root / "processed",
        reports_dir=root / "reports",
        models_dir=Path(cfg["models_dir"]),
    )


def _peak_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB


def folder_size(folder: Path) -> dict[str, int]:
    """Bytes and files under ``folder``, symbolic links not followed (what copying it moves)."""
    size = files = 0
    for path in Path(folder).rglob("*"):
        if path.is_file() and not path.is_symlink():
            size += path.stat().st_size
            files += 1
    return {"bytes": size, "files": files}


def child_model(cfg: dict[str, Any]) -> dict[str, Any]:
    """Train (or load) the stance model the pipeline will use, as a run's first step does; time it.

    Afterwards the models folder is as a user's first run leaves it: the model, its arrays and
    the record of its version, so the timed runs load the arrays without scikit-learn.
    """
    from discourse.models import load_model

    w, c = time.perf_counter(), time.process_time()
    _, metadata = load_model(_settings(cfg, Path(cfg["models_dir"]).parent / "model-root"))
    return {
        "seconds": time.perf_counter() - w,
        "cpu_seconds": time.process_time() - c,
        "model_version": metadata.get("model_version"),
        "n_training": metadata.get("n_training"),
    }


def child_baseline(cfg: dict[str, Any]) -> dict[str, Any]:
    import baseline

    return baseline.measure(
        Path(cfg["raw_dir"]), sample=cfg["baseline_sample"], seed=cfg["seed"], total_posts=cfg["posts"]
    )


def child_stages(cfg: dict[str, Any]) -> dict[str, Any]:
    """``run_pipeline`` over the whole corpus with the library functions it calls wrapped in timers."""
    import polars as pl

    import discourse.classify as classify_mod
    import discourse.ingest.build as build_mod
    import discourse.pipeline as pipeline_mod
    import discourse.report as report_mod
    import discourse.sentiment as sentiment_mod
    import discourse.shifts as shifts_mod
    import discourse.models as models_mod
    import discourse.stance.linear as linear_mod
    import discourse.store.database as database_mod
    import discourse.store.exports as exports_mod
    import discourse.text as text_mod

    t = Timers()
    # Instrument, in this process only, the public functions run_pipeline reaches. Every module
    # attribute of a loaded discourse module that refers to one of them is replaced by one timed
    # wrapper (so ``from x import f`` copies are caught too, and nothing is counted twice); the
    # library's files are not changed.
    def instrument(name: str, fn, replacement=None) -> None:  # noqa: ANN001
        wrapper = t.wrap(name, replacement or fn)
        for module_name, module in list(sys.modules.items()):
            if module is None or not module_name.startswith("discourse"):
                continue
            for attr, value in list(vars(module).items()):
                if value is fn:
                    setattr(module, attr, wrapper)

    for name in ("plan_run", "process_files", "read_entry", "build_reports", "record_run"):
        instrument(name, getattr(pipeline_mod, name))
    instrument("export", exports_mod.export_tables)
    database_mod.Transaction.commit = t.wrap("commit", database_mod.Transaction.commit)
    instrument("quotes", build_mod.find_quotes)
    instrument("quotes", build_mod.remove_spans)
    instrument("sentiment", sentiment_mod.score_sentiment)
    instrument("classify_posts", classify_mod.classify_posts)
    instrument("metrics", shifts_mod.compute_shifts)
    instrument("report.pages", report_mod.write_thread_report)
    instrument("report.pages", report_mod.write_thread_reports)
    instrument("report.index", report_mod.write_index)
    instrument("model_load", models_mod.load_model)
    linear_mod.LinearStance.predict_explained = t.wrap("stance.model", linear_mod.LinearStance.predict_explained)

    settings = _settings(cfg, Path(cfg["work_root"]))
    progress = ThroughputTimeline(Path(cfg["raw_dir"]))
    with RssSampler(t) as sampler:
        w0, c0 = time.perf_counter(), time.process_time()
        progress.start()
        summary = pipeline_mod.run_pipeline(settings, progress=progress)
        total_wall, total_cpu = time.perf_counter() - w0, time.process_time() - c0
    rss_after_first = _peak_rss()
    reports = folder_size(settings.reports_dir)
    # The same call again with nothing changed, in the same (warm) process.
    w, c = time.perf_counter(), time.process_time()
    again = pipeline_mod.run_pipeline(settings)
    again_wall, again_cpu = time.perf_counter() - w, time.process_time() - c

    # Results keep only their threads table once processed (posts and quotes are on disk).
    ok_results = [r for r in summary.results if r.ok]
    n_posts = sum(r.n_posts for r in ok_results)
    n_quotes = pl.scan_parquet(settings.processed_dir / "quotes.parquet").select(pl.len()).collect().item()

    def part(kind: str) -> dict[str, float]:
        d = t.wall if kind == "wall" else t.cpu
        stages = {
            "ingest": d["read_entry"] - d["quotes"],
            "quotes": d["quotes"],
            "sentiment": d["sentiment"],
            "stance": d["classify_posts"] - d["sentiment"],
            "metrics": d["metrics"],
            "report": d["report.pages"] + d["report.index"],
        }
        stages["storage"] = (total_wall if kind == "wall" else total_cpu) - sum(stages.values())
        return stages

    # Counted only during the first call (the second does no classification).
    cache = {}
    for name, fn in (("sentence_scores", sentiment_mod.sentence_scores), ("split_sentences", text_mod._split_cached)):
        info = fn.cache_info()
        cache[name] = {"hits": info.hits, "misses": info.misses,
                       "hit_rate": info.hits / max(1, info.hits + info.misses)}
    return {
        "posts": n_posts,
        "threads": len(summary.processed_threads),
        "quotes_found": n_quotes,
        "ok": summary.ok,
        "failed_files": [r.source_path for r in summary.failed_files][:20],
        "thread_errors": dict(list(summary.thread_errors.items())[:20]),
        "n_thread_errors": len(summary.thread_errors),
        "reports_written": len(summary.reports),
        "reports_folder": reports,
        "wall": part("wall"),
        "cpu": part("cpu"),
        "total_seconds": total_wall,
        "total_cpu_seconds": total_cpu,
        "peak_rss_after_first_run": rss_after_first,
        "rerun_in_process_seconds": again_wall,
        "rerun_in_process_cpu_seconds": again_cpu,
        "rerun_in_process_nothing_to_do": again.plan.nothing_to_do,
        "raw_timers_wall": dict(t.wall),
        "raw_timers_cpu": dict(t.cpu),
        "calls": dict(t.calls),
        "lru_caches": cache,
        "peak_rss_by_step": dict(sampler.peak),
        "rss_timeline": sampler.timeline,
        "throughput_timeline": progress.fifths(),
    }


def child_e2e(cfg: dict[str, Any]) -> dict[str, Any]:
    """``run_pipeline`` cold on a fresh root, then again with nothing changed (same process)."""
    from discourse.pipeline import run_pipeline

    settings = _settings(cfg, Path(cfg["work_root"]))
    w, c = time.perf_counter(), time.process_time()
    first = run_pipeline(settings)
    cold_wall, cold_cpu = time.perf_counter() - w, time.process_time() - c
    rss_after_first = _peak_rss()
    reports = folder_size(settings.reports_dir)
    w, c = time.perf_counter(), time.process_time()
    second = run_pipeline(settings)
    again_wall, again_cpu = time.perf_counter() - w, time.process_time() - c
    return {
        "seconds": cold_wall,
        "cpu_seconds": cold_cpu,
        "ok": first.ok,
        "processed_threads": len(first.processed_threads),
        "failed_files": [r.source_path for r in first.failed_files][:20],
        "thread_errors": dict(list(first.thread_errors.items())[:20]),
        "n_thread_errors": len(first.thread_errors),
        "reports_written": len(first.reports),
        "reports_folder": reports,
        "peak_rss_after_first_run": rss_after_first,
        "rerun_in_process_seconds": again_wall,
        "rerun_in_process_cpu_seconds": again_cpu,
        "rerun_in_process_nothing_to_do": second.plan.nothing_to_do,
    }


def child_rerun(cfg: dict[str, Any]) -> dict[str, Any]:
    """A fresh process calling ``run_pipeline`` on the unchanged root of the previous run."""
    started = time.perf_counter()
    from discourse import store
    from discourse.pipeline import run_pipeline

    imported = time.perf_counter()
    settings = _settings(cfg, Path(cfg["work_root"]))
    before = store.read_table(settings.processed_dir, "manifest")["model_version"].unique().to_list()
    w, c = time.perf_counter(), time.process_time()
    summary = run_pipeline(settings)
    result = {
        "seconds": time.perf_counter() - w,
        "cpu_seconds": time.process_time() - c,
        "import_pipeline_seconds": imported - started,
        "nothing_to_do": summary.plan.nothing_to_do,
        "unchanged_files": len(summary.plan.unchanged),
        "to_process": len(summary.plan.to_process),
        "removed_threads": len(summary.plan.removed_threads),
        "stale_reports": len(summary.plan.stale_reports),
        "manifest_versions_before": before,
        "run_version": summary.plan.model_version,
    }
    if not summary.plan.nothing_to_do:
        result["why"] = (
            "the model/run version changed since the first run (library code or training data edited "
            "during the benchmark?)" if summary.plan.model_version not in before else
            "files or stored threads differ from the manifest"
        )
    return result


CHILDREN = {
    "model": child_model,
    "baseline": child_baseline,
    "stages": child_stages,
    "e2e": child_e2e,
    "rerun": child_rerun,
}


def child_main(name: str, config_path: Path) -> int:
    cfg = json.loads(config_path.read_text(encoding="utf-8"))
    out = Path(cfg["out"])
    try:
        result = CHILDREN[name](cfg)
        result["ok_child"] = True
    except Exception as error:  # noqa: BLE001 - the parent reports it
        import traceback

        result = {"ok_child": False, "error": f"{type(error).__name__}: {error}",
                  "traceback": traceback.format_exc()}
    result["peak_rss_bytes"] = _peak_rss()
    result["affinity"] = sorted(os.sched_getaffinity(0))
    module = sys.modules.get("discourse")
    result["discourse_imported_from"] = str(Path(module.__file__).parent) if module and module.__file__ else None
    # Whether the compiled kernels ran (an install without a C compiler uses the Python code).
    result["kernels_compiled"] = "discourse._kernels" in sys.modules
    out.write_text(json.dumps(result, default=str), encoding="utf-8")
    return 0 if result["ok_child"] else 1


# ==================================================================================================
# Parent side
# ==================================================================================================
LOADAVG_START: tuple[float, float, float] | None = None  # set by main()
SNAPSHOT: Path | None = None  # set by main(): the copied sources every child imports


def child_env() -> dict[str, str]:
    env = dict(os.environ, DO_NOT_TRACK="1", PYTHONHASHSEED="0")
    if SNAPSHOT is not None:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(SNAPSHOT), os.environ.get("PYTHONPATH", "")) if p)
    return env


def take_snapshot(scratch: Path) -> Path:
    """Copy ``src/discourse`` (code and package data) so edits made while the benchmark runs
    cannot mix two versions of the library; byte-compile it so no child pays for that."""
    import compileall

    target = scratch / "src"
    shutil.copytree(ROOT / "src" / "discourse", target / "discourse",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    compileall.compile_dir(str(target), quiet=1)
    return target


def _pin(cpu: int | None):  # noqa: ANN202
    def pre() -> None:
        if cpu is not None:
            os.sched_setaffinity(0, {cpu})

    return pre


def spawn(name: str, cfg: dict[str, Any], scratch: Path, cpu: int | None, log) -> dict[str, Any]:  # noqa: ANN001
    """Run one child configuration; return its result plus the parent's view of it."""
    cfg = dict(cfg, out=str(scratch / f"{name}.result.json"))
    cfg_path = scratch / f"{name}.config.json"
    cfg_path.write_text(json.dumps(cfg), encoding="utf-8")
    log(f"[{name}] running ...")
    env = child_env()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__).resolve()), "--child", name, "--config", str(cfg_path)],
        preexec_fn=_pin(cpu),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output, _ = proc.communicate()
    wall = time.perf_counter() - started
    result_path = Path(cfg["out"])
    if result_path.exists():
        result = json.loads(result_path.read_text(encoding="utf-8"))
    else:
        result = {"ok_child": False, "error": f"child exited with {proc.returncode} and wrote no result"}
    result["process_wall_seconds"] = wall
    result["exit_code"] = proc.returncode
    if not result.get("ok_child"):
        result["output_tail"] = output[-4000:]
        log(f"[{name}] FAILED: {result.get('error')}\n{result.get('traceback', '')}{output[-2000:]}")
    else:
        log(f"[{name}] done in {wall:.1f}s (peak RSS {result['peak_rss_bytes'] / 2**20:.0f} MiB)")
    return result


def measure_startup(cpu: int | None, repeats: int = 3) -> dict[str, float]:
    """Median wall time of a bare interpreter and of one that imports the pipeline."""
    def median_of(code: str) -> float:
        times = []
        for _ in range(repeats):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, preexec_fn=_pin(cpu), env=child_env())
            times.append(time.perf_counter() - started)
        return statistics.median(times)

    return {
        "python_bare_seconds": median_of("pass"),
        "import_pipeline_seconds": median_of("import discourse.pipeline"),
        "import_run_modules_seconds": median_of(
            "import discourse.pipeline, discourse.stance.linear, discourse.classify, discourse.shifts"
        ),
    }


def corpus_dir_for(posts: int, threads: int, seed: int) -> Path:
    return BENCH / "corpora" / f"p{posts}-t{threads}-s{seed}"


def ensure_corpus(path: Path, posts: int, threads: int, seed: int, log) -> dict[str, Any]:  # noqa: ANN001
    meta_path = path / "corpus.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("posts") == posts and meta.get("threads") == threads and meta.get("seed") == seed:
            import generate

            if meta.get("generator_version") == generate.GENERATOR_VERSION:
                return meta
    import generate

    log(f"generating corpus of {posts} posts / {threads} threads (seed {seed}) in {path}")
    started = time.perf_counter()
    meta = generate.generate_corpus(path, posts, threads, seed)
    log(f"generated in {time.perf_counter() - started:.1f}s")
    return meta


def _div(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


def _rate(posts: int, seconds: float | None) -> float | None:
    return posts / seconds if seconds and seconds > 0 else None


def machine_info() -> dict[str, Any]:
    info: dict[str, Any] = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "loadavg_start": LOADAVG_START,
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
        info["mem_total_gib"] = round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1)
    except (OSError, ValueError):
        pass
    from importlib.metadata import PackageNotFoundError, version

    for name in ("polars", "scikit-learn", "numpy", "nltk", "vaderSentiment", "altair", "vl-convert-python"):
        try:
            info[name] = version(name)
        except PackageNotFoundError:
            info[name] = None
    return info


def code_state(src: Path | None = None) -> dict[str, Any]:
    """Which library code was measured: git HEAD, whether the tree was dirty, a hash of the sources."""
    import hashlib

    digest = hashlib.sha256()
    src = src or ROOT / "src" / "discourse"
    for path in sorted(src.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".csv", ".txt") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(src).as_posix().encode())
            digest.update(path.read_bytes())
    state: dict[str, Any] = {"source_sha256": digest.hexdigest()[:16]}
    # The C sources of the compiled kernels (src/csrc, in the tree: the snapshot carries them built).
    kernels = hashlib.sha256()
    for path in sorted((ROOT / "src" / "csrc").glob("*")):
        kernels.update(path.name.encode())
        kernels.update(path.read_bytes())
    state["kernels_sha256"] = kernels.hexdigest()[:16]
    try:
        state["git_head"] = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                                           capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, check=True).stdout
        state["src_uncommitted_changes"] = len(dirty.splitlines())
    except (OSError, subprocess.CalledProcessError):
        pass
    return state


def assemble(args: argparse.Namespace, meta: dict[str, Any], runs: dict[str, dict[str, Any]],
             startup: dict[str, float], started_at: str) -> dict[str, Any]:
    """Turn the children's results into the JSON document (rates, ratios, targets)."""
    posts = meta["posts"]
    out: dict[str, Any] = {
        "benchmark_version": 1,
        "started_at": started_at,
        "finished_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": " ".join([Path(sys.executable).name, *sys.argv]),
        "cpu_pinned_to": args.cpu,
        "niceness": os.nice(0),
        "machine": machine_info(),
        "code": args.code_at_start,
        "code_snapshot": str(SNAPSHOT) if SNAPSHOT else None,
        "tree_at_end": code_state(),
        "corpus": dict(meta, path=str(args.corpus)),
        "posts": posts,
        "threads": meta["threads"],
        "startup": startup,
        "runs": runs,
    }
    out["machine"]["loadavg_end"] = os.getloadavg()
    if out["code"]["source_sha256"] != out["tree_at_end"]["source_sha256"]:
        note = ("the library's sources changed while the benchmark ran; every child imported the snapshot "
                "taken at the start" if SNAPSHOT else
                "the library's sources changed while the benchmark ran (--no-snapshot): figures may mix two versions")
        out.setdefault("notes" if SNAPSHOT else "warnings", []).append(note)
    wrong = [k for k, r in runs.items() if SNAPSHOT and r.get("discourse_imported_from")
             and not r["discourse_imported_from"].startswith(str(SNAPSHOT))]
    if wrong:
        out.setdefault("warnings", []).append(f"{', '.join(wrong)} imported discourse from outside the snapshot")
    pure = [k for k in ("stages", "e2e") if runs.get(k, {}).get("kernels_compiled") is False]
    if pure:
        out.setdefault("warnings", []).append(
            f"{', '.join(pure)} ran without the compiled kernels: discourse._kernels is not built (pip install -e .)")

    # --- baseline: the geometric mean of the timings before and after the pipeline runs
    base = runs.get("baseline", {})
    after = runs.get("baseline_after", {})
    if base.get("ok_child"):
        timings = [base] + ([after] if after.get("ok_child") else [])
        speeds = {key: statistics.geometric_mean([t[key] for t in timings])
                  for key in ("posts_per_s", "cpu_posts_per_s", "sentiment_posts_per_s", "stance_posts_per_s")}
        out["baseline"] = {
            **speeds,
            "timings": [{"when": when, "posts_per_s": t["posts_per_s"], "cpu_posts_per_s": t["cpu_posts_per_s"]}
                        for when, t in zip(("before", "after"), timings, strict=False)],
            "drift": _div(after["posts_per_s"], base["posts_per_s"]) if after.get("ok_child") else None,
            "sample_posts": base["sample_posts"],
            "extrapolated": base["extrapolated"],
            "estimated_seconds_for_corpus": posts / speeds["posts_per_s"],
            "peak_rss_bytes": base["peak_rss_bytes"],
            "includes": base["includes"],
            "excludes": base["excludes"],
            "training": base["training"],
        }
    # --- stages
    st = runs.get("stages", {})
    if st.get("ok_child"):
        out["stages"] = {
            name: {
                "seconds": st["wall"][name],
                "cpu_seconds": st["cpu"][name],
                "posts_per_s": _rate(st["posts"], st["wall"][name]),
                "cpu_posts_per_s": _rate(st["posts"], st["cpu"][name]),
                "share": st["wall"][name] / st["total_seconds"] if st["total_seconds"] else None,
            }
            for name in STAGES
        }
        out["stages_total"] = {
            "seconds": st["total_seconds"],
            "cpu_seconds": st["total_cpu_seconds"],
            "posts_per_s": _rate(st["posts"], st["total_seconds"]),
            "peak_rss_bytes": st["peak_rss_bytes"],
            "posts": st["posts"],
            "quotes_found": st["quotes_found"],
            "lru_caches": st["lru_caches"],
            "peak_rss_by_step": st.get("peak_rss_by_step"),
            "throughput_timeline": st.get("throughput_timeline"),
        }
    # --- end to end: the uninstrumented run when there is one, else the instrumented one
    e2e = runs.get("e2e", {})
    source = "separate run_pipeline without timers"
    if not e2e.get("ok_child") and st.get("ok_child"):
        e2e = {"seconds": st["total_seconds"], "cpu_seconds": st["total_cpu_seconds"], **{
            k: st[k] for k in ("peak_rss_bytes", "peak_rss_after_first_run", "ok", "n_thread_errors",
                               "rerun_in_process_seconds", "rerun_in_process_cpu_seconds", "ok_child",
                               "reports_folder")},
            "processed_threads": st["threads"]}
        source = "the instrumented run_pipeline of the stages measurement (--single-run)"
    if e2e.get("ok_child"):
        out["end_to_end"] = {
            "source": source,
            "seconds": e2e["seconds"],
            "cpu_seconds": e2e["cpu_seconds"],
            "posts_per_s": _rate(posts, e2e["seconds"]),
            "cpu_posts_per_s": _rate(posts, e2e["cpu_seconds"]),
            "peak_rss_bytes": e2e["peak_rss_bytes"],
            "peak_rss_after_first_run": e2e["peak_rss_after_first_run"],
            "ok": e2e["ok"],
            "processed_threads": e2e["processed_threads"],
            "n_thread_errors": e2e["n_thread_errors"],
            "rerun_in_process_seconds": e2e["rerun_in_process_seconds"],
            "rerun_in_process_cpu_seconds": e2e["rerun_in_process_cpu_seconds"],
            "reports_folder": e2e["reports_folder"],
        }
        if runs.get("e2e", {}).get("ok_child") and st.get("ok_child"):
            out["end_to_end"]["instrumented_over_plain_cpu"] = st["total_cpu_seconds"] / e2e["cpu_seconds"]
    rr = runs.get("rerun", {})
    if rr.get("ok_child"):
        out["rerun"] = {
            "threads": meta["threads"],
            "run_pipeline_seconds": rr["seconds"],
            "run_pipeline_cpu_seconds": rr["cpu_seconds"],
            "process_wall_seconds": rr["process_wall_seconds"],
            "process_startup_seconds": rr["process_wall_seconds"] - rr["seconds"],
            "nothing_to_do": rr["nothing_to_do"],
            "to_process": rr.get("to_process"),
            "peak_rss_bytes": rr["peak_rss_bytes"],
        }
        if not rr["nothing_to_do"]:
            out.setdefault("warnings", []).append(
                f"the rerun was not a no-op: {rr.get('to_process')} file(s) reprocessed; {rr.get('why')}")
    # --- ratios (None when a side is missing)
    ratios: dict[str, Any] = {}
    b = out.get("baseline")
    if b and "end_to_end" in out:
        ratios["end_to_end_vs_baseline"] = _div(out["end_to_end"]["posts_per_s"], b["posts_per_s"])
        ratios["end_to_end_vs_baseline_cpu"] = _div(out["end_to_end"]["cpu_posts_per_s"], b["cpu_posts_per_s"])
        for timing in b["timings"] if len(b["timings"]) > 1 else ():
            ratios[f"end_to_end_vs_baseline_{timing['when']}"] = _div(
                out["end_to_end"]["posts_per_s"], timing["posts_per_s"])
    if b and "stages" in out:
        s = out["stages"]
        ss_wall = s["sentiment"]["seconds"] + s["stance"]["seconds"]
        ss_cpu = s["sentiment"]["cpu_seconds"] + s["stance"]["cpu_seconds"]
        ratios["sentiment_stance_vs_baseline"] = _div(_rate(st["posts"], ss_wall), b["posts_per_s"])
        ratios["sentiment_stance_vs_baseline_cpu"] = _div(_rate(st["posts"], ss_cpu), b["cpu_posts_per_s"])
        ratios["sentiment_vs_baseline_sentiment"] = _div(s["sentiment"]["posts_per_s"], b["sentiment_posts_per_s"])
        ratios["stance_vs_baseline_stance"] = _div(s["stance"]["posts_per_s"], b["stance_posts_per_s"])
        missing = [name for name in STAGES if not s[name]["seconds"] or s[name]["seconds"] <= 0]
        if missing:
            out.setdefault("warnings", []).append(
                f"stage(s) {', '.join(missing)} took no measurable time: either threads failed before "
                "reaching them or the library no longer calls the instrumented function")
    for key in ("stages", "e2e"):
        run = runs.get(key, {})
        if run.get("ok_child") and (run.get("n_thread_errors") or run.get("failed_files")):
            first = next(iter(run.get("thread_errors", {}).items()), None)
            out.setdefault("warnings", []).append(
                f"{key}: {run.get('n_thread_errors', 0)} thread(s) failed, {len(run.get('failed_files', []))} "
                f"file(s) failed; first error: {first}")
    out["ratios"] = ratios
    # --- scaling against the newest 100k result of the same machine (for the 1M run)
    out["scaling"] = scaling(out, args.results_dir)
    out["targets"] = check_targets(out)
    return out


def scaling(out: dict[str, Any], results_dir: Path) -> dict[str, Any] | None:
    """time(this run) / time(newest 100k run), like with like: instrumented totals when this
    run's end-to-end figure is the instrumented run, plain end-to-end runs otherwise."""
    if out["posts"] < 1_000_000 or "end_to_end" not in out:
        return None
    instrumented = not out["end_to_end"]["source"].startswith("separate")
    candidates = []
    for path in sorted(results_dir.glob("*-100000.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if "end_to_end" in doc and "stages_total" in doc:
            candidates.append((path, doc))
    if not candidates:
        return {"note": "no 100k result in the results folder to compare with"}
    path, doc = candidates[-1]
    if instrumented:
        mine = (out["stages_total"]["seconds"], out["stages_total"]["cpu_seconds"])
        theirs = (doc["stages_total"]["seconds"], doc["stages_total"]["cpu_seconds"])
        basis = "instrumented run_pipeline (stages measurement) of both sizes"
    else:
        mine = (out["end_to_end"]["seconds"], out["end_to_end"]["cpu_seconds"])
        theirs = (doc["end_to_end"]["seconds"], doc["end_to_end"]["cpu_seconds"])
        basis = "plain run_pipeline of both sizes"
    return {
        "compared_with": str(path),
        "basis": basis,
        "time_ratio": mine[0] / theirs[0],
        "cpu_time_ratio": mine[1] / theirs[1],
        "posts_ratio": out["posts"] / doc["posts"],
        "code_same": doc.get("code", {}).get("source_sha256") == out["code"]["source_sha256"],
    }


def check_targets(out: dict[str, Any]) -> dict[str, Any]:
    """Each target the run's figures can be held against; ``applies`` says whether its size is the
    one the target is set for."""
    t: dict[str, Any] = {}
    r = out.get("ratios", {})
    posts = out["posts"]
    if r.get("end_to_end_vs_baseline") is not None:
        v = r["end_to_end_vs_baseline"]
        minimum = TARGETS["e2e_vs_baseline_min_10k" if posts <= 10_000 else "e2e_vs_baseline_min_100k"]
        t["e2e_vs_baseline"] = {"value": v, "target": f">= {minimum:g}", "met": v >= minimum,
                                "applies": posts in (10_000, 100_000)}
    e2e = out.get("end_to_end") or {}
    if e2e.get("cpu_posts_per_s"):
        v = e2e["cpu_posts_per_s"]
        t["e2e_cpu_posts_per_s"] = {"value": v, "target": ">= 3000", "applies": posts == 100_000,
                                    "met": v >= TARGETS["e2e_cpu_posts_per_s_min_100k"]}
    if r.get("sentiment_stance_vs_baseline") is not None:
        v = r["sentiment_stance_vs_baseline"]
        t["sentiment_stance_vs_baseline"] = {"value": v, "target": ">= 20", "applies": True,
                                             "met": v >= TARGETS["sentiment_stance_vs_baseline_min"]}
    if out.get("scaling") and "time_ratio" in out["scaling"]:
        v = out["scaling"]["time_ratio"]
        t["time_1m_over_100k"] = {"value": v, "target": "<= 10.3", "met": v <= TARGETS["scaling_1m_over_100k_max"],
                                  "applies": True}
    peaks = [out[k]["peak_rss_bytes"] for k in ("end_to_end", "stages_total") if k in out]
    if peaks:
        t["peak_rss"] = {"value_bytes": max(peaks), "target": "<= 1 GiB",
                         "met": max(peaks) <= TARGETS["peak_rss_1m_max_bytes"],
                         "applies": posts >= 1_000_000}
    folder = e2e.get("reports_folder")
    if folder and out["threads"]:
        v = folder["bytes"] * 1000 / out["threads"]
        t["reports_per_1000_threads"] = {
            "value_mb": v / 1e6, "target": "<= 60 MB", "met": v <= TARGETS["reports_1000_threads_max_bytes"],
            "applies": out["threads"] == 1000}
    if "rerun" in out:
        v = out["rerun"]["run_pipeline_seconds"]
        t["rerun_unchanged"] = {"value": v, "target": "<= 1 s beyond process start", "threads": out["threads"],
                                "met": v <= TARGETS["rerun_1000_threads_max_s"],
                                "applies": out["threads"] >= 1000}
    return t


# --- table -------------------------------------------------------------------------------------------
def _f(value: float | None, spec: str = ",.0f") -> str:
    return "-" if value is None else format(value, spec)


def render_table(doc: dict[str, Any]) -> str:
    posts = doc["posts"]
    lines = [
        f"discourse benchmark: {posts:,} posts in {doc['threads']:,} threads, "
        f"pinned to CPU {doc['cpu_pinned_to']}, nice {doc['niceness']}, load {doc['machine']['loadavg_start'][0]:.2f}",
        "",
        f"{'measurement':<34}{'seconds':>10}{'posts/s':>12}{'CPU posts/s':>13}{'share':>8}",
        "-" * 77,
    ]
    b = doc.get("baseline")
    if b:
        note = f" (sample {b['sample_posts']:,}, extrapolated)" if b["extrapolated"] else ""
        lines.append(f"{'baseline: VADER + LR per post' + note:<34}{_f(b['estimated_seconds_for_corpus'], ',.1f'):>10}"
                     f"{_f(b['posts_per_s']):>12}{_f(b['cpu_posts_per_s']):>13}{'':>8}")
        if b.get("drift") is not None:
            before, after = (t["posts_per_s"] for t in b["timings"])
            lines.append(f"  baseline timed before / after the pipeline: {before:,.0f} / {after:,.0f} posts/s "
                         f"(drift {100 * (b['drift'] - 1):+.1f}%; the row above is their geometric mean)")
        lines.append(f"{'  baseline sentiment only':<34}{'':>10}{_f(b['sentiment_posts_per_s']):>12}")
        lines.append(f"{'  baseline stance only':<34}{'':>10}{_f(b['stance_posts_per_s']):>12}")
    s = doc.get("stages")
    if s:
        labels = {"ingest": "ingest (read+parse)", "quotes": "quotes", "sentiment": "sentiment",
                  "stance": "stance", "metrics": "metrics", "report": "report",
                  "storage": "storage (database, exports)"}
        for name in STAGES:
            row = s[name]
            lines.append(f"{'stage: ' + labels[name]:<34}{_f(row['seconds'], ',.1f'):>10}{_f(row['posts_per_s']):>12}"
                         f"{_f(row['cpu_posts_per_s']):>13}{row['share'] * 100:>7.1f}%")
        tot = doc["stages_total"]
        lines.append(f"{'stages total':<34}{_f(tot['seconds'], ',.1f'):>10}{_f(tot['posts_per_s']):>12}"
                     f"{_f(posts / tot['cpu_seconds'] if tot['cpu_seconds'] else None):>13}")
    e = doc.get("end_to_end")
    if e:
        label = "end to end: run_pipeline" + ("" if e["source"].startswith("separate") else " (instrumented)")
        lines.append(f"{label:<34}{_f(e['seconds'], ',.1f'):>10}{_f(e['posts_per_s']):>12}"
                     f"{_f(e['cpu_posts_per_s']):>13}")
    lines.append("-" * 77)
    r = doc.get("ratios", {})
    if r:
        lines.append(f"ratio end-to-end / baseline:            {_f(r.get('end_to_end_vs_baseline'), '.2f')}x"
                     f"   (CPU time: {_f(r.get('end_to_end_vs_baseline_cpu'), '.2f')}x)"
                     + (f"; {r['end_to_end_vs_baseline_before']:.2f}x against the baseline before, "
                        f"{r['end_to_end_vs_baseline_after']:.2f}x after" if "end_to_end_vs_baseline_after" in r else ""))
        lines.append(f"ratio sentiment+stance / baseline:      {_f(r.get('sentiment_stance_vs_baseline'), '.2f')}x"
                     f"   (CPU time: {_f(r.get('sentiment_stance_vs_baseline_cpu'), '.2f')}x)")
    peaks = []
    for key, label in (("baseline", "baseline"), ("stages_total", "stages"), ("end_to_end", "e2e")):
        if doc.get(key):
            peaks.append(f"{label} {doc[key]['peak_rss_bytes'] / 2**20:,.0f} MiB")
    lines.append("peak RSS:                               " + ", ".join(peaks))
    by_step = (doc.get("stages_total") or {}).get("peak_rss_by_step")
    if by_step:
        order = ("model_load", "plan_run", "process_files", "record_run", "commit", "export", "build_reports", "other")
        shown = [f"{k} {by_step[k] / 2**20:,.0f}" for k in order if k in by_step]
        lines.append("  peak RSS by step (MiB, stages run):   " + ", ".join(shown))
    timeline = (doc.get("stages_total") or {}).get("throughput_timeline")
    if timeline:
        shown = ", ".join(f"{row['mb_per_cpu_s']:.2f}" for row in timeline)
        lines.append(f"input MB per CPU second, by fifth of the files: {shown}")
    folder = (doc.get("end_to_end") or {}).get("reports_folder")
    if folder:
        lines.append(f"reports folder:                         {folder['bytes'] / 1e6:,.1f} MB in {folder['files']:,} files"
                     f" ({folder['bytes'] / 1e6 * 1000 / max(doc['threads'], 1):,.1f} MB per 1,000 threads)")
    rr = doc.get("rerun")
    if rr:
        lines.append(f"rerun, nothing changed ({doc['threads']:,} threads):   run_pipeline {rr['run_pipeline_seconds']:.2f}s"
                     f" + process start {rr['process_startup_seconds']:.2f}s = {rr['process_wall_seconds']:.2f}s")
    if e:
        lines.append(f"rerun, second call in the same process: {e['rerun_in_process_seconds']:.2f}s")
    st = doc.get("startup", {})
    if st:
        lines.append(f"process start-up: python {st['python_bare_seconds']:.2f}s, import discourse.pipeline "
                     f"{st['import_pipeline_seconds']:.2f}s, import run modules {st['import_run_modules_seconds']:.2f}s")
    if doc.get("scaling") and "time_ratio" in doc["scaling"]:
        lines.append(f"time(1M) / time(100k):                  {doc['scaling']['time_ratio']:.2f}"
                     f"   (CPU {doc['scaling']['cpu_time_ratio']:.2f})")
    for warning in doc.get("warnings", []):
        lines.append(f"WARNING: {warning}")
    if doc.get("targets"):
        lines.append("")
        lines.append("targets:")
        for name, t in doc["targets"].items():
            if "value_mb" in t:
                shown = f"{t['value_mb']:,.1f} MB"
            elif "value_bytes" in t:
                shown = f"{t['value_bytes'] / 2**20:,.0f} MiB"
            else:
                shown = f"{t['value']:.2f}"
            status = ("MET" if t["met"] else "MISSED") if t["applies"] else ("(would be met)" if t["met"] else "(would be missed)") + " n/a at this size"
            lines.append(f"  {name:<28} {shown:>12}  target {t['target']:<30} {status}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    global SNAPSHOT, LOADAVG_START
    parser = argparse.ArgumentParser(description="Benchmark discourse against a naive per-post baseline.")
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--threads", type=int, default=None, help="threads (default posts/100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--corpus", type=Path, default=None, help="corpus folder (default bench/corpora/p<posts>-t<threads>-s<seed>)")
    parser.add_argument("--baseline-sample", type=int, default=None,
                        help="posts the baseline is timed on (default 5000; 1000 with --quick)")
    parser.add_argument("--quick", action="store_true", help="smaller baseline sample (500), one start-up sample, single instrumented run (CI smoke run)")
    parser.add_argument("--cpu", type=int, default=0, help="CPU every measured process is pinned to (-1: no pinning)")
    parser.add_argument("--results-dir", type=Path, default=BENCH / "results")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: a new temp folder, removed)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--only", default="model,baseline,stages,e2e,rerun",
                        help="comma-separated subset of: model,baseline,stages,e2e,rerun")
    parser.add_argument("--single-run", dest="single_run", action="store_true", default=None,
                        help="use the instrumented run as the end-to-end figure (default with --quick and >= 1M posts)")
    parser.add_argument("--separate-e2e", dest="single_run", action="store_false",
                        help="also time an uninstrumented run_pipeline (default below 1M posts)")
    parser.add_argument("--no-snapshot", dest="snapshot", action="store_false",
                        help="import the live src/ tree instead of a copy taken at the start")
    parser.add_argument("--child", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--config", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child_main(args.child, args.config)

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    started_at = datetime.now(UTC).isoformat(timespec="seconds")
    LOADAVG_START = os.getloadavg()
    args.threads = args.threads or max(1, args.posts // 100)
    args.corpus = args.corpus or corpus_dir_for(args.posts, args.threads, args.seed)
    allowed = sorted(os.sched_getaffinity(0))
    if args.cpu is not None and args.cpu < 0:
        args.cpu = None
    elif args.cpu not in allowed:
        log(f"CPU {args.cpu} is not available to this process; pinning to CPU {allowed[0]} instead")
        args.cpu = allowed[0]
    sample = args.baseline_sample or (500 if args.quick else 5000)
    meta = ensure_corpus(args.corpus, args.posts, args.threads, args.seed, log)
    only = set(args.only.split(","))
    single = args.single_run if args.single_run is not None else (args.quick or args.posts >= 1_000_000)

    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix="discourse-bench-", dir=args.work))
    base_cfg = {
        "raw_dir": str(args.corpus / "txt"),
        "models_dir": str(scratch / "models"),
        "posts": meta["posts"],
        "seed": args.seed,
        "baseline_sample": sample,
    }
    runs: dict[str, dict[str, Any]] = {}
    try:
        log(f"scratch folder {scratch}")
        if args.snapshot:
            SNAPSHOT = take_snapshot(scratch)
            args.code_at_start = code_state(SNAPSHOT / "discourse")
            log(f"measuring a snapshot of src/discourse ({args.code_at_start['source_sha256']}) in {SNAPSHOT}")
        else:
            args.code_at_start = code_state()
        startup = measure_startup(args.cpu, repeats=1 if args.quick else 3)
        if "model" in only or "stages" in only or "e2e" in only:
            runs["model"] = spawn("model", base_cfg, scratch, args.cpu, log)
        if "baseline" in only:
            runs["baseline"] = spawn("baseline", base_cfg, scratch, args.cpu, log)
        stages_root, e2e_root = scratch / "stages-root", scratch / "e2e-root"
        rerun_root = None
        if "stages" in only:
            runs["stages"] = spawn("stages", dict(base_cfg, work_root=str(stages_root)), scratch, args.cpu, log)
            if runs["stages"].get("ok_child"):
                rerun_root = stages_root
        if "e2e" in only and not single:
            if rerun_root is not None:
                shutil.rmtree(rerun_root, ignore_errors=True)  # free the disk before the e2e run
                rerun_root = None
            runs["e2e"] = spawn("e2e", dict(base_cfg, work_root=str(e2e_root)), scratch, args.cpu, log)
            if runs["e2e"].get("ok_child"):
                rerun_root = e2e_root
        if "baseline" in only and ("stages" in only or "e2e" in only):
            runs["baseline_after"] = spawn("baseline", base_cfg, scratch, args.cpu, log)
        if "rerun" in only and rerun_root is not None:
            runs["rerun"] = spawn("rerun", dict(base_cfg, work_root=str(rerun_root)), scratch, args.cpu, log)
        doc = assemble(args, meta, runs, startup, started_at)
    finally:
        if not args.keep:
            shutil.rmtree(scratch, ignore_errors=True)
    args.results_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    path = args.results_dir / f"{stamp}-{meta['posts']}.json"
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n", encoding="utf-8")
    print(render_table(doc))
    print(f"\nresults written to {path}")
    failed = [name for name, run in runs.items() if not run.get("ok_child")]
    if failed:
        log(f"failed configurations: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
