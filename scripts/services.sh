#!/usr/bin/env bash
# Installs (apt/pip) and starts the services Sluice's tests and quickstart use, on loopback, in a
# temporary directory, without systemd. Idempotent: a running service is left alone.
#
#   scripts/services.sh start     install if needed, start PostgreSQL 15, ClickHouse, moto_server and OpenStack Swift
#                                 (s3api), write services.env
#   scripts/services.sh stop      stop them and remove their data
#   scripts/services.sh status    print what runs
#   scripts/services.sh env       print the environment file's path
#
# Ports stay below 32768 (outside Linux's ephemeral range, so a readiness probe cannot self-connect).
# Override with SLUICE_PG_PORT, SLUICE_CH_HTTP_PORT, SLUICE_CH_HTTPS_PORT, SLUICE_CH_TCP_PORT, SLUICE_MOTO_PORT (25500),
# SLUICE_SWIFT_PORT (25510; its backends and memcached take the next four ports); the state lives in
# SLUICE_SERVICES_DIR (default /tmp/sluice-services). Source "$SLUICE_SERVICES_DIR/services.env" to
# get PGHOST/PGPORT/... and SLUICE_CLICKHOUSE_URL for the tests.
#
# ClickHouse runs from the repository's cluster/clickhouse/config.xml and users.xml, rendered into
# $SLUICE_SERVICES_DIR/ch/ (their @@NAME@@ placeholders filled: ports, paths, loopback, password hashes), with a
# self-signed certificate for its https port made by openssl at start. Its users: etl (the writer Sluice loads
# with; SLUICE_CH_PASSWORD) and analyst (read-only; SLUICE_CH_ANALYST_PASSWORD, databases
# SLUICE_CH_ANALYST_DATABASES); there is no passwordless default user.
set -euo pipefail

DIR=${SLUICE_SERVICES_DIR:-/tmp/sluice-services}
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CH_TEMPLATES=$REPO/cluster/clickhouse
PG_PORT=${SLUICE_PG_PORT:-25432}
CH_HTTP=${SLUICE_CH_HTTP_PORT:-28123}
CH_HTTPS=${SLUICE_CH_HTTPS_PORT:-28443}
CH_TCP=${SLUICE_CH_TCP_PORT:-29000}
CH_HOST=127.0.0.1
# S3: moto_server (pip; accepts any signature) and OpenStack Swift with s3api (apt; checks SigV4 and payload hashes).
MOTO_PORT=${SLUICE_MOTO_PORT:-25500}
SWIFT_PORT=${SLUICE_SWIFT_PORT:-25510}
SWIFT_ACCESS_KEY=etl:tester
SWIFT_SECRET=testing
PGBIN=/usr/lib/postgresql/15/bin
PG_SUPER_PASSWORD=${SLUICE_PG_SUPER_PASSWORD:-sluice-super}
PG_ETL_PASSWORD=${SLUICE_PG_PASSWORD:-etlpw}
CH_ETL_PASSWORD=${SLUICE_CH_PASSWORD:-etlpw}
CH_ANALYST_USER=analyst
CH_ANALYST_PASSWORD=${SLUICE_CH_ANALYST_PASSWORD:-analystpw}
# Space-separated; the first is the database an analyst session starts in.
CH_ANALYST_DATABASES=${SLUICE_CH_ANALYST_DATABASES:-curated clean}

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
        libsnappy-dev libzstd-dev zlib1g-dev liblz4-dev libbrotli-dev libcurl4-openssl-dev pkg-config iproute2 curl openssl
}

wait_for_port() { # port pid name
    for _ in $(seq 1 600); do
        ss -Hltn "sport = :$1" | grep -q . && return 0
        kill -0 "$2" 2>/dev/null || { log "$3 died"; return 1; }
        sleep 0.05
    done
    log "$3 did not listen on port $1"; return 1
}

install_s3_packages() {
    apt_install swift-proxy swift-object swift-container swift-account memcached
    if ! command -v moto_server >/dev/null 2>&1 || ! python3 -c 'import boto3, moto' 2>/dev/null; then
        log "pip install moto[s3] flask flask-cors boto3"
        python3 -m pip install -q 'moto[s3]' flask flask-cors boto3 >/dev/null
    fi
}

# pid_running PIDFILE PROGRAM: the process of PIDFILE is alive and is PROGRAM (a PID left in a stale file may
# belong to another process by now, which must be neither trusted nor killed).
pid_running() {
    [ -f "$1" ] || return 1
    local pid; pid=$(cat "$1")
    kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

swift_program() { case $1 in memcached) echo memcached ;; *) echo "swift-$1-server" ;; esac; }

# moto_server on loopback, state in memory only (docs/s3.md). It accepts any signature.
start_moto() {
    local root=$DIR/moto
    if pid_running "$root/moto.pid" moto_server; then log "moto_server already running on $MOTO_PORT"; return 0; fi
    rm -rf "$root"; mkdir -p "$root"
    ( exec moto_server -H 127.0.0.1 -p "$MOTO_PORT" >"$root/moto.log" 2>&1 ) &
    echo $! > "$root/moto.pid"
    wait_for_port "$MOTO_PORT" "$(cat "$root/moto.pid")" moto_server || { tail -n 20 "$root/moto.log" >&2; exit 1; }
    curl -sf -o /dev/null "http://127.0.0.1:$MOTO_PORT/moto-api/" || { log "moto_server does not answer"; exit 1; }
    log "moto_server on 127.0.0.1:$MOTO_PORT"
}

swift_running() {
    local name
    for name in memcached account container object proxy; do
        pid_running "$DIR/swift/run/$name.pid" "$(swift_program "$name")" || return 1
    done
}

# Single-node OpenStack Swift with the s3api middleware and tempauth (S3 key etl:tester, secret testing); its
# configuration lives in $DIR/swift through swift_dir (/etc/swift is not touched). SERVICES.md 5b.
start_swift() {
    local sw=$DIR/swift p=$SWIFT_PORT
    local pa=$((p + 1)) pc=$((p + 2)) po=$((p + 3)) pm=$((p + 4))
    if swift_running; then log "Swift (s3api) already running on $p"; return 0; fi
    stop_swift
    rm -rf "$sw"; mkdir -p "$sw"/{node/d1,log,run}
    cat > "$sw/swift.conf" <<CONF
[swift-hash]
swift_hash_path_suffix = sluice-suffix
swift_hash_path_prefix = sluice-prefix
[storage-policy:0]
name = Policy-0
default = yes
CONF
    local common="[DEFAULT]
swift_dir = $sw
devices = $sw/node
mount_check = false
bind_ip = 127.0.0.1
user = root
workers = 0
log_facility = LOG_LOCAL2
log_level = WARNING
disable_fallocate = true"
    local kind port
    for kind in account container object; do
        case $kind in account) port=$pa ;; container) port=$pc ;; object) port=$po ;; esac
        printf '%s\nbind_port = %s\n[pipeline:main]\npipeline = %s-server\n[app:%s-server]\nuse = egg:swift#%s\n' \
            "$common" "$port" "$kind" "$kind" "$kind" > "$sw/$kind-server.conf"
    done
    cat > "$sw/proxy-server.conf" <<CONF
$common
bind_port = $p
[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server
[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true
[filter:s3api]
use = egg:swift#s3api
location = us-east-1
s3_acl = false
check_bucket_owner = false
[filter:tempauth]
use = egg:swift#tempauth
user_etl_tester = $SWIFT_SECRET .admin
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$pm
[filter:catch_errors]
use = egg:swift#catch_errors
[filter:gatekeeper]
use = egg:swift#gatekeeper
[filter:healthcheck]
use = egg:swift#healthcheck
[filter:proxy-logging]
use = egg:swift#proxy_logging
[filter:listing_formats]
use = egg:swift#listing_formats
[filter:copy]
use = egg:swift#copy
[filter:slo]
use = egg:swift#slo
[filter:dlo]
use = egg:swift#dlo
CONF
    # The three 1-replica rings in one Python process (nine swift-ring-builder calls take about 10 s).
    /usr/bin/python3 - "$sw" "$pa" "$pc" "$po" <<'PY'
import sys
from swift.common.ring import RingBuilder
sw, ports = sys.argv[1], dict(zip(["account", "container", "object"], map(int, sys.argv[2:5])))
for name, port in ports.items():
    b = RingBuilder(4, 1, 0)
    b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": port, "device": "d1", "weight": 1.0})
    b.rebalance()
    b.save(f"{sw}/{name}.builder")
    b.get_ring().save(f"{sw}/{name}.ring.gz")
PY
    ( exec memcached -u nobody -l 127.0.0.1 -p "$pm" -U 0 -m 32 >"$sw/log/memcached.log" 2>&1 ) &
    echo $! > "$sw/run/memcached.pid"
    for kind in account container object proxy; do
        ( exec /usr/bin/swift-$kind-server "$sw/$kind-server.conf" >"$sw/log/$kind.log" 2>&1 ) &
        echo $! > "$sw/run/$kind.pid"
    done
    wait_for_port "$pm" "$(cat "$sw/run/memcached.pid")" memcached || exit 1
    wait_for_port "$pa" "$(cat "$sw/run/account.pid")" swift-account || { tail -n 20 "$sw/log/account.log" >&2; exit 1; }
    wait_for_port "$pc" "$(cat "$sw/run/container.pid")" swift-container || { tail -n 20 "$sw/log/container.log" >&2; exit 1; }
    wait_for_port "$po" "$(cat "$sw/run/object.pid")" swift-object || { tail -n 20 "$sw/log/object.log" >&2; exit 1; }
    wait_for_port "$p" "$(cat "$sw/run/proxy.pid")" swift-proxy || { tail -n 20 "$sw/log/proxy.log" >&2; exit 1; }
    curl -sf -o /dev/null "http://127.0.0.1:$p/healthcheck" || { log "Swift does not answer /healthcheck"; exit 1; }
    log "OpenStack Swift (s3api) on 127.0.0.1:$p (key $SWIFT_ACCESS_KEY)"
}

stop_swift() {
    local name
    for name in memcached account container object proxy; do
        if pid_running "$DIR/swift/run/$name.pid" "$(swift_program "$name")"; then
            kill "$(cat "$DIR/swift/run/$name.pid")" 2>/dev/null || true
        fi
    done
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

# render TEMPLATE OUTPUT NAME=VALUE...: replaces every @@NAME@@ of the template; fails if a placeholder is left.
render() {
    local template=$1 output=$2 text pair; shift 2
    text=$(<"$template")
    for pair in "$@"; do
        # quoted replacement: bash 5.2 would otherwise expand & in a value to the matched text
        text=${text//"@@${pair%%=*}@@"/"${pair#*=}"}
    done
    if [[ $text =~ @@[A-Z0-9_]+@@ ]]; then log "$template: ${BASH_REMATCH[0]} was not rendered"; return 1; fi
    printf '%s\n' "$text" > "$output"
}

sha256_hex() { printf '%s' "$1" | sha256sum | cut -d' ' -f1; }

# Renders config.xml and users.xml for a server in ROOT into OUT (ROOT itself, or a scratch directory to compare
# a running server's files with).
render_clickhouse() { # root out
    local root=$1 out=$2 databases='' db
    for db in $CH_ANALYST_DATABASES; do
        [[ $db =~ ^[A-Za-z_][A-Za-z0-9_]*$ ]] || { log "SLUICE_CH_ANALYST_DATABASES: invalid database name '$db'"; return 1; }
        databases+="${databases:+
                }<database>$db</database>"
    done
    render "$CH_TEMPLATES/config.xml" "$out/config.xml" \
        LISTEN_HOST="$CH_HOST" HTTP_PORT="$CH_HTTP" HTTPS_PORT="$CH_HTTPS" TCP_PORT="$CH_TCP" \
        DATA_DIR="$root" LOG_DIR="$root/log" LOG_LEVEL=warning USERS_XML="$root/users.xml" \
        TLS_CERT="$root/tls/server.crt" TLS_KEY="$root/tls/server.key"
    ( umask 077; render "$CH_TEMPLATES/users.xml" "$out/users.xml" \
        ETL_PASSWORD_SHA256="$(sha256_hex "$CH_ETL_PASSWORD")" ANALYST_PASSWORD_SHA256="$(sha256_hex "$CH_ANALYST_PASSWORD")" \
        WRITER_NETWORK="$CH_HOST" ANALYST_NETWORK="$CH_HOST" ANALYST_DATABASES="$databases" )
}

# A self-signed certificate for the https port, valid for 127.0.0.1 and localhost; clients trust it by
# using it as their CA file (SLUICE_CH_CA_FILE).
make_certificate() { # dir
    mkdir -p "$1"
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 30 -subj "/CN=sluice-test-clickhouse" \
        -addext "subjectAltName=IP:$CH_HOST,DNS:localhost" -addext "basicConstraints=critical,CA:TRUE" \
        -keyout "$1/server.key" -out "$1/server.crt" 2>"$1/openssl.log" \
        || { cat "$1/openssl.log" >&2; return 1; }
    chmod 600 "$1/server.key"; chmod 644 "$1/server.crt"
}

start_clickhouse() {
    local root=$DIR/ch
    if ch_running; then
        # Left alone; say so if it runs another configuration than the templates give now (users.xml is reloaded
        # by the server within seconds of a change, config.xml needs a restart: stop, then start).
        local check; check=$(mktemp -d "$DIR/render-check.XXXXXX")
        if render_clickhouse "$root" "$check" && ! { cmp -s "$check/config.xml" "$root/config.xml" && cmp -s "$check/users.xml" "$root/users.xml"; }; then
            log "ClickHouse runs a configuration that differs from cluster/clickhouse/ (or the passwords changed): '$0 stop' and start again to apply it"
        fi
        rm -rf "$check"
        log "ClickHouse already running on $CH_HTTP"; return 0
    fi
    rm -rf "$root"; mkdir -p "$root"/{data,tmp,user_files,format_schemas,log}
    make_certificate "$root/tls"
    render_clickhouse "$root" "$root"
    ( cd "$root" && exec /usr/sbin/clickhouse-server --config-file="$root/config.xml" >"$root/log/stdout.log" 2>&1 ) &
    echo $! > "$root/server.pid"
    local pid; pid=$(cat "$root/server.pid")
    wait_for_port "$CH_HTTP" "$pid" ClickHouse && wait_for_port "$CH_HTTPS" "$pid" "ClickHouse (https)" \
        || { tail -n 30 "$root/log/server.err.log" "$root/log/stdout.log" >&2; exit 1; }
    curl -sf "http://$CH_HOST:$CH_HTTP/ping" >/dev/null
    curl -sf --cacert "$root/tls/server.crt" "https://$CH_HOST:$CH_HTTPS/ping" >/dev/null \
        || { log "ClickHouse's https port $CH_HTTPS does not answer with the generated certificate"; exit 1; }
    local version
    version=$(curl -sf -u "etl:$CH_ETL_PASSWORD" "http://$CH_HOST:$CH_HTTP/" --data-binary 'SELECT version()') \
        || { log "ClickHouse refuses user etl"; tail -n 30 "$root/log/server.err.log" >&2; exit 1; }
    log "ClickHouse $version on $CH_HOST:$CH_HTTP, https $CH_HTTPS (users etl, $CH_ANALYST_USER)"
}

write_env() {
    cat > "$DIR/services.env" <<ENV
export SLUICE_SERVICES_DIR=$DIR
export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=etl PGDATABASE=etl PGPASSWORD=$PG_ETL_PASSWORD
export SLUICE_PG_SUPER_PASSWORD=$PG_SUPER_PASSWORD
export SLUICE_PG_PASSWORD=$PG_ETL_PASSWORD
export SLUICE_CLICKHOUSE_URL=http://$CH_HOST:$CH_HTTP
export SLUICE_CLICKHOUSE_USER=etl SLUICE_CH_PASSWORD=$CH_ETL_PASSWORD
export SLUICE_CH_TCP_PORT=$CH_TCP
export SLUICE_CLICKHOUSE_HTTPS_URL=https://$CH_HOST:$CH_HTTPS SLUICE_CH_HTTPS_PORT=$CH_HTTPS
export SLUICE_CH_CA_FILE=$DIR/ch/tls/server.crt
export SLUICE_CH_ANALYST_USER=$CH_ANALYST_USER SLUICE_CH_ANALYST_PASSWORD=$CH_ANALYST_PASSWORD
export SLUICE_CH_ANALYST_DATABASES="$CH_ANALYST_DATABASES"
export SLUICE_S3_MOTO_URL=http://127.0.0.1:$MOTO_PORT
export SLUICE_S3_SWIFT_URL=http://127.0.0.1:$SWIFT_PORT
export SLUICE_S3_SWIFT_ACCESS_KEY=$SWIFT_ACCESS_KEY SLUICE_S3_SWIFT_SECRET=$SWIFT_SECRET
ENV
}

stop_all() {
    if pg_running; then runuser -u postgres -- "$PGBIN/pg_ctl" -D "$DIR/pg/data" -m fast -w stop >/dev/null || true; fi
    if ch_running; then
        local pid; pid=$(cat "$DIR/ch/server.pid"); kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    pid_running "$DIR/moto/moto.pid" moto_server && kill "$(cat "$DIR/moto/moto.pid")" 2>/dev/null || true
    stop_swift
    rm -rf "$DIR"
    log "stopped"
}

case "${1:-start}" in
    start)
        install_packages
        mkdir -p "$DIR"; chmod 755 "$DIR"
        start_postgres
        start_clickhouse
        install_s3_packages
        start_moto
        start_swift
        write_env
        echo "$DIR/services.env" ;;
    stop) stop_all ;;
    status)
        pg_running && echo "postgres: running on $PG_PORT" || echo "postgres: stopped"
        ch_running && echo "clickhouse: running on $CH_HTTP (https $CH_HTTPS)" || echo "clickhouse: stopped"
        pid_running "$DIR/moto/moto.pid" moto_server && echo "moto: running on $MOTO_PORT" || echo "moto: stopped"
        swift_running && echo "swift: running on $SWIFT_PORT" || echo "swift: stopped" ;;
    env) echo "$DIR/services.env" ;;
    *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
