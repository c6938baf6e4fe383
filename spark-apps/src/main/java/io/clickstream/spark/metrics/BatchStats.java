package io.clickstream.spark.metrics;

import io.clickstream.spark.silver.BotRateRule;
import io.clickstream.spark.silver.SilverTransform;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.array_contains;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.least;
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

    /**
     * Data-quality counts of a checked (deduplicated) silver batch, in one pass over the cached batch: parse
     * failures, quarantined rows and the rules they broke, and late events and bots among the clean rows (a
     * quarantined row is counted there only). The clean rows that are bots, as {@code BotRateRule} counted them: by
     * their agent ({@code agentBots}), else by rate ({@code rateBots}).
     */
    public static void reportSilver(Dataset<Row> checkedBatch, List<String> ruleNames, long agentBots, long rateBots,
                                    PipelineMetrics metrics) {
        if (metrics == PipelineMetrics.NONE) {
            return;
        }
        Column broken = size(col("dq_violations")).gt(0);
        List<Column> counts = new ArrayList<>(List.of(
                countIf(col("parse_failed")), countIf(broken), countIf(not(broken).and(col("is_late")))));
        ruleNames.forEach(rule -> counts.add(countIf(array_contains(col("dq_violations"), rule))));
        Row totals = checkedBatch.agg(counts.get(0), counts.subList(1, counts.size()).toArray(Column[]::new)).head();
        Map<String, Long> perRule = new HashMap<>();
        for (int i = 0; i < ruleNames.size(); i++) {
            long n = totals.getLong(3 + i);
            if (n > 0) {
                perRule.put(ruleNames.get(i), n);
            }
        }
        metrics.parseFailures(totals.getLong(0));
        metrics.quarantined(totals.getLong(1), perRule);
        metrics.lateEvents(totals.getLong(2));
        metrics.botEvents(SilverTransform.BOT_AGENT, agentBots);
        metrics.botEvents(BotRateRule.REASON, rateBots);
        reportCommit("silver", checkedBatch.where(not(broken))
                .select(col("received_ts").as("received_at"), col("event_ts").as("event_time")), metrics);
    }

    private static Column countIf(Column condition) {
        return coalesce(sum(when(condition, 1L).otherwise(0L)), lit(0L));
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
        // An event's time as the client's clock had it, but never later than the gateway received it: silver takes
        // events up to 10 minutes ahead, and one of them would make a stalled layer look fresh for that long.
        Row newest = rows.agg(max(least(col("event_time"), col("received_at")))).head();
        long newestMs = newest.isNullAt(0) ? 0 : newest.getTimestamp(0).getTime();
        metrics.committed(layer, now, received, newestMs);
    }
}
