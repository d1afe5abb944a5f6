#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database (create it first, e.g.
# `createdb cate_restored`), then point DATABASE_URL at it. Refuses a database that has tables.
# Usage: scripts/restore.sh FILE TARGET_DATABASE_URL
set -euo pipefail
file="${1:?Usage: scripts/restore.sh FILE TARGET_DATABASE_URL}"
target="${2:?Usage: scripts/restore.sh FILE TARGET_DATABASE_URL}"
tables=$(psql "$target" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "The target database already has $tables tables: restore only into an empty database." >&2
  exit 1
fi
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target" "$file"
echo "Restored $file"
