#!/usr/bin/env bash
# How long a new user waits for data: `./clickstream up` on an empty data folder, `./clickstream simulate` at RATE
# events/s from the moment the gateway answers, and the seconds until each layer's first commit that adds rows
# (bronze.events, silver.events, gold.sessions, gold.page_metrics_1m, gold.daily_active_users). Then the stack is
# stopped (`./clickstream down`) and started again on the same folder, and the same is measured again: a restart
# after an upgrade or a reboot. Times come from the Delta logs' commit files, not from the driver.
#
#   bench/cold-start.sh                 RATE=100, ports 18xxx, a fresh folder under /tmp
#   KEEP=1 bench/cold-start.sh          leaves the data folder (path printed) for a look with ./clickstream sql
set -euo pipefail
HOME_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RATE="${RATE:-100}"
LIMIT="${LIMIT:-600}"   # seconds to wait for a layer before giving up
DATA="$(mktemp -d /tmp/clickstream-cold-start.XXXXXX)"
PORTS=(--data-dir="$DATA" --port=18180 --kafka-port=19192 --spark-metrics-port=19564 --no-prometheus)
TABLES=(bronze/events silver/events gold/sessions gold/page_metrics_1m gold/daily_active_users)
SIM_PID=""

cs() { "$HOME_DIR/clickstream" "$@"; }
cleanup() {
  [ -n "$SIM_PID" ] && kill "$SIM_PID" 2>/dev/null || true
  cs down "${PORTS[@]}" >/dev/null 2>&1 || true
  [ "${KEEP:-0}" = 1 ] && echo "data kept in $DATA" || rm -rf "$DATA"
}
trap cleanup EXIT

# Seconds (since epoch, with decimals) of the first commit after $2 (epoch) in table $1 that adds a file.
first_add_after() {
  local log="$DATA/warehouse/$1/_delta_log" f
  [ -d "$log" ] || return 1
  for f in $(ls "$log" 2>/dev/null | grep -E '^[0-9]+\.json$' | sort); do
    local at; at=$(stat -c %.3Y "$log/$f")
    if awk -v a="$at" -v b="$2" 'BEGIN { exit !(a > b) }' && grep -q '"add"' "$log/$f"; then
      echo "$at"; return 0
    fi
  done
  return 1
}

# Waits for every table's first adding commit after $1; prints one line per table, seconds after $1.
measure() {
  local since="$1" pending=("${TABLES[@]}") deadline=$(( $(date +%s) + LIMIT ))
  while [ ${#pending[@]} -gt 0 ] && [ "$(date +%s)" -lt "$deadline" ]; do
    local still=()
    for t in "${pending[@]}"; do
      if at=$(first_add_after "$t" "$since"); then
        printf '  %-26s %6.1f s\n' "$t" "$(awk -v a="$at" -v b="$since" 'BEGIN { print a - b }')"
      else
        still+=("$t")
      fi
    done
    pending=("${still[@]+"${still[@]}"}")
    sleep 1
  done
  for t in "${pending[@]+"${pending[@]}"}"; do printf '  %-26s   none within %s s\n' "$t" "$LIMIT"; done
}

# Starts the stack and the simulator, then measures from the start of `up`.
up_and_measure() {
  local t0; t0=$(date +%s.%N)
  cs up --detach "${PORTS[@]}" > "$DATA.up.log" 2>&1 || { cat "$DATA.up.log"; exit 1; }
  printf '  %-26s %6.1f s\n' "up returned" "$(awk -v a="$(date +%s.%N)" -v b="$t0" 'BEGIN { print a - b }')"
  "$HOME_DIR/clickstream" simulate "${PORTS[@]}" --rate "$RATE" --duration $(( LIMIT * 2 )) > "$DATA.simulate.log" 2>&1 &
  SIM_PID=$!
  measure "$t0"
}

cs --version >/dev/null   # builds first if the sources changed, outside the measured time
echo "cold start: $(nproc) cores, $(date -u +%Y-%m-%d), commit $(git -C "$HOME_DIR" rev-parse --short HEAD), RATE=$RATE"
up_and_measure

echo "the same stack stopped and started again on the same data folder:"
kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; SIM_PID=""
cs down "${PORTS[@]}" > "$DATA.down.log" 2>&1
up_and_measure
rm -f "$DATA".*.log
