#!/usr/bin/env bash
# Runs the whole test suite (unit, integration, browser) against PostgreSQL and Redis on
# localhost, in parallel: one pytest-xdist worker per core (TEST_WORKERS=N to choose, 0 for one
# process), each with its own test database and Redis database number.
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not e2e" tests/core.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh dev
export DJANGO_SETTINGS_MODULE=config.settings.test
export DATABASE_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/cate}"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"

.venv/bin/python - <<'PY'
import os, sys
import environ, psycopg, redis
db = environ.Env.db_url_config(os.environ["DATABASE_URL"])
try:
    psycopg.connect(host=db["HOST"] or None, port=db["PORT"] or None, user=db["USER"] or None,
                    password=db["PASSWORD"] or None, dbname="postgres", connect_timeout=5).close()
except Exception as exc:
    sys.exit(f"Cannot reach PostgreSQL at {db['HOST']}:{db['PORT']} as {db['USER']}: {exc}\n"
             "Start it (e.g. pg_ctlcluster <version> main start) or set DATABASE_URL.")
try:
    redis.Redis.from_url(os.environ["CELERY_BROKER_URL"], socket_connect_timeout=5).ping()
except Exception as exc:
    sys.exit(f"Cannot reach Redis at {os.environ['CELERY_BROKER_URL']}: {exc}\n"
             "Start it (redis-server --daemonize yes) or set CELERY_BROKER_URL.")
PY

if [ -z "${CHROMIUM_PATH:-}" ] && ! command -v chromium >/dev/null 2>&1; then
  echo "Chromium is needed for the browser tests (Debian: apt-get install chromium), or set CHROMIUM_PATH." >&2
  exit 1
fi
exec .venv/bin/python -m pytest --create-db -n "${TEST_WORKERS:-auto}" "$@"
