#!/usr/bin/env bash
# Sets up the checkout on a new machine: .venv with the pinned packages, the npm packages and
# the compiled GOV.UK stylesheet. Cheap to run again: each step is skipped when up to date.
# Usage: scripts/bootstrap.sh [run|dev]
set -euo pipefail
cd "$(dirname "$0")/.."
profile="${1:-dev}"

python_bin="${PYTHON:-}"
if [ -z "$python_bin" ]; then
  for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1; then python_bin="$candidate"; break; fi
  done
fi
[ -n "$python_bin" ] || { echo "Python 3.11 or newer is needed (set PYTHON=/path/to/python)." >&2; exit 1; }
"$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
  || { echo "Python 3.11 or newer is needed; $python_bin is older." >&2; exit 1; }

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv with $python_bin"
  "$python_bin" -m venv .venv
fi

hash="$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f ".venv/.installed-$hash-dev" ] && [ ! -f ".venv/.installed-$hash-$profile" ]; then
  echo "Installing Python packages ($profile)"
  .venv/bin/python -m pip install --quiet --upgrade "pip>=25" >/dev/null
  # The project is not installed as a package: only its pinned dependencies are.
  .venv/bin/python - "$profile" > .venv/requirements.txt <<'PY'
import sys, tomllib
project = tomllib.load(open("pyproject.toml", "rb"))["project"]
wanted = list(project["dependencies"])
if sys.argv[1] == "dev":
    wanted += project["optional-dependencies"]["dev"]
print("\n".join(wanted))
PY
  .venv/bin/python -m pip install --quiet -r .venv/requirements.txt
  rm -f .venv/.installed-*
  touch ".venv/.installed-$hash-$profile"
fi

command -v npm >/dev/null 2>&1 || { echo "Node.js and npm are needed to build the GOV.UK Frontend assets." >&2; exit 1; }
npm_stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
if [ ! -f "$npm_stamp" ]; then
  echo "Installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
  touch "$npm_stamp"
fi
if [ ! -f static/build/app.css ] || [ frontend/app.scss -nt static/build/app.css ] || [ "$npm_stamp" -nt static/build/app.css ]; then
  echo "Compiling the stylesheet"
  npm run --silent build
fi
