#!/usr/bin/env bash
# Back up the database (every record and its history) to a compressed pg_dump archive.
# Usage: scripts/backup.sh [FILE]   (DATABASE_URL selects the database; default var/backups/cate-<time>.dump)
set -euo pipefail
cd "$(dirname "$0")/.."
url="${DATABASE_URL:?Set DATABASE_URL to the PostgreSQL database to back up}"
case "$url" in postgres://*|postgresql://*) ;; *) echo "Backups need PostgreSQL (DATABASE_URL=$url)." >&2; exit 1;; esac
file="${1:-var/backups/cate-$(date -u +%Y%m%dT%H%M%SZ).dump}"
mkdir -p "$(dirname "$file")"
umask 077
pg_dump --format=custom --no-owner --no-privileges --file="$file" "$url"
pg_restore --list "$file" > /dev/null  # the archive is readable
echo "$file"
