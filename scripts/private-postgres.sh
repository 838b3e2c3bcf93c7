#!/usr/bin/env bash
# A private, throwaway PostgreSQL 15 for tests that must stop or restart the server (the shared one of
# scripts/services.sh serves everyone else's tests and must never be restarted). Same roles and passwords as
# services.sh: superuser postgres ($SLUICE_PG_SUPER_PASSWORD), user etl ($SLUICE_PG_PASSWORD) owning database etl.
#
#   scripts/private-postgres.sh start ROOT PORT   initdb into ROOT (a new, short path) and start on 127.0.0.1:PORT
#   scripts/private-postgres.sh restart ROOT      pg_ctl restart -m fast: every session is cut, as in a server restart
#   scripts/private-postgres.sh stop ROOT         stop it and remove ROOT
#
# Runs the server as the postgres user (it refuses root); ROOT's parents must be searchable by that user (/tmp is).
# Pick PORT below 32768 (outside the ephemeral range, see scripts/services.sh).
set -euo pipefail

PGBIN=/usr/lib/postgresql/15/bin
SUPER_PASSWORD=${SLUICE_PG_SUPER_PASSWORD:-sluice-super}
ETL_PASSWORD=${SLUICE_PG_PASSWORD:-etlpw}
as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-}" in
    start)
        root=${2:?root directory}; port=${3:?port}
        mkdir -p "$root"; [ "$(id -u)" = 0 ] && chown postgres:postgres "$root"; chmod 700 "$root"
        printf '%s' "$SUPER_PASSWORD" > "$root/pwfile"; [ "$(id -u)" = 0 ] && chown postgres "$root/pwfile"
        as_postgres "$PGBIN/initdb" -D "$root/data" -U postgres --pwfile="$root/pwfile" -A scram-sha-256 -E UTF8 \
            --locale=C.UTF-8 --no-sync >"$root/initdb.log"
        cat >> "$root/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$root'
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 64MB
timezone = 'UTC'
CONF
        as_postgres "$PGBIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 start >/dev/null
        PGPASSWORD=$SUPER_PASSWORD psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE etl LOGIN PASSWORD '$ETL_PASSWORD';
CREATE DATABASE etl OWNER etl;
SQL
        echo "PostgreSQL 15 on 127.0.0.1:$port in $root" >&2 ;;
    restart)
        root=${2:?root directory}
        as_postgres "$PGBIN/pg_ctl" -D "$root/data" -l "$root/server.log" -m fast -w -t 60 restart >/dev/null ;;
    stop)
        root=${2:?root directory}
        [ -f "$root/data/postmaster.pid" ] && as_postgres "$PGBIN/pg_ctl" -D "$root/data" -m fast -w stop >/dev/null || true
        rm -rf "$root" ;;
    *)
        sed -n '2,12p' "$0" >&2; exit 2 ;;
esac
