#!/usr/bin/env bash
# Faults, proven with real processes (issue 11): each scenario runs a backfill of a 1,000,000-row PostgreSQL table
# into ClickHouse with a driver and executor processes, breaks something while it runs, and then checks that the
# destination holds exactly the source rows: per-column checksums of the curated layer read without FINAL, the clean
# layer's raw row count (merges stopped, so a doubled row cannot hide) and the run report's rows_loaded. Scenarios
# whose run is expected to fail then rerun (or resume) the pipeline and check the result of that.
#
#   scripts/chaos.sh                 every scenario (CI runs this from scripts/test.sh)
#   scripts/chaos.sh kill_extract    only the named ones
#   CHAOS_ROWS=200000 scripts/chaos.sh
#
# Needs the services (scripts/services.sh start) and a built `sluice` (.build/debug/sluice, or SLUICE=path). The
# scenario that restarts PostgreSQL restarts the services' server: do not run this beside other tests. network_cut
# needs `ip netns` (root, a kernel that allows network namespaces) and fails, saying so, where it is not allowed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
ENV_FILE=$(scripts/services.sh start)
# shellcheck disable=SC1090
source "$ENV_FILE"
SLUICE=${SLUICE:-$ROOT/.build/debug/sluice}
ROWS=${CHAOS_ROWS:-1000000}
WORK=$(mktemp -d /tmp/sluice-chaos.XXXXXX)
SUFFIX=$RANDOM$RANDOM
PGDB=chaos_$SUFFIX
CLEAN=chaos_clean_$SUFFIX
CURATED=chaos_cur_$SUFFIX
META=chaos_meta_$SUFFIX
export SLUICE_TOKEN=chaos-token-$SUFFIX-0123456789abcdef
export SLUICE_LOG_FORMAT=json
PASSED=()
FAILED=()
PIDS=()

log() { echo "[chaos $(date +%H:%M:%S)] $*"; }
ch() { curl -sS --fail-with-body -u "$SLUICE_CLICKHOUSE_USER:$SLUICE_CH_PASSWORD" "$SLUICE_CLICKHOUSE_URL/" --data-binary "$1"; }
pgsuper() { PGPASSWORD=$SLUICE_PG_SUPER_PASSWORD psql -v ON_ERROR_STOP=1 -qAt -U postgres -d "${2:-postgres}" -c "$1"; }
pg() { psql -v ON_ERROR_STOP=1 -qAt -d "$PGDB" -c "$1"; }

cleanup() {
    for pid in "${PIDS[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    ch "SYSTEM START MERGES" >/dev/null 2>&1 || true
    for db in "$CLEAN" "$CURATED" "$META"; do ch "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true; done
    pgsuper "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
    ip netns del sluice-chaos 2>/dev/null || true
    ip link del sluice-chaos0 2>/dev/null || true
    [ -n "${KEEP_CHAOS_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# --- the table and the pipeline ------------------------------------------------------------------------------------

log "seeding $ROWS rows into PostgreSQL database $PGDB"
pgsuper "CREATE DATABASE $PGDB OWNER $PGUSER"
pg "CREATE TABLE items (id bigint PRIMARY KEY, name text NOT NULL, amount numeric(18,4), born date, flag boolean,
                        updated_at timestamptz NOT NULL);
    INSERT INTO items SELECT g, 'item-' || md5(g::text), CASE WHEN g % 17 = 0 THEN NULL ELSE (g::bigint * 7919 % 1000000)::numeric / 10000 END,
                             date '1970-01-02' + (g % 40000), g % 3 = 0, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
    FROM generate_series(1, $ROWS) g;
    CREATE TABLE fail_twice (calls int NOT NULL); INSERT INTO fail_twice VALUES (0);
    ANALYZE items;"
SOURCE_SUMS=$(pg "SELECT count(*), sum(id), sum(length(name)), sum(amount), count(amount),
                         sum((born - date '1970-01-01')::bigint), sum(flag::int), sum(extract(epoch FROM updated_at)::bigint) FROM items" | tr '|' '\t')
log "source: $SOURCE_SUMS"

# pipeline FILE [table-yaml-extra] [run-yaml] [ch-url]
pipeline() {
    local file=$1 extra=${2:-} run=${3:-"{heartbeat_interval: 500ms, executor_timeout: 3s, retries: 5, retry_backoff: 2s, retry_backoff_max: 10s}"}
    local url=${4:-'${SLUICE_CLICKHOUSE_URL}'}
    cat >"$file" <<YAML
pipeline: chaos
source:
  postgres: {host: "\${PGHOST}", port: "\${PGPORT}", database: $PGDB, user: "\${PGUSER}", password: "\${PGPASSWORD}"}
sink:
  clickhouse: {url: "$url", user: "\${SLUICE_CLICKHOUSE_USER}", password: "\${SLUICE_CH_PASSWORD}",
               database: $CLEAN, metadata_database: $META, curated_database: $CURATED}
staging: {directory: $WORK/staging}
run: $run
tables:
  - name: items
    primary_key: [id]
    cursor: updated_at
    lag: 0s
    partition: {column: id, count: 16}
$extra
    columns:
      - {name: id, type: int64, nullable: false}
      - {name: name, type: string, nullable: false}
      - {name: amount, type: "decimal(18,4)"}
      - {name: born, type: date}
      - {name: flag, type: bool}
      - {name: updated_at, type: timestamptz, nullable: false}
YAML
}

fresh_destination() {
    rm -rf "$WORK/staging"
    for db in "$CLEAN" "$CURATED" "$META"; do ch "DROP DATABASE IF EXISTS $db" >/dev/null; done
    # No merge may fold a doubled row into its twin before the raw count sees it.
    ch "SYSTEM STOP MERGES" >/dev/null
}

PORT=0
# start_driver NAME CONFIG [extra args]: a driver listening on a free port; sets DRIVER_PID, PORT, REPORT.
start_driver() {
    local name=$1 config=$2; shift 2
    PORT=$(( 21000 + RANDOM % 3000 ))
    REPORT=$WORK/$name-report.json
    "$SLUICE" driver --config "$config" --listen "${LISTEN_HOST:-127.0.0.1}:$PORT" --report "$REPORT" "$@" >"$WORK/$name-driver.log" 2>&1 &
    DRIVER_PID=$!
    PIDS+=("$DRIVER_PID")
    for _ in $(seq 1 200); do grep -q driver.listening "$WORK/$name-driver.log" 2>/dev/null && return 0; sleep 0.1; done
    log "driver did not listen"; tail -20 "$WORK/$name-driver.log"; return 1
}

# start_executor NAME ID [extra args]: sets EXECUTOR_PID.
start_executor() {
    local name=$1 id=$2; shift 2
    "$SLUICE" executor --connect "127.0.0.1:$PORT" --once --id "$id" "$@" >"$WORK/$name-$id.log" 2>&1 &
    EXECUTOR_PID=$!
    PIDS+=("$EXECUTOR_PID")
}

# wait_driver SECONDS: the driver's exit status.
wait_driver() {
    local deadline=$(( $(date +%s) + $1 ))
    while kill -0 "$DRIVER_PID" 2>/dev/null; do
        if [ "$(date +%s)" -ge "$deadline" ]; then kill -9 "$DRIVER_PID"; log "driver timed out"; fi
        sleep 0.2
    done
    wait "$DRIVER_PID" 2>/dev/null && return 0 || return $?
}

# until_seconds SECONDS COMMAND...: polls COMMAND until it succeeds.
until_seconds() {
    local deadline=$(( $(date +%s) + $1 )); shift
    until "$@"; do [ "$(date +%s)" -lt "$deadline" ] || return 1; sleep 0.05; done
}
loading() { [ -n "$(loading_executor)" ]; }
shards_at_least() { [ "$(staged_shards)" -ge "$1" ]; }
extracting() { compgen -G "$WORK/staging/*/items/*.attempt-*.tmp" >/dev/null; }
# Both executors (one slot each) are writing a shard.
both_extracting() { [ "$(compgen -G "$WORK/staging/*/items/*.attempt-*.tmp" | wc -l)" -ge 2 ]; }
staged_shards() { find "$WORK/staging" -name 'part-*.parquet' 2>/dev/null | wc -l; }
# The pid of an executor with a connection to ClickHouse open (it is loading).
loading_executor() {
    local port=${SLUICE_CLICKHOUSE_URL##*:}
    ss -Htnp state established "( dport = :${1:-$port} )" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | while read -r pid; do
        [ "$pid" != "$DRIVER_PID" ] && grep -q executor "/proc/$pid/cmdline" 2>/dev/null && echo "$pid" && break
    done
}

# verify NAME: the destination equals the source, each row loaded once.
verify() {
    local name=$1 problems=()
    local curated raw loaded
    curated=$(ch "SELECT count(), sum(id), sum(length(name)), sum(amount), count(amount), sum(toUInt16(born)),
                         sum(flag), sum(toUnixTimestamp(updated_at)) FROM $CURATED.items FORMAT TabSeparated")
    raw=$(ch "SELECT count() FROM $CLEAN.items")
    [ "$curated" = "$SOURCE_SUMS" ] || problems+=("curated checksums differ: source [$SOURCE_SUMS] curated [$curated]")
    [ "$(ch "SELECT count() - uniqExact(id) FROM $CURATED.items")" = "0" ] || problems+=("the curated table holds a key twice")
    [ "$raw" = "$ROWS" ] || problems+=("the clean table holds $raw raw rows for $ROWS source rows")
    loaded=$(python3 -c "import json,sys; print(sum(t.get('rows_loaded',0) for t in json.load(open(sys.argv[1]))['tables']))" "$REPORT")
    [ "$loaded" = "$ROWS" ] || problems+=("the report says $loaded rows loaded")
    if [ ${#problems[@]} -eq 0 ]; then
        log "PASS $name: $ROWS rows, checksums equal, raw count $raw"
        PASSED+=("$name")
    else
        log "FAIL $name: ${problems[*]}"
        FAILED+=("$name")
    fi
}

# report_shows NAME PYTHON-EXPRESSION: a check on the report's attempts (outcomes), printed.
attempt_outcomes() {
    python3 -c "
import json, sys, collections
r = json.load(open(sys.argv[1]))
c = collections.Counter(a['outcome'] for t in r['tables'] for k in t.get('tasks', []) for a in k['attempts'])
print(' '.join(f'{k}={v}' for k, v in sorted(c.items())))" "$REPORT"
}
expect_outcome() {
    local name=$1 outcome=$2 seen
    seen=$(attempt_outcomes)
    if [[ " $seen " == *" $outcome="* ]]; then log "  report of $name: $seen"; else
        log "FAIL $name: the report shows no '$outcome' attempt ($seen)"; FAILED+=("$name (report)"); fi
}

CONFIG=$WORK/pipeline.yaml
pipeline "$CONFIG"

# --- scenarios -------------------------------------------------------------------------------------------------------

scenario_kill_extract() {
    fresh_destination
    start_driver kill_extract "$CONFIG"
    start_executor kill_extract e1; local e1=$EXECUTOR_PID; start_executor kill_extract e2
    until_seconds 60 extracting || log "no extraction seen"
    kill -9 "$e1"; log "kill -9 executor e1 ($e1) mid-extract"
    start_executor kill_extract e3
    wait_driver 600 || true
    verify kill_extract; expect_outcome kill_extract lost
}

scenario_kill_load() {
    fresh_destination
    start_driver kill_load "$CONFIG"
    start_executor kill_load e1; start_executor kill_load e2
    local victim=""
    until_seconds 120 loading || true
    victim=$(loading_executor)
    if [ -n "$victim" ]; then kill -9 "$victim"; log "kill -9 executor $victim mid-load"; else log "no load seen"; fi
    start_executor kill_load e3
    wait_driver 600 || true
    verify kill_load; expect_outcome kill_load lost
}

scenario_stall() {
    fresh_destination
    start_driver stall "$CONFIG"
    start_executor stall e1; local e1=$EXECUTOR_PID; start_executor stall e2
    until_seconds 60 extracting || true
    kill -STOP "$e1"; log "SIGSTOP executor e1 ($e1) mid-task"
    until_seconds 30 grep -q executor.lost "$WORK/stall-driver.log" || log "e1 was not declared lost"
    log "e1 declared lost; SIGCONT"
    kill -CONT "$e1"
    wait_driver 600 || true
    verify stall; expect_outcome stall lost
}

scenario_flaky_task() {
    fresh_destination
    pg "UPDATE fail_twice SET calls = 0"
    # Partition 0 calls chaos_flaky() once per read (an uncorrelated subquery, evaluated once): its first two attempts fail with SQLSTATE 40001 (a
    # serialization failure, retryable), counted through dblink because the read's snapshot transaction is read-only;
    # the third attempt reads every row.
    local DBLINK="dbname=$PGDB user=postgres password=$SLUICE_PG_SUPER_PASSWORD host=127.0.0.1 port=$PGPORT"
    pgsuper "CREATE EXTENSION IF NOT EXISTS dblink" "$PGDB"
    pgsuper "CREATE OR REPLACE FUNCTION chaos_flaky() RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER AS \$\$
        DECLARE n int;
        BEGIN
            -- Counted outside the read's snapshot, which would never see the count change.
            SELECT t.calls INTO n FROM dblink('$DBLINK', 'SELECT calls FROM fail_twice') AS t(calls int);
            IF n < 2 THEN
                PERFORM dblink_exec('$DBLINK', 'UPDATE fail_twice SET calls = calls + 1');
                RAISE EXCEPTION 'chaos: planned failure % of 2', n + 1 USING ERRCODE = '40001';
            END IF;
            RETURN true;
        END \$\$" "$PGDB"
    local predicates='"id <= 62500 AND (SELECT chaos_flaky())"' start
    for start in $(seq 62500 62500 $(( ROWS - 1 ))); do predicates+=", \"id > $start AND id <= $(( start + 62500 ))\""; done
    local config=$WORK/flaky.yaml
    pipeline "$config"
    sed -i "s|partition: {column: id, count: 16}|partition: {strategy: predicates, predicates: [$predicates]}|" "$config"
    start_driver flaky "$config"
    start_executor flaky e1; start_executor flaky e2
    wait_driver 600 || true
    log "  partition 0 failed $(pg 'SELECT calls FROM fail_twice') times before it read"
    verify flaky_task; expect_outcome flaky_task failed
}

scenario_kill_driver() {
    fresh_destination
    start_driver kill_driver "$CONFIG"
    start_executor kill_driver e1; start_executor kill_driver e2
    until_seconds 120 shards_at_least 8 || true
    sleep 1.5  # the manifest is rewritten once a second: let it record these shards
    kill -9 "$DRIVER_PID"; log "kill -9 the driver with $(staged_shards) shards staged"
    sleep 1
    local bookmarks; bookmarks=$(ch "SELECT count() FROM $META.cdc_state" 2>/dev/null || echo 0)
    [ "$bookmarks" = "0" ] || { log "FAIL kill_driver: the dead run moved a bookmark"; FAILED+=("kill_driver (bookmark)"); }
    [ "$(ch "SELECT count() FROM $CLEAN.items")" = "0" ] || { log "FAIL kill_driver: the dead run loaded rows"; FAILED+=("kill_driver (rows)"); }
    # The next run resumes what the dead one staged.
    start_driver kill_driver_resume "$CONFIG" --resume last
    start_executor kill_driver_resume e1; start_executor kill_driver_resume e2
    wait_driver 600 || true
    local reused
    reused=$(python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(sum(1 for t in r['tables'] for k in t.get('tasks',[]) if k.get('reused_from')))" "$REPORT")
    log "  the resumed run staged $reused of 16 partitions from the dead run's shards"
    [ "$reused" -ge 8 ] || { log "FAIL kill_driver: the resumed run reused only $reused partitions"; FAILED+=("kill_driver (resume)"); }
    verify kill_driver
}

scenario_postgres_restart() {
    fresh_destination
    start_driver pg_restart "$CONFIG"
    start_executor pg_restart e1; start_executor pg_restart e2
    until_seconds 120 shards_at_least 4 || true
    log "restarting PostgreSQL mid-run"
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$SLUICE_SERVICES_DIR/pg/data" -m fast -w restart >/dev/null
    if wait_driver 600; then
        log "  the run survived the restart"
    else
        log "  the run failed with the restart; running again with --resume last"
        start_driver pg_restart_again "$CONFIG" --resume last
        start_executor pg_restart_again e1; start_executor pg_restart_again e2
        wait_driver 600 || true
    fi
    verify postgres_restart
}

scenario_clickhouse_outage() {
    fresh_destination
    local url=${SLUICE_CLICKHOUSE_URL#http://}
    python3 "$ROOT/Tests/IntegrationTests/Tools/outage_proxy.py" "${url%:*}" "${url##*:}" 20 >"$WORK/outage-proxy.log" 2>&1 &
    local proxy=$!; PIDS+=("$proxy")
    until_seconds 10 grep -q LISTENING "$WORK/outage-proxy.log"
    local port; port=$(awk '/LISTENING/ {print $2; exit}' "$WORK/outage-proxy.log")
    local config=$WORK/outage.yaml
    pipeline "$config" "" "" "http://127.0.0.1:$port"
    start_driver outage "$config"
    start_executor outage e1; start_executor outage e2
    wait_driver 600 || true
    grep -q OUTAGE "$WORK/outage-proxy.log" && log "  ClickHouse was unreachable for 20 s from the first insert"
    kill "$proxy" 2>/dev/null || true
    verify clickhouse_outage; expect_outcome clickhouse_outage failed
}

scenario_wrong_token_and_garbage() {
    fresh_destination
    start_driver garbage "$CONFIG"
    # An executor with the wrong token is refused and says so; garbage and an oversized frame are dropped.
    SLUICE_TOKEN=not-the-token "$SLUICE" executor --connect "127.0.0.1:$PORT" --once --id intruder >"$WORK/intruder.log" 2>&1 &
    local intruder=$!; PIDS+=("$intruder")
    head -c 4096 /dev/urandom | timeout 5 python3 -c "import socket,sys; s=socket.create_connection(('127.0.0.1', $PORT)); s.sendall(sys.stdin.buffer.read()); s.settimeout(3); print(s.recv(100))" >/dev/null 2>&1 || true
    # A frame header announcing 2 GiB: magic, format version, type, flags, length.
    timeout 5 python3 -c "import socket,struct; s=socket.create_connection(('127.0.0.1', $PORT)); s.sendall(b'SL' + bytes([1, 1, 0]) + struct.pack('>I', 0x7fffffff)); s.settimeout(3); print(s.recv(100))" >/dev/null 2>&1 || true
    start_executor garbage e1; start_executor garbage e2
    wait_driver 600 || true
    wait "$intruder" 2>/dev/null && log "FAIL: the intruder exited 0" || true
    grep -q -i "authentication\|token" "$WORK/intruder.log" || { log "FAIL: the intruder's log does not say why"; FAILED+=("wrong_token (message)"); }
    verify wrong_token_and_garbage
}

scenario_sigterm_executor() {
    fresh_destination
    start_driver sigterm "$CONFIG"
    # No grace period: what e1 runs when SIGTERM comes is handed back at once (with one, it would finish first).
    start_executor sigterm e1 --grace-period 0; local e1=$EXECUTOR_PID; start_executor sigterm e2
    # Both, so that e1 surely has a task (SIGTERM as a task reaches it is covered by DrainRaceTests).
    until_seconds 60 both_extracting || log "e1 was not seen extracting"
    kill -TERM "$e1"; log "SIGTERM executor e1 ($e1) mid-task"
    local status=0; wait "$e1" || status=$?
    log "  e1 exited with $status"
    [ "$status" = "0" ] || { log "FAIL sigterm_executor: e1 exited $status"; FAILED+=("sigterm_executor (exit)"); }
    wait_driver 600 || true
    verify sigterm_executor; expect_outcome sigterm_executor handed_back
    grep -q executor.lost "$WORK/sigterm-driver.log" && { log "FAIL sigterm_executor: the driver counted e1 as lost"; FAILED+=("sigterm_executor (lost)"); }
    return 0
}

scenario_network_cut() {
    fresh_destination
    # Executor "cut" runs in a network namespace of its own, joined to the host by a veth pair (host 10.231.0.1,
    # namespace 10.231.0.2). PostgreSQL and ClickHouse listen on 127.0.0.1 only, so relays on the host's end of the
    # link reach them; the executor gets their addresses through its own environment, as a pod would.
    local host=10.231.0.1 ns=sluice-chaos
    if ! ip netns add "$ns" 2>"$WORK/netns.err"; then
        log "FAIL network_cut: ip netns is not allowed here ($(cat "$WORK/netns.err"))"; FAILED+=("network_cut (netns)"); return 0
    fi
    ip link add sluice-chaos0 type veth peer name sluice-chaos1
    ip link set sluice-chaos1 netns "$ns"
    ip addr add "$host/30" dev sluice-chaos0 && ip link set sluice-chaos0 up
    ip netns exec "$ns" ip addr add 10.231.0.2/30 dev sluice-chaos1
    ip netns exec "$ns" ip link set sluice-chaos1 up
    ip netns exec "$ns" ip link set lo up
    local chport=${SLUICE_CLICKHOUSE_URL##*:} relay
    for port in "$PGPORT" "$chport"; do
        python3 "$ROOT/Tests/IntegrationTests/Tools/tcp_relay.py" "$host" "$port" 127.0.0.1 "$port" >"$WORK/relay-$port.log" 2>&1 &
        relay=$!; PIDS+=("$relay")
        until_seconds 10 grep -q LISTENING "$WORK/relay-$port.log"
    done
    # The driver listens on every address: the host's executors connect over loopback, "cut" over the link.
    LISTEN_HOST=0.0.0.0 start_driver network_cut "$CONFIG"
    PGHOST=$host SLUICE_CLICKHOUSE_URL="http://$host:$chport" ip netns exec "$ns" \
        "$SLUICE" executor --connect "$host:$PORT" --once --id cut >"$WORK/network_cut-cut.log" 2>&1 &
    PIDS+=("$!")
    start_executor network_cut e2
    # Cut the link while the namespaced executor reads from PostgreSQL: its connections to the driver, PostgreSQL and
    # ClickHouse all go silent (no reset: the packets just stop).
    if until_seconds 60 bash -c "ip netns exec $ns ss -Htn state established '( dport = :$PGPORT )' | grep -q ."; then
        ip link set sluice-chaos0 down; log "cut executor 'cut' off the network mid-extract"
    else
        log "FAIL network_cut: executor 'cut' never read from PostgreSQL"; FAILED+=("network_cut (setup)")
    fi
    start_executor network_cut e3
    wait_driver 600 || true
    grep -q '"executor.lost"\|executor.lost' "$WORK/network_cut-driver.log" && log "  the driver declared 'cut' lost"
    verify network_cut; expect_outcome network_cut lost
    ip link del sluice-chaos0 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
}

ALL=(kill_extract kill_load stall flaky_task kill_driver postgres_restart clickhouse_outage wrong_token_and_garbage sigterm_executor network_cut)
[ $# -gt 0 ] && SELECTED=("$@") || SELECTED=("${ALL[@]}")
START=$(date +%s)
for name in "${SELECTED[@]}"; do
    log "--- $name"
    "scenario_$name" || { log "FAIL $name: the scenario itself broke"; FAILED+=("$name"); }
done
log "passed: ${PASSED[*]:-none}"
log "done in $(( $(date +%s) - START ))s"
if [ ${#FAILED[@]} -gt 0 ]; then log "FAILED: ${FAILED[*]} (logs in $WORK, kept)"; KEEP_CHAOS_WORK=1; exit 1; fi
