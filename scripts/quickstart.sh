#!/usr/bin/env bash
# The README's first command: installs and starts PostgreSQL and ClickHouse, seeds public.orders, builds
# Sluice, runs the quickstart pipeline with a driver and two executor processes, and prints what landed.
#
#   scripts/quickstart.sh [ROWS]        (default 100000 rows)
#
# Run it again after changing rows in PostgreSQL to see an incremental run move only what changed.
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${1:-100000}

ENV_FILE=$(scripts/services.sh start)
# shellcheck disable=SC1090
source "$ENV_FILE"

echo "==> building sluice (a first build takes a few minutes)"
if ! swift build --product sluice >/tmp/sluice-quickstart-build.log 2>&1; then
    grep -E "error" /tmp/sluice-quickstart-build.log | head -n 20
    echo "build failed; full log: /tmp/sluice-quickstart-build.log"
    exit 1
fi
SLUICE="$(swift build --show-bin-path)/sluice"

echo "==> seeding public.orders with $ROWS rows"
psql -q -v rows="$ROWS" -f examples/quickstart/seed.sql

export SLUICE_STAGING=${SLUICE_STAGING:-/tmp/sluice-staging}
# The table was just seeded anew, so load it whole (a first run would be a backfill anyway; later runs of
# this script force one). Incremental runs are what `sluice run` does without --mode once a bookmark exists.
echo "==> sluice run --local 2 --mode backfill"
"$SLUICE" run --config examples/quickstart/pipeline.yaml --local 2 --mode backfill

ch() { curl -sS --fail-with-body -u "$SLUICE_CLICKHOUSE_USER:$SLUICE_CH_PASSWORD" "$SLUICE_CLICKHOUSE_URL/" --data-binary "$1"; }
echo
echo "==> what landed in ClickHouse"
echo "PostgreSQL rows (status <> 'test'): $(psql -Atc "SELECT count(*) FROM public.orders WHERE status <> 'test'")"
echo "clean.orders live rows:             $(ch 'SELECT count() FROM clean.orders FINAL WHERE _sluice_deleted = 0')"
echo "curated.orders rows (no FINAL):     $(ch 'SELECT count() FROM curated.orders')"
echo
ch "SELECT status, count() AS orders, sum(total) AS revenue, countIf(isNull(order_date)) AS null_dates
    FROM curated.orders GROUP BY status ORDER BY status FORMAT PrettyCompactMonoBlock"
echo
ch "SELECT id, status, total, note, order_date, created_at, created_at_us, updated_at
    FROM curated.orders ORDER BY id LIMIT 5 FORMAT PrettyCompactMonoBlock"
echo
echo "==> bookmarks (etl_metadata.cdc_state)"
ch "SELECT table_name, argMax(last_extracted_value, version) AS bookmark, argMax(backfill, version) AS backfill
    FROM etl_metadata.cdc_state GROUP BY table_name FORMAT PrettyCompactMonoBlock"
echo
echo "Staging shards: $SLUICE_STAGING"
echo "Try: psql -c \"UPDATE orders SET total = total + 1, updated_at = now() WHERE id <= 10\" && $SLUICE run --config examples/quickstart/pipeline.yaml --local 2"
echo "     then: $SLUICE status --config examples/quickstart/pipeline.yaml   (bookmarks and the last runs)"
