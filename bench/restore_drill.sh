#!/usr/bin/env bash
# The restore drill: prove that a backup of the portal's database can be restored and used.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/restore_drill.sh [--prefix NAME] [--keep]
#
# On the PostgreSQL server DATABASE_URL names, it
#   1. creates <prefix>_original, migrates it and loads the demo data (seed_demo),
#      and counts the rows of every table;
#   2. backs it up with pg_dump (custom format, as the README's backup section says);
#   3. restores the backup into a fresh database, <prefix>_restored, with pg_restore;
#   4. runs the portal's checks against the restored copy: `manage.py check --deploy`
#      with production settings and no migration missing;
#   5. runs a smoke test against it (bench/restore_smoke.py): every table has the rows
#      the original had, and a demo member logs in and opens their pages.
# Both databases are dropped at the end (unless --keep), whatever happens.
# Exits non-zero at the first step that fails. Needs pg_dump, pg_restore and psql
# of the server's major version or newer.
set -euo pipefail

PREFIX=lmc_restore_drill
KEEP=no
while [ $# -gt 0 ]; do
    case "$1" in
        --prefix) PREFIX="$2"; shift 2 ;;
        --keep) KEEP=yes; shift ;;
        -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PYTHON="${PYTHON:-$ROOT/.venv/bin/python}"
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres}"
case "$DATABASE_URL" in postgres://*|postgresql://*) ;; *) echo "DATABASE_URL must name a PostgreSQL server" >&2; exit 2 ;; esac

SERVER="${DATABASE_URL%/*}"          # postgres://user@host:port
ORIGINAL="$PREFIX"_original
RESTORED="$PREFIX"_restored
WORK="$(mktemp -d)"

step() { printf '\n== %s\n' "$*"; }
drop_databases() {
    PGOPTIONS="-c client_min_messages=warning" psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 \
        -c "DROP DATABASE IF EXISTS \"$ORIGINAL\" WITH (FORCE)" \
        -c "DROP DATABASE IF EXISTS \"$RESTORED\" WITH (FORCE)" >/dev/null
}
finish() {
    status=$?
    [ "$KEEP" = yes ] || drop_databases || true
    rm -rf "$WORK"
    if [ $status -eq 0 ]; then echo; echo "Restore drill passed."; else echo; echo "Restore drill FAILED (exit $status)." >&2; fi
}
trap finish EXIT

# The portal's processes see only what the drill gives them (never this shell's Redis or settings).
portal() {
    local database="$1"; shift
    env -u REDIS_URL -u CELERY_BROKER_URL -u CELERY_RESULT_BACKEND -u DJANGO_SETTINGS_MODULE \
        DJANGO_SETTINGS_MODULE="${SETTINGS:-bench.settings}" DATABASE_URL="$SERVER/$database" \
        EMAIL_BACKEND=django.core.mail.backends.dummy.EmailBackend LOG_LEVEL=ERROR PYTHONPATH="$ROOT" \
        "$@"
}

cd "$ROOT"
drop_databases
started=$(date +%s)

step "1. A seeded database: $ORIGINAL"
psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$ORIGINAL\"" >/dev/null
portal "$ORIGINAL" "$PYTHON" manage.py migrate --noinput -v 0
portal "$ORIGINAL" "$PYTHON" manage.py seed_demo >/dev/null
portal "$ORIGINAL" "$PYTHON" -m bench.restore_smoke snapshot "$WORK/counts.json"

step "2. Back up with pg_dump"
pg_dump --format=custom --no-owner --no-privileges --file="$WORK/portal.dump" "$SERVER/$ORIGINAL"
echo "Backup: $(du -h "$WORK/portal.dump" | cut -f1) in $WORK/portal.dump"

step "3. Restore into a fresh database: $RESTORED"
psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE \"$RESTORED\"" >/dev/null
pg_restore --exit-on-error --no-owner --no-privileges --dbname="$SERVER/$RESTORED" "$WORK/portal.dump"
echo "Restored."

step "4. The portal's checks against the restored copy"
SETTINGS=lmcportal.settings.production portal "$RESTORED" \
    env SECRET_KEY="restore-drill-$(date +%s%N)-not-a-real-secret-key-0123456789abcdef" \
    ALLOWED_HOSTS=portal.lmc.example.org REDIS_URL=redis://restore-drill.invalid:6379/0 \
    "$PYTHON" manage.py check --deploy --database default --fail-level WARNING
portal "$RESTORED" "$PYTHON" manage.py migrate --check --noinput -v 0
echo "No migration missing."

step "5. Smoke test against the restored copy"
portal "$RESTORED" "$PYTHON" -m bench.restore_smoke verify "$WORK/counts.json"
echo "Took $(( $(date +%s) - started )) s."
