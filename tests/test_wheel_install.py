"""The built wheel runs the whole job on its own: ``discourse run`` (Prefect flow) outside the checkout.

The wheel is built from the checkout and installed with ``--no-deps`` into a fresh virtualenv
in a temporary folder. The dependencies come from this project's virtualenv through a ``.pth``
line naming its site-packages folder: a plain path line, so the ``.pth`` files inside that
folder (the editable install's pointer at ``src/``) are never processed and the checkout's
sources stay out of reach. Templates, static files, package data and the flow must therefore
all come from the wheel. Nothing is downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "data" / "raw"
#: The folder of this virtualenv holding the dependencies (and the editable install's ``.pth``).
DEPENDENCIES = Path(sysconfig.get_paths()["purelib"])
#: Files the installed package reads at run time, relative to the ``discourse`` package.
PACKAGE_FILES = (
    "data/authored_posts.csv",
    "report/templates/thread.html.j2",
    "report/templates/index.html.j2",
    "report/static/page.js",
    "report/static/page.css",
    "annotate/templates/annotate.html.j2",
    "annotate/static/annotate.js",
)
#: The Prefect flow, a top-level package installed beside ``discourse``.
FLOW_FILES = ("flows/__init__.py", "flows/pipeline.py")


def build_wheel(out: Path) -> Path:
    """Build the project's wheel into ``out``; skip when no build backend is available offline.

    The build works on a copy of the sources (setuptools writes ``build/`` and ``*.egg-info``
    next to them), so the checkout stays as it is.
    """
    source = out / "source"
    for folder in ("src", "flows"):
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-input", "-w", str(out), str(source)],
        capture_output=True, text=True, timeout=600, cwd=out,
    )
    if done.returncode != 0 and "satisfies the requirement" in done.stdout + done.stderr:
        pytest.skip("no setuptools/wheel to build with offline: " + (done.stdout + done.stderr)[-500:])
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    (wheel,) = out.glob("discourse-*.whl")
    return wheel


def make_venv(folder: Path, wheel: Path) -> Path:
    """A virtualenv at ``folder`` with ``wheel`` installed and this venv's dependencies visible."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(folder)], check=True, timeout=120)
    python = folder / "bin" / "python"
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()
    # A path line, not a site dir: DEPENDENCIES' own .pth files (the editable install) stay unread.
    Path(purelib, "_discourse_dependencies.pth").write_text(f"{DEPENDENCIES}\n", encoding="utf-8")
    # pip comes from DEPENDENCIES too; run by the new interpreter, it installs into the new venv
    # and writes a console script that starts that interpreter.
    done = subprocess.run(
        [str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--no-compile", str(wheel)],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
    return python


def clean_env(**extra: str) -> dict[str, str]:
    """This environment without anything pointing into the checkout or at a Prefect server."""
    drop = ("PYTHONPATH", "DISCOURSE_HOME", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("PREFECT_")}
    env.update(DO_NOT_TRACK="1", **extra)
    return env


def test_wheel_carries_the_flow_and_the_package_files(tmp_path: Path) -> None:
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in PACKAGE_FILES if f"discourse/{name}" not in names]
    missing += [name for name in FLOW_FILES if name not in names]
    assert not missing, f"the wheel lacks {missing}"
    assert not any(name.startswith(("tests/", "src/", "bench/")) for name in names)


@pytest.mark.slow
@pytest.mark.prefect
def test_installed_wheel_runs_the_prefect_flow_outside_the_checkout(tmp_path: Path) -> None:
    if not RAW.is_dir():
        pytest.skip("data/raw is not in this checkout")
    wheel = build_wheel(tmp_path)
    python = make_venv(tmp_path / "venv", wheel)
    env = clean_env(PREFECT_HOME=str(tmp_path / "prefect-home"))
    work = tmp_path / "elsewhere"
    work.mkdir()

    where = subprocess.run(
        [str(python), "-c", "import sys, discourse, flows; print(discourse.__file__); print(flows.__file__); print(sys.path)"],
        env=env, capture_output=True, text=True, timeout=120, cwd=work,
    )
    assert where.returncode == 0, where.stderr
    package_file, flow_file, path = where.stdout.splitlines()
    assert Path(package_file).is_relative_to(tmp_path / "venv"), package_file
    assert Path(flow_file).is_relative_to(tmp_path / "venv"), flow_file
    assert str(ROOT / "src") not in path

    project = tmp_path / "project"
    shutil.copytree(RAW, project / "data" / "raw")
    done = subprocess.run(
        [str(tmp_path / "venv" / "bin" / "discourse"), "run", "--root", str(project)],
        env=env, capture_output=True, text=True, timeout=900, cwd=work,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-4000:]
    assert "Beginning flow run" in output  # the Prefect flow ran, not the in-process fallback
    assert str(ROOT / "src") not in output  # nothing read from the checkout's sources
    assert (project / "reports" / "index.html").is_file()
    assert (project / "models").is_dir() and any((project / "models").iterdir())  # trained from the wheel's data
    assert not (work / "data").exists() and not (work / "reports").exists()
