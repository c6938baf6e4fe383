package io.clickstream.spark.metrics;

import io.clickstream.spark.testing.MetricsScrape;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.SinkProgress;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StateOperatorProgress;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

class QueryProgressListenerTest {
    private static final UUID ID = UUID.randomUUID();

    /** Before a query has seen any event time, Spark reports its watermark as the epoch: no watermark, not 1970. */
    @Test
    void theEpochAsAWatermarkIsNoWatermark() throws Exception {
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0)) {
            QueryProgressListener listener = new QueryProgressListener(metrics);
            listener.onQueryProgress(progress(0, "1970-01-01T00:00:00.000Z"));
            assertThat(MetricsScrape.of(metrics)).contains("clickstream_query_batches_total{query=\"silver\"} 1.0")
                    .doesNotContain("clickstream_query_watermark_timestamp_seconds{");

            listener.onQueryProgress(progress(1, "2026-11-20T12:00:00.000Z"));
            assertThat(MetricsScrape.of(metrics))
                    .contains("clickstream_query_watermark_timestamp_seconds{query=\"silver\"} 1.795176E9");
        }
    }

    /** A progress report as Spark builds it after a micro-batch with no input. */
    private static StreamingQueryListener.QueryProgressEvent progress(long batchId, String watermark) {
        return new StreamingQueryListener.QueryProgressEvent(new StreamingQueryProgress(ID, UUID.randomUUID(), "silver",
                "2026-11-20T12:00:01.000Z", batchId, 100L, Map.of("triggerExecution", 100L),
                Map.of("watermark", watermark), new StateOperatorProgress[0], new SourceProgress[0],
                new SinkProgress("delta", 0L, Map.of()), Map.<String, Row>of()));
    }
}
