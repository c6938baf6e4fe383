package io.clickstream.spark.metrics;

import java.util.Map;

/** What the jobs report besides Spark's own progress: data quality and end-to-end timings per layer. */
public interface PipelineMetrics {
    PipelineMetrics NONE = new PipelineMetrics() {
    };

    /** Rows sent to quarantine, and how many rows broke each rule (a row can break several). */
    default void quarantined(long rows, Map<String, Long> perRule) {
    }

    default void lateEvents(long rows) {
    }

    default void parseFailures(long rows) {
    }

    default void duplicatesRemoved(long rows) {
    }

    /** Events written to silver flagged as bots, by reason ({@code user_agent}, {@code event_rate}). */
    default void botEvents(String reason, long rows) {
    }

    /**
     * A layer committed rows: the gateway receive times (epoch ms) of a sample of them, for the latency
     * histogram, and the newest event time committed (epoch ms), for freshness.
     */
    default void committed(String layer, long commitTimeMs, long[] receivedAtMs, long newestEventTimeMs) {
    }

    /** A table maintenance operation will run on the table on a schedule: its counters start at zero. */
    default void maintenanceScheduled(String table, String operation) {
    }

    /** One table maintenance operation ({@code optimize}, {@code vacuum}) on a table ran, successfully or not. */
    default void maintained(String table, String operation, boolean ok, long durationMs) {
    }
}
