package io.clickstream.spark.metrics;

import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;

import java.time.Instant;

/** Copies each micro-batch's progress report into {@link PrometheusMetrics}. */
public final class QueryProgressListener extends StreamingQueryListener {
    private final PrometheusMetrics metrics;

    public QueryProgressListener(PrometheusMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void onQueryStarted(QueryStartedEvent event) {
    }

    @Override
    public void onQueryProgress(QueryProgressEvent event) {
        StreamingQueryProgress p = event.progress();
        String q = p.name() == null ? p.id().toString() : p.name();
        metrics.inputRowsPerSecond.labelValues(q).set(finite(p.inputRowsPerSecond()));
        metrics.processedRowsPerSecond.labelValues(q).set(finite(p.processedRowsPerSecond()));
        Long total = p.batchDuration();
        metrics.batchDuration.labelValues(q).set(total == null ? 0 : total / 1000.0);
        metrics.lastBatch.labelValues(q).set(p.batchId());
        metrics.batches.labelValues(q).inc();
        metrics.inputRows.labelValues(q).inc(p.numInputRows());
        long state = 0;
        long dropped = 0;
        long duplicates = 0;
        for (StateOperatorProgress op : p.stateOperators()) {
            state += op.numRowsTotal();
            dropped += op.numRowsDroppedByWatermark();
            Long d = op.customMetrics().get("numDroppedDuplicateRows");
            duplicates += d == null ? 0 : d;
        }
        metrics.stateRows.labelValues(q).set(state);
        metrics.droppedByWatermark.labelValues(q).inc(dropped);
        metrics.duplicates.inc(duplicates);
        // Spark reports Kafka lag only as min/avg/max over partitions (as strings), for sources with a read limit.
        for (SourceProgress source : p.sources()) {
            String lag = source.metrics().get("maxOffsetsBehindLatest");
            if (lag != null) {
                metrics.kafkaLag.labelValues(q).set(Double.parseDouble(lag));
            }
        }
        // A query's first batch reports the epoch as its watermark (none yet): a delay of 56 years on the dashboards.
        String wm = p.eventTime().get("watermark");
        long wmMillis = wm == null ? 0 : Instant.parse(wm).toEpochMilli();
        if (wmMillis > 0) {
            metrics.watermark.labelValues(q).set(wmMillis / 1000.0);
        }
    }

    /** A failed query ends its job, which counts the failure itself ({@code StreamingApp}), once, before exiting. */
    @Override
    public void onQueryTerminated(QueryTerminatedEvent event) {
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}
