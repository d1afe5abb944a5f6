#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into an EMPTY database (create it first, owned by the
# owner role, e.g. `createdb --owner=cate_owner cate_restored`), then point the URLs at it. Refuses
# a database that has tables.
# TARGET_DATABASE_URL logs in as the owner (DATABASE_OWNER_URL's role), which then owns everything
# restored. The application role (APPLICATION_ROLE, else the user of DATABASE_URL when it is set)
# is granted exactly what migrate grants it (core_grant_application_role, core/database_roles.py);
# with neither, one role serves both and nothing is granted.
# Usage: scripts/restore.sh FILE TARGET_DATABASE_URL [APPLICATION_ROLE]
set -euo pipefail
file="${1:?Usage: scripts/restore.sh FILE TARGET_DATABASE_URL [APPLICATION_ROLE]}"
target="${2:?Usage: scripts/restore.sh FILE TARGET_DATABASE_URL [APPLICATION_ROLE]}"
app_role="${3:-}"
if [ -z "$app_role" ] && [ -n "${DATABASE_URL:-}" ]; then
  rest="${DATABASE_URL#*://}"
  case "$rest" in *@*) userinfo="${rest%%@*}"; app_role="${userinfo%%:*}";; esac
fi
tables=$(psql "$target" -tAc "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")
if [ "$tables" != "0" ]; then
  echo "The target database already has $tables tables: restore only into an empty database." >&2
  exit 1
fi
# No function restored is anyone's to run until it is granted (the archive carries no privileges).
psql "$target" -v ON_ERROR_STOP=1 -qc "ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC"
pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$target" "$file"
if [ "$(psql "$target" -tAc "SELECT to_regprocedure('core_grant_application_role(name)') IS NOT NULL")" = "t" ]; then
  printf "SELECT core_grant_application_role(NULLIF(:'app', ''));\n" \
    | psql "$target" -v ON_ERROR_STOP=1 -v app="$app_role" -qtA > /dev/null
  echo "Restored $file${app_role:+; the application role $app_role is granted its privileges}"
else
  echo "Restored $file; run migrate (as the owner) to grant the application role its privileges"
fi
