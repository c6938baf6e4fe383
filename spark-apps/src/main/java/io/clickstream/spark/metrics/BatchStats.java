package io.clickstream.spark.metrics;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/** Counts taken from a written micro-batch for {@link PipelineMetrics}, with small driver-side results only. */
public final class BatchStats {
    /** Receive times sampled per batch for the latency histogram: enough for percentiles, bounded for the driver. */
    static final int LATENCY_SAMPLE = 2_000;

    private BatchStats() {
    }

    public static void reportSilver(Dataset<Row> checkedBatch, Dataset<Row> silverEvents, PipelineMetrics metrics) {
        if (metrics == PipelineMetrics.NONE) {
            return;
        }
        Row totals = checkedBatch.agg(
                sum(when(col("parse_failed"), 1).otherwise(0)).as("parse_failed"),
                sum(when(org.apache.spark.sql.functions.size(col("dq_violations")).gt(0), 1).otherwise(0)).as("quarantined"),
                sum(when(col("is_late"), 1).otherwise(0)).as("late")).head();
        long quarantined = totals.isNullAt(1) ? 0 : totals.getLong(1);
        Map<String, Long> perRule = new HashMap<>();
        if (quarantined > 0) {
            List<Row> rules = checkedBatch.select(explode(col("dq_violations")).as("rule"))
                    .groupBy("rule").agg(count(lit(1))).collectAsList();
            rules.forEach(r -> perRule.put(r.getString(0), r.getLong(1)));
        }
        metrics.parseFailures(totals.isNullAt(0) ? 0 : totals.getLong(0));
        metrics.quarantined(quarantined, perRule);
        metrics.lateEvents(totals.isNullAt(2) ? 0 : totals.getLong(2));
        Row bots = silverEvents.agg(sum(when(col("is_bot"), 1).otherwise(0))).head();
        metrics.botEvents(bots.isNullAt(0) ? 0 : bots.getLong(0));
        reportCommit("silver", silverEvents, metrics);
    }

    public static void reportCommit(String layer, Dataset<Row> rows, PipelineMetrics metrics) {
        if (metrics == PipelineMetrics.NONE) {
            return;
        }
        long now = System.currentTimeMillis();
        List<Row> sample = rows.select(col("received_at"), col("event_time")).limit(LATENCY_SAMPLE).collectAsList();
        if (sample.isEmpty()) {
            return;
        }
        long[] received = sample.stream().filter(r -> !r.isNullAt(0))
                .mapToLong(r -> r.getTimestamp(0).getTime()).toArray();
        Row newest = rows.agg(max(col("event_time"))).head();
        long newestMs = newest.isNullAt(0) ? 0 : newest.getTimestamp(0).getTime();
        metrics.committed(layer, now, received, newestMs);
    }
}
