#!/usr/bin/env bash
# Runs the whole app on this machine with no servers: SQLite, the embedded (filesystem) Celery
# broker, the web app on http://127.0.0.1:8000, a Celery worker and the Celery beat scheduler.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh run
if ! command -v dot >/dev/null 2>&1; then
  echo "Graphviz is not installed: the network map will show its table without the drawing."
  echo "  To draw it, install Graphviz's dot and start again:"
  echo "    Debian or Ubuntu:  sudo apt-get install graphviz"
  echo "    macOS (Homebrew):  brew install graphviz"
  echo "    Fedora:            sudo dnf install graphviz"
fi
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-config.settings.local}"
mkdir -p var
.venv/bin/python manage.py migrate --noinput
.venv/bin/python manage.py seed_demo

trap 'trap - EXIT INT TERM; kill 0 2>/dev/null; wait' EXIT INT TERM
.venv/bin/celery -A config worker --loglevel=INFO --concurrency="${CELERY_CONCURRENCY:-2}" &
.venv/bin/celery -A config beat --loglevel=INFO --schedule="var/celerybeat-schedule" &
.venv/bin/python manage.py runserver "${RUN_ADDRESS:-127.0.0.1:8000}" &
echo
echo "CATE pathway: http://${RUN_ADDRESS:-127.0.0.1:8000}/  (sign in with a demo login above; Ctrl+C stops everything)"
wait -n
