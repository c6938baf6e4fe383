#!/usr/bin/env bash
# The whole local stack (./clickstream up) under steady simulated traffic: each component's memory and the freshness of
# each layer once a minute, then, when the pipeline has caught up, the tables against the simulator's ground truth.
# Prints a report; figures and the machine they came from: bench/spark-results.md.
#
#   bench/soak.sh                          # 1,000 events/s for 1,500 s
#   RATE=500 DURATION=3600 bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RATE=${RATE:-1000}
DURATION=${DURATION:-1500}
DATA=$(mktemp -d /tmp/clickstream-soak.XXXXXX)
# Ports of their own, so that a stack already running on the defaults is left alone.
PORTS=(--data-dir="$DATA" --port=18080 --kafka-port=19092 --spark-metrics-port=19464 --prometheus-port=19090)
./clickstream up --detach "${PORTS[@]}" >/dev/null
trap './clickstream down "${PORTS[@]}" >/dev/null 2>&1 || true' EXIT

metric() { curl -s --max-time 10 "$1" | awk -v m="$2" 'index($0, m) == 1 {s += $NF} END {printf "%.0f", s}'; }
# This stack's processes by the pids in its stack.json (another stack may run beside it); the simulator by its command.
stack_pid() { grep -o "\"$1\" *: *[0-9][0-9]*" "$DATA/stack.json" 2>/dev/null | head -1 | grep -o '[0-9]*$'; }
rss_of() { [ -n "$1" ] && ps -o rss= -p "$1" >/dev/null 2>&1 && echo $(( $(ps -o rss= -p "$1") / 1024 )) || echo -; }
rss_mb() { rss_of "$(stack_pid "$1")"; }
sample() {
  local fresh
  fresh=$(curl -s --max-time 10 localhost:19464/metrics | sed -nE 's/^clickstream_freshness_seconds\{layer="([a-z_]+)"\} ([0-9.]+).*/\1=\2/p' \
    | awk -F= '{printf "%s=%.0fs ", $1, $2}')
  printf '%s  rss MB: kafka=%s gateway=%s spark=%s simulator=%s  parquet files=%s  accepted=%s  freshness: %s\n' \
    "$(date -u +%H:%M:%S)" "$(rss_mb kafka)" "$(rss_mb gateway)" "$(rss_mb spark)" \
    "$(rss_of "$(pgrep -f "ClickstreamCli simulate.*$DATA" | head -1)")" "$(find "$DATA/warehouse" -name '*.parquet' 2>/dev/null | wc -l)" \
    "$(metric localhost:18080/q/metrics clickstream_gateway_events_accepted_total)" "$fresh"
}

echo "== $RATE events/s for $DURATION s, data in $DATA ($(nproc) cores, $(date -u +%F))"
./clickstream simulate "${PORTS[@]}" --rate="$RATE" --duration="$DURATION" --truth="$DATA/truth.json" > "$DATA/simulate.log" 2>&1 &
SIM=$!
while kill -0 "$SIM" 2>/dev/null; do sample; sleep 60; done
wait "$SIM"
cat "$DATA/simulate.log"

echo "== waiting for the pipeline to catch up"
start=$(date +%s)
previous=""
while true; do
  sample
  accepted=$(metric localhost:18080/q/metrics clickstream_gateway_events_accepted_total)
  rows="$(metric localhost:19464/metrics 'clickstream_query_input_rows_total{query="bronze"}') \
$(metric localhost:19464/metrics 'clickstream_query_input_rows_total{query="silver"}') \
$(metric localhost:19464/metrics 'clickstream_query_input_rows_total{query="gold-periodic"}')"
  read -r bronze silver periodic <<< "$rows"
  # Caught up: bronze has read every acknowledged event, silver every bronze row, and nothing moved for a minute.
  if [ "$bronze" -ge "$accepted" ] && [ "$silver" -ge "$bronze" ] && [ "$rows" = "$previous" ]; then
    echo "caught up $(( $(date +%s) - start )) s after the last event was sent"
    break
  fi
  previous=$rows
  sleep 60
done

echo "== tables against the ground truth ($DATA/truth.json)"
./clickstream sql --json "${PORTS[@]}" "
SELECT (SELECT COUNT(*) FROM bronze.events) AS bronze_rows,
       (SELECT COUNT(DISTINCT topic, partition, offset) FROM bronze.events) AS bronze_offsets,
       (SELECT COUNT(*) FROM silver.events) AS silver_events,
       (SELECT COUNT(*) - COUNT(DISTINCT event_id) FROM silver.events) AS silver_duplicate_ids,
       (SELECT COUNT(*) FROM silver.quarantine) AS quarantined,
       (SELECT COUNT(*) FROM gold.sessions) AS sessions,
       (SELECT SUM(viewed_product) FROM gold.funnel) AS funnel_viewed_product,
       (SELECT SUM(purchased) FROM gold.funnel) AS funnel_purchased,
       (SELECT CAST(SUM(revenue) AS STRING) FROM gold.revenue_5m) AS revenue" > "$DATA/tables.json"
python3 - "$DATA/truth.json" "$DATA/tables.json" "$(metric localhost:18080/q/metrics clickstream_gateway_events_accepted_total)" <<'EOF'
import json, sys
from decimal import Decimal
truth = json.load(open(sys.argv[1]))
tables = json.loads(open(sys.argv[2]).read().strip().splitlines()[-1])
rows = [
    ("bronze rows = events the gateway acknowledged", int(sys.argv[3]), tables["bronze_rows"]),
    ("bronze: one row per Kafka offset", tables["bronze_rows"], tables["bronze_offsets"]),
    ("silver events", truth["silverEvents"], tables["silver_events"]),
    ("silver: duplicate event ids", 0, tables["silver_duplicate_ids"]),
    ("silver.quarantine", truth["quarantined"], tables["quarantined"]),
    ("gold.sessions", truth["sessions"], tables["sessions"]),
    ("gold.funnel viewed a product", truth["funnel"]["product_view"], tables["funnel_viewed_product"]),
    ("gold.funnel purchased", truth["funnel"]["purchase"], tables["funnel_purchased"]),
    ("gold.revenue_5m revenue", Decimal(str(truth["revenue"])), Decimal(tables["revenue"] or "0")),
]
print("| check | ground truth | tables | |\n| --- | --- | --- | --- |")
bad = 0
for name, want, got in rows:
    ok = want == got
    bad += not ok
    print(f"| {name} | {want} | {got} | {'ok' if ok else 'DIFFERENT'} |")
sys.exit(1 if bad else 0)
EOF
