#!/usr/bin/env bash
# Installs (apt/pip) and starts the services Sluice's tests and quickstart use, on loopback, in a
# temporary directory, without systemd. Idempotent: a running service is left alone.
#
#   scripts/services.sh start     install if needed, start PostgreSQL 15 and ClickHouse, write services.env
#   scripts/services.sh stop      stop them and remove their data
#   scripts/services.sh status    print what runs
#   scripts/services.sh env       print the environment file's path
#
# Ports stay below 32768 (outside Linux's ephemeral range, so a readiness probe cannot self-connect).
# Override with SLUICE_PG_PORT, SLUICE_CH_HTTP_PORT, SLUICE_CH_TCP_PORT; the state lives in
# SLUICE_SERVICES_DIR (default /tmp/sluice-services). Source "$SLUICE_SERVICES_DIR/services.env" to
# get PGHOST/PGPORT/... and SLUICE_CLICKHOUSE_URL for the tests.
set -euo pipefail

DIR=${SLUICE_SERVICES_DIR:-/tmp/sluice-services}
PG_PORT=${SLUICE_PG_PORT:-25432}
CH_HTTP=${SLUICE_CH_HTTP_PORT:-28123}
CH_TCP=${SLUICE_CH_TCP_PORT:-29000}
PGBIN=/usr/lib/postgresql/15/bin
PG_SUPER_PASSWORD=${SLUICE_PG_SUPER_PASSWORD:-sluice-super}
PG_ETL_PASSWORD=${SLUICE_PG_PASSWORD:-etlpw}
CH_ETL_PASSWORD=${SLUICE_CH_PASSWORD:-etlpw}

log() { printf '[services] %s\n' "$*" >&2; }

apt_install() {
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    log "apt-get install ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=900 update -qq >/dev/null
    apt-get -o DPkg::Lock::Timeout=900 install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

install_packages() {
    apt_install postgresql-15 postgresql-client-15 libpq-dev clickhouse-server clickhouse-client \
        libsnappy-dev libzstd-dev zlib1g-dev liblz4-dev libbrotli-dev libcurl4-openssl-dev pkg-config iproute2 curl
}

wait_for_port() { # port pid name
    for _ in $(seq 1 600); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        kill -0 "$2" 2>/dev/null || { log "$3 died"; return 1; }
        sleep 0.05
    done
    log "$3 did not listen on port $1"; return 1
}

pg_running() { [ -f "$DIR/pg/data/postmaster.pid" ] && kill -0 "$(head -1 "$DIR/pg/data/postmaster.pid")" 2>/dev/null; }

start_postgres() {
    if pg_running; then log "PostgreSQL already running on $PG_PORT"; return 0; fi
    local root=$DIR/pg
    rm -rf "$root"; mkdir -p "$root"; chown postgres:postgres "$root"; chmod 700 "$root"
    printf '%s' "$PG_SUPER_PASSWORD" > "$root/pwfile"; chown postgres "$root/pwfile"
    runuser -u postgres -- "$PGBIN/initdb" -D "$root/data" -U postgres --pwfile="$root/pwfile" \
        -A scram-sha-256 -E UTF8 --locale=C.UTF-8 --no-sync >"$root/initdb.log"
    cat >> "$root/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$root'
wal_level = logical
max_replication_slots = 8
max_wal_senders = 8
max_connections = 100
fsync = off
synchronous_commit = off
full_page_writes = off
shared_buffers = 128MB
timezone = 'UTC'
CONF
    runuser -u postgres -- "$PGBIN/pg_ctl" -D "$root/data" -l "$root/server.log" -w -t 60 start >/dev/null
    PGPASSWORD=$PG_SUPER_PASSWORD psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q <<SQL
CREATE ROLE etl LOGIN PASSWORD '$PG_ETL_PASSWORD' REPLICATION;
CREATE DATABASE etl OWNER etl;
SQL
    log "PostgreSQL 15 on 127.0.0.1:$PG_PORT (database etl, user etl)"
}

ch_running() { [ -f "$DIR/ch/server.pid" ] && kill -0 "$(cat "$DIR/ch/server.pid")" 2>/dev/null; }

start_clickhouse() {
    if ch_running; then log "ClickHouse already running on $CH_HTTP"; return 0; fi
    local root=$DIR/ch
    rm -rf "$root"; mkdir -p "$root"/{data,tmp,user_files,format_schemas,log}
    cat > "$root/config.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <logger><level>warning</level><log>$root/log/server.log</log><errorlog>$root/log/server.err.log</errorlog><size>100M</size><count>2</count></logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CH_HTTP</http_port>
  <tcp_port>$CH_TCP</tcp_port>
  <max_connections>256</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>64</max_concurrent_queries>
  <uncompressed_cache_size>134217728</uncompressed_cache_size>
  <mark_cache_size>134217728</mark_cache_size>
  <path>$root/data/</path>
  <tmp_path>$root/tmp/</tmp_path>
  <user_files_path>$root/user_files/</user_files_path>
  <format_schema_path>$root/format_schemas/</format_schema_path>
  <users_config>$root/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
XML
    local sha; sha=$(printf '%s' "$CH_ETL_PASSWORD" | sha256sum | cut -d' ' -f1)
    cat > "$root/users.xml" <<XML
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default><max_memory_usage>4000000000</max_memory_usage><max_threads>2</max_threads></default>
    <etl><max_memory_usage>4000000000</max_memory_usage><max_threads>2</max_threads><max_insert_block_size>1048576</max_insert_block_size></etl>
  </profiles>
  <users>
    <default><password></password><networks><ip>127.0.0.1</ip><ip>::1</ip></networks><profile>default</profile><quota>default</quota></default>
    <etl><password_sha256_hex>$sha</password_sha256_hex><networks><ip>127.0.0.1</ip></networks><profile>etl</profile><quota>default</quota></etl>
  </users>
  <quotas><default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default></quotas>
</yandex>
XML
    ( cd "$root" && exec /usr/sbin/clickhouse-server --config-file="$root/config.xml" >"$root/log/stdout.log" 2>&1 ) &
    echo $! > "$root/server.pid"
    wait_for_port "$CH_HTTP" "$(cat "$root/server.pid")" ClickHouse || { tail -n 30 "$root/log/server.err.log" "$root/log/stdout.log" >&2; exit 1; }
    curl -sf "http://127.0.0.1:$CH_HTTP/ping" >/dev/null
    log "ClickHouse $(curl -sf "http://127.0.0.1:$CH_HTTP/?query=SELECT%20version()") on 127.0.0.1:$CH_HTTP (user etl)"
}

write_env() {
    cat > "$DIR/services.env" <<ENV
export SLUICE_SERVICES_DIR=$DIR
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=etl PGDATABASE=etl PGPASSWORD=$PG_ETL_PASSWORD
export SLUICE_PG_SUPER_PASSWORD=$PG_SUPER_PASSWORD
export SLUICE_PG_PASSWORD=$PG_ETL_PASSWORD
export SLUICE_CLICKHOUSE_URL=http://127.0.0.1:$CH_HTTP
export SLUICE_CLICKHOUSE_USER=etl SLUICE_CH_PASSWORD=$CH_ETL_PASSWORD
export SLUICE_CH_TCP_PORT=$CH_TCP
ENV
}

stop_all() {
    if pg_running; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null || true; fi
    if ch_running; then
        local pid; pid=$(cat "$DIR/ch/server.pid"); kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -rf "$DIR"
    log "stopped"
}

case "${1:-start}" in
    start)
        install_packages
        mkdir -p "$DIR"; chmod 755 "$DIR"
        start_postgres
        start_clickhouse
        write_env
        echo "$DIR/services.env" ;;
    stop) stop_all ;;
    status)
        pg_running && echo "postgres: running on $PG_PORT" || echo "postgres: stopped"
        ch_running && echo "clickhouse: running on $CH_HTTP" || echo "clickhouse: stopped" ;;
    env) echo "$DIR/services.env" ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
