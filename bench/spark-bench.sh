#!/usr/bin/env bash
# Throughput and latency of the all-layers Spark driver (AllLayersJob) on this machine, against a real local
# Kafka broker. Figures and the machine they came from: bench/spark-results.md.
#
#   bench/spark-bench.sh backlog 200000      # events/s through bronze, silver and gold from a full topic
#   BENCH_OPTS=-Dbench.warmup=300 bench/spark-bench.sh backlog 500000
#                                            # the same backlog arriving at once at a driver warmed up for 300 s
#                                            # at bench.warmupRate (2000) events/s
#   bench/spark-bench.sh rate 5000 120       # end-to-end latency p50/p95 per layer at a fixed input rate, after
#                                            # bench.warmup (60) s at that rate
#   bench/spark-bench.sh batch 16 10000      # one silver + gold micro-batch of 10,000 events, 16 times in this
#                                            # JVM without Kafka: wall time, Spark jobs and job time by table
set -euo pipefail
cd "$(dirname "$0")/.."
case "${1:-} ${2:-}" in
  "backlog "[0-9]*|"rate "[0-9]*|"batch "[0-9]*) ;;
  *) sed -n '5,12p' "$0" | sed 's/^# \{0,1\}//' >&2; echo "usage: $0 backlog EVENTS | rate EVENTS_PER_S SECONDS | batch BATCHES EVENTS" >&2; exit 2 ;;
esac
./mvnw -q -pl spark-apps -am install -DskipTests
A=spark-apps
mkdir -p "$A/target/tmp"
TMP="$(pwd)/$A/target/tmp"
CP="$A/target/classes:$A/target/test-classes:$(cat "$A/target/test-classpath.txt")"
export SPARK_LOCAL_IP=127.0.0.1
# BENCH_OPTS: system properties of the benchmark itself (-Dbench.warmup=120, -Dbench.maxOffsets=…);
# SPARK_BENCH_HEAP: the driver's heap and any further driver JVM options.
if [ "${1:-}" = batch ]; then
  shift
  # shellcheck disable=SC2086
  exec java ${SPARK_BENCH_HEAP:--Xmx3g} @"$A/src/main/jvm/spark-java17.args" -Djava.io.tmpdir="$TMP" \
    -cp "$CP" io.clickstream.spark.bench.SilverGoldBatchBench "$@"
fi
# shellcheck disable=SC2086
exec java -Xmx512m ${BENCH_OPTS:-} -Djava.io.tmpdir="$TMP" \
  -Dclickstream.test.classpath.file="$A/target/test-classpath.txt" \
  -Dclickstream.jvm.args="$A/src/main/jvm/spark-java17.args" \
  -Dclickstream.driver.heap="${SPARK_BENCH_HEAP:--Xmx3g}" \
  -cp "$CP" io.clickstream.spark.bench.PipelineBench "$@"
