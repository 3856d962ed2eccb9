# Shared by scripts/run and scripts/test: create or refresh the project's virtualenv.
# The venv lives in .venv; it is refreshed when pyproject.toml, setup.py or a C source changes
# (a stamp holds their hash).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON_BIN="${PYTHON:-python3}"
export DO_NOT_TRACK=1
export PREFECT_SERVER_ANALYTICS_ENABLED=false
export PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="${PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS:-90}"

ensure_venv() {
  local extras="$1"
  # setup.py and the C sources count too: the install compiles them.
  local stamp="$VENV/.installed-$extras-$(cat "$ROOT/pyproject.toml" "$ROOT/setup.py" "$ROOT"/src/csrc/* | sha256sum | cut -c1-16)"
  if [ ! -x "$VENV/bin/python" ]; then
    echo "creating virtualenv in $VENV" >&2
    "$PYTHON_BIN" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ]; then
    echo "installing discourse[$extras] into $VENV (once per pyproject change)" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -e "$ROOT[$extras]"
    rm -f "$VENV"/.installed-"$extras"-*
    touch "$stamp"
  fi
}
