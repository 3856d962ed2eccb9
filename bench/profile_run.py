"""Profile one ``run_pipeline`` call with pyinstrument (the evidence behind the README's hot spots).

Usage::

    .venv/bin/pip install pyinstrument          # not a project dependency
    python bench/profile_run.py --corpus bench/corpora/p10000-t100-s1 --out /tmp/prof
    python bench/profile_run.py --corpus bench/corpora/p100000-t1000-s1 --rerun --out /tmp/prof-rerun

Writes ``<out>.txt`` (the call tree) and ``<out>.html`` (interactive). The model is trained
and recorded first, outside the profile, so the profiled run loads its arrays as a user's later
runs do. With ``--rerun`` the corpus is processed once unprofiled and the second call (nothing
changed) is profiled, in a fresh process as a user would see it.
Pin to one CPU like the benchmark does: ``taskset -c 0 python bench/profile_run.py ...``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def settings_for(corpus: Path, root: Path):  # noqa: ANN201
    from discourse.config import Settings

    return Settings.default(root, raw_dir=corpus / "txt", processed_dir=root / "processed",
                            reports_dir=root / "reports", models_dir=root / "models")


def profile_call(corpus: Path, root: Path, out: Path, interval: float) -> None:
    from pyinstrument import Profiler

    profiler = Profiler(interval=interval)
    profiler.start()
    from discourse.pipeline import run_pipeline  # imports count, as in a fresh CLI process

    started = time.perf_counter()
    summary = run_pipeline(settings_for(corpus, root))
    seconds = time.perf_counter() - started
    profiler.stop()
    out.with_suffix(".txt").write_text(profiler.output_text(unicode=False, color=False), encoding="utf-8")
    out.with_suffix(".html").write_text(profiler.output_html(), encoding="utf-8")
    print(f"run_pipeline: {seconds:.2f}s, nothing_to_do={summary.plan.nothing_to_do}, "
          f"threads={len(summary.processed_threads)}; profile in {out.with_suffix('.txt')}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile run_pipeline with pyinstrument.")
    parser.add_argument("--corpus", type=Path, required=True, help="a folder made by bench/generate.py")
    parser.add_argument("--out", type=Path, required=True, help="output path without suffix")
    parser.add_argument("--root", type=Path, default=None, help="pipeline root (default: a temp folder)")
    parser.add_argument("--rerun", action="store_true", help="profile the second, nothing-changed call")
    parser.add_argument("--interval", type=float, default=0.002)
    parser.add_argument("--profile-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    root = args.root or Path(tempfile.mkdtemp(prefix="discourse-profile-"))
    if args.profile_only:
        profile_call(args.corpus, root, args.out, args.interval)
        return 0
    from discourse.models import load_model

    load_model(settings_for(args.corpus, root))  # trains and records the model as a first run does
    if args.rerun:
        from discourse.pipeline import run_pipeline

        started = time.perf_counter()
        run_pipeline(settings_for(args.corpus, root))
        print(f"first run (not profiled): {time.perf_counter() - started:.1f}s")
    # Profile in a fresh process so imports and caches are those of a new CLI run.
    command = [sys.executable, __file__, "--corpus", str(args.corpus), "--out", str(args.out),
               "--root", str(root), "--interval", str(args.interval), "--profile-only"]
    return subprocess.run(command, check=False).returncode


if __name__ == "__main__":
    raise SystemExit(main())
