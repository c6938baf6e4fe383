#!/usr/bin/env bash
# Gateway benchmark: the gateway (production jar) against its ceilings, measured in the same run on this machine:
# a bare Vert.x server answering 204 and a bare Kafka producer (ProducerPerformance, acks=all, idempotent). A third,
# informative reference is a bare forwarder (BareKafkaForwarder.java): Vert.x plus one Kafka send per request,
# answering after the ack, i.e. what "never 2xx before the ack" costs before any gateway logic.
# Appends a dated section to bench/RESULTS.md.
#
#   bench/gateway-bench.sh            # 20 s per load step
#   DURATION=10 bench/gateway-bench.sh
#   PROFILE=1 bench/gateway-bench.sh  # instead: CPU profiles of the gateway and the bare forwarder (below)
#   BROKER_ARGS="--config num.io.threads=2" bench/gateway-bench.sh  # broker settings other than the local defaults
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DURATION=${DURATION:-20}
BROKER_ARGS=${BROKER_ARGS:-}
# The production flags (ingest-gateway/README.md, the launcher's LocalStack.GATEWAY_JAVA_OPTS).
GATEWAY_JAVA_OPTS=${GATEWAY_JAVA_OPTS:--Xms128m -Xmx128m -Xmn80m -XX:SurvivorRatio=3 -XX:TargetSurvivorRatio=90 -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:MaxDirectMemorySize=64m}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }

WORK=$(mktemp -d /tmp/clickstream-bench.XXXXXX)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 300); do curl -fs -o /dev/null "$1" && return 0; sleep 0.2; done; echo "not up: $1" >&2; exit 1; }

echo "== building"
./mvnw -q -B -pl ingest-gateway -am package -DskipTests
./mvnw -q -B -f bench/pom.xml dependency:build-classpath -Dmdep.outputFile="$WORK/bench.cp" >/dev/null
BENCH_CP=$(cat "$WORK/bench.cp")
KAFKA_CP="$ROOT/local-kafka/target/classes:$(cat local-kafka/target/classes/clickstream/local-kafka/classpath.txt)"

KAFKA_PORT=$(free_port); CONTROLLER_PORT=$(free_port); BARE_PORT=$(free_port); GW_PORT=$(free_port); FWD_PORT=$(free_port)
BOOTSTRAP=127.0.0.1:$KAFKA_PORT

echo "== starting Kafka on $BOOTSTRAP"
java -Xmx256m -cp "$KAFKA_CP" io.clickstream.localkafka.LocalKafkaServer --data-dir "$WORK/kafka" \
  --port "$KAFKA_PORT" --controller-port "$CONTROLLER_PORT" $BROKER_ARGS > "$WORK/kafka.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 300); do grep -q "LOCAL-KAFKA READY" "$WORK/kafka.log" && break; sleep 0.2; done

echo "== starting the bare 204 server and the gateway"
java -Xmx160m -cp "$BENCH_CP" bench/BareHttpServer.java "$BARE_PORT" > "$WORK/bare.log" 2>&1 &
BARE_PID=$!
PIDS+=($BARE_PID)
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 java $GATEWAY_JAVA_OPTS -Dquarkus.http.port="$GW_PORT" -Dquarkus.http.host=127.0.0.1 -Dkafka.bootstrap.servers="$BOOTSTRAP" \
  -Dclickstream.sites.bench.write-key=bench-write-key -Dclickstream.rate-limit.enabled=false \
  -jar ingest-gateway/target/quarkus-app/quarkus-run.jar > "$WORK/gateway.log" 2>&1 &
GW_PID=$!
PIDS+=($GW_PID)
wait_http "http://127.0.0.1:$GW_PORT/q/health/ready"
for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$BARE_PORT") 2>/dev/null && break; sleep 0.2; done
java -cp "$BENCH_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic bench.forwarder \
  --partitions 6 --replication-factor 1 >/dev/null
# shellcheck disable=SC2086
MALLOC_ARENA_MAX=2 java $GATEWAY_JAVA_OPTS -cp "$BENCH_CP" bench/BareKafkaForwarder.java "$FWD_PORT" "$BOOTSTRAP" bench.forwarder \
  > "$WORK/forwarder.log" 2>&1 &
FWD_PID=$!
PIDS+=($FWD_PID)
for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$FWD_PORT") 2>/dev/null && break; sleep 0.2; done

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
run() { # name url connections events_per_request [rate]; also records the server's CPU time per request
  local out pid before after
  case "$2" in
    "http://127.0.0.1:$GW_PORT") pid=$GW_PID ;;
    "http://127.0.0.1:$FWD_PORT") pid=$FWD_PID ;;
    *) pid=$BARE_PID ;;
  esac
  before=$(cpu_ticks "$pid")
  out=$(CONNECTIONS=$3 EVENTS_PER_REQUEST=$4 RATE=${5:-0} wrk -t2 -c"$3" -d"${DURATION}s" --latency \
        -s bench/wrk/events.lua "$2" 2>&1 | grep '^RESULT')
  after=$(cpu_ticks "$pid")
  out="$out cpu_us_per_request=$(awk -v t=$((after - before)) -v r="$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")" \
        -v hz="$(getconf CLK_TCK)" 'BEGIN{printf "%.1f", t / hz * 1e6 / r}')"
  echo "$1 $out" | tee -a "$WORK/results.txt" >&2
  echo "$out"
}
field() { sed -E "s/.*$1=([0-9.]+).*/\1/" <<<"$2"; }
rps() { awk -v r="$(field requests "$1")" -v d="$(field duration_s "$1")" 'BEGIN{printf "%.0f", r/d}'; }
eps() { awk -v a="$(field acked_events "$1")" -v d="$(field duration_s "$1")" 'BEGIN{printf "%.0f", a/d}'; }

echo "== warm-up (the JIT compiles the hot path)"
DURATION=20 run warmup "http://127.0.0.1:$GW_PORT" 64 1 >/dev/null
DURATION=10 run warmup "http://127.0.0.1:$GW_PORT" 64 50 >/dev/null
DURATION=10 run warmup-bare "http://127.0.0.1:$BARE_PORT" 64 1 >/dev/null
DURATION=10 run warmup-forwarder "http://127.0.0.1:$FWD_PORT" 64 1 >/dev/null

# PROFILE=1: CPU profiles (async-profiler, 10 ms) of the gateway and of the bare forwarder under the same load, single
# events at 64 connections, instead of the table: where the gateway's CPU per request goes beyond answering after
# the ack. Writes collapsed stacks to $PROFILE_DIR (default bench/profiles) and prints samples per 1,000 requests by
# the innermost frame's library (JDK frames count for their caller's), side by side.
profile() {
  local jar lib out who pid port log result
  jar=$(tr ':' '\n' <<<"$BENCH_CP" | grep '/async-profiler-[^/]*\.jar$')
  lib="linux-$(uname -m | sed 's/x86_64/x64/; s/aarch64/arm64/')/libasyncProfiler.so"
  (cd "$WORK" && jar xf "$jar" "$lib")
  out=${PROFILE_DIR:-bench/profiles}
  mkdir -p "$out"
  for who in gateway forwarder; do
    if [ "$who" = gateway ]; then pid=$GW_PID port=$GW_PORT log=gateway.log; else pid=$FWD_PID port=$FWD_PORT log=forwarder.log; fi
    # jcmd would read "key=value" options as its own arguments: start with the defaults, print the stacks to stdout.
    jcmd "$pid" JVMTI.agent_load "$WORK/$lib" start >/dev/null
    result=$(run "profile-$who" "http://127.0.0.1:$port" 64 1)
    jcmd "$pid" JVMTI.agent_load "$WORK/$lib" stop,collapsed >/dev/null
    sleep 1
    grep -E '^[^ ]+;.* [0-9]+$' "$WORK/$log" > "$out/$who.collapsed"
    echo "$who $(field requests "$result")" >> "$WORK/profiled"
  done
  python3 - "$out" "$WORK/profiled" <<'PY'
import collections, re, sys
out, profiled = sys.argv[1], sys.argv[2]
requests = dict(line.split() for line in open(profiled))
libs = [('kernel', r'_\[k\]$'), ('jackson', 'fasterxml'), ('json schema', 'networknt'), ('micrometer', 'micrometer'),
        ('kafka client', 'org/apache/kafka'), ('clickstream', 'io/clickstream'), ('quarkus', 'io/quarkus'),
        ('vert.x web', 'io/vertx/ext/web'), ('vert.x core', 'io/vertx/core'), ('netty', 'io/netty'),
        ('smallrye, mutiny', 'smallrye|mutiny'), ('jvm (gc, jit, runtime)', r'::|^\[')]
# JDK frames (collections, strings, NIO) have no entry: they count for the library that called them.
def library(frames):
    for frame in reversed(frames):
        for name, pattern in libs:
            if re.search(pattern, frame):
                return name
    return 'other'
per_k = {}
for who, n in requests.items():
    counts = collections.Counter()
    for line in open(f'{out}/{who}.collapsed'):
        stack, _, samples = line.rstrip().rpartition(' ')
        counts[library(stack.split(';'))] += int(samples)
    per_k[who] = {k: v * 1000 / int(n) for k, v in counts.items()}
print('samples (10 ms) per 1,000 requests, by the library of the innermost frame (JDK frames: their caller)')
print(f"{'library':24s} {'gateway':>8s} {'forwarder':>10s}")
for name in sorted(per_k['gateway'], key=lambda k: -per_k['gateway'][k]):
    print(f"{name:24s} {per_k['gateway'][name]:8.2f} {per_k['forwarder'].get(name, 0):10.2f}")
print(f"{'total':24s} {sum(per_k['gateway'].values()):8.2f} {sum(per_k['forwarder'].values()):10.2f}")
PY
}
if [ "${PROFILE:-0}" = 1 ]; then
  profile
  exit 0
fi

echo "== load"
BARE64=$(run bare-single-64 "http://127.0.0.1:$BARE_PORT" 64 1)
FWD64=$(run forwarder-single-64 "http://127.0.0.1:$FWD_PORT" 64 1)
GW64=$(run gateway-single-64 "http://127.0.0.1:$GW_PORT" 64 1)
BARE256=$(run bare-single-256 "http://127.0.0.1:$BARE_PORT" 256 1)
FWD256=$(run forwarder-single-256 "http://127.0.0.1:$FWD_PORT" 256 1)
GW256=$(run gateway-single-256 "http://127.0.0.1:$GW_PORT" 256 1)
GWB64=$(run gateway-batch50-64 "http://127.0.0.1:$GW_PORT" 64 50)
GWB256=$(run gateway-batch50-256 "http://127.0.0.1:$GW_PORT" 256 50)
MAX_SINGLE=$(( $(rps "$GW64") > $(rps "$GW256") ? $(rps "$GW64") : $(rps "$GW256") ))
HALF=$(( MAX_SINGLE / 2 ))
GWHALF=$(run gateway-single-64-at-half-max "http://127.0.0.1:$GW_PORT" 64 1 "$HALF")
RSS_MB=$(awk '/VmHWM/ {printf "%.0f", $2/1024}' "/proc/$GW_PID/status")
jcmd "$GW_PID" Thread.print > "$WORK/gateway.threads" 2>/dev/null || true

echo "== loss check"
sleep 2
TOPIC_EVENTS=$(java -cp "$BENCH_CP" org.apache.kafka.tools.GetOffsetShell --bootstrap-server "$BOOTSTRAP" \
  --topic clickstream.events --time -1 2>/dev/null | awk -F: '{s+=$3} END {print s}')
ACKED=$(awk '/^gateway|^warmup /{for(i=1;i<=NF;i++) if ($i ~ /^acked_events=/) {split($i,a,"="); s+=a[2]}} END {print s}' "$WORK/results.txt")
SENT=$(awk '/^gateway|^warmup /{for(i=1;i<=NF;i++) if ($i ~ /^sent_events=/) {split($i,a,"="); s+=a[2]}} END {print s}' "$WORK/results.txt")
NON2XX=$(awk '/^gateway|^warmup /{for(i=1;i<=NF;i++) if ($i ~ /^non2xx=/) {split($i,a,"="); s+=a[2]}} END {print s}' "$WORK/results.txt")

echo "== bare producer ceiling"
EVENT_BYTES=560
java -cp "$BENCH_CP" org.apache.kafka.tools.TopicCommand --bootstrap-server "$BOOTSTRAP" --create --topic bench.ceiling \
  --partitions 6 --replication-factor 1 >/dev/null
PRODUCER=$(java -Xmx512m -cp "$BENCH_CP" org.apache.kafka.tools.ProducerPerformance --topic bench.ceiling \
  --num-records 3000000 --record-size $EVENT_BYTES --throughput -1 \
  --producer-props bootstrap.servers="$BOOTSTRAP" acks=all enable.idempotence=true compression.type=snappy \
  linger.ms=5 batch.size=131072 2>/dev/null | tail -1)
PRODUCER_RPS=$(sed -E 's/.* ([0-9.]+) records\/sec.*/\1/' <<<"$PRODUCER" | cut -d. -f1)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
{
  echo
  echo "## Gateway — $(date -u +%Y-%m-%d) — $(nproc) cores, $(free -g | awk '/Mem/ {print $2}') GiB ($(uname -m))"
  echo
  echo "Command: \`${BROKER_ARGS:+BROKER_ARGS=\"$BROKER_ARGS\" }DURATION=$DURATION bench/gateway-bench.sh\` (wrk -t2, ${DURATION} s per step, 127.0.0.1; wrk, broker and server share the cores)."
  echo "Gateway JVM: \`$GATEWAY_JAVA_OPTS\`. One event ≈ $EVENT_BYTES bytes of JSON. HTTP transport: $(grep -q EpollEventLoop "$WORK/gateway.threads" && echo epoll || echo NIO) in the gateway, $(sed -n 's/.*, //p' "$WORK/bare.log") in the bare servers."
  echo
  echo "| step | gateway | ceiling (same run) | ratio | target |"
  echo "| --- | --- | --- | --- | --- |"
  echo "| single event, 64 conns | $(rps "$GW64") req/s, p99 $(field p99_ms "$GW64") ms | bare 204: $(rps "$BARE64") req/s | $(ratio "$(rps "$GW64")" "$(rps "$BARE64")") | ≥ 0.5 |"
  echo "| CPU per request, single event, 64 conns | $(field cpu_us_per_request "$GW64") µs | bare 204: $(field cpu_us_per_request "$BARE64") µs | $(ratio "$(field cpu_us_per_request "$BARE64")" "$(field cpu_us_per_request "$GW64")") | (informative) |"
  echo "| single event, 256 conns | $(rps "$GW256") req/s, p99 $(field p99_ms "$GW256") ms | bare 204: $(rps "$BARE256") req/s | $(ratio "$(rps "$GW256")" "$(rps "$BARE256")") | ≥ 0.5 |"
  echo "| bare forwarder (HTTP → one Kafka send → answer after the ack), 64 / 256 conns | $(rps "$FWD64") / $(rps "$FWD256") req/s, $(field cpu_us_per_request "$FWD64") µs CPU per request | bare 204: $(rps "$BARE64") / $(rps "$BARE256") req/s | $(ratio "$(rps "$FWD64")" "$(rps "$BARE64")") / $(ratio "$(rps "$FWD256")" "$(rps "$BARE256")") | (informative: gateway ÷ forwarder $(ratio "$(rps "$GW64")" "$(rps "$FWD64")") / $(ratio "$(rps "$GW256")" "$(rps "$FWD256")")) |"
  echo "| 50-event batches, 64 conns | $(eps "$GWB64") events/s | bare producer: $PRODUCER_RPS rec/s | $(ratio "$(eps "$GWB64")" "$PRODUCER_RPS") | ≥ 0.5 |"
  echo "| 50-event batches, 256 conns | $(eps "$GWB256") events/s | bare producer: $PRODUCER_RPS rec/s | $(ratio "$(eps "$GWB256")" "$PRODUCER_RPS") | ≥ 0.5 |"
  echo "| single event at half max ($HALF req/s), 64 conns | p50 $(field p50_ms "$GWHALF") ms, p99 $(field p99_ms "$GWHALF") ms | | | p99 < 25 ms |"
  echo "| gateway peak RSS | $RSS_MB MB | | | < 300 MB |"
  echo "| loss | $ACKED acknowledged (2xx) ≤ $TOPIC_EVENTS in the topic ≤ $SENT sent; $NON2XX non-2xx answers | | | no acknowledged event missing, 0 non-2xx |"
} | tee -a bench/RESULTS.md
