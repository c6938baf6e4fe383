package io.clickstream.spark.metrics;

import io.clickstream.spark.testing.MetricsScrape;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class BatchStatsTest {
    private final SparkSession spark = SparkTestSession.get();

    /**
     * Silver accepts events up to 10 minutes ahead of the gateway's clock. One such event must not make a layer look
     * fresher than it is: a negative freshness would hide a stalled layer from its alert for those 10 minutes.
     */
    @Test
    void freshnessCountsAnEventFromAClockAheadAsReceived() {
        long received = System.currentTimeMillis() - 60_000;
        Dataset<Row> committed = spark.createDataFrame(List.of(
                RowFactory.create(new Timestamp(received), new Timestamp(received + 5 * 60_000)),
                RowFactory.create(new Timestamp(received - 10_000), new Timestamp(received - 12_000))),
                new StructType().add("received_at", DataTypes.TimestampType).add("event_time", DataTypes.TimestampType));
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0)) {
            BatchStats.reportCommit("silver", committed, metrics);

            Matcher freshness = Pattern.compile("clickstream_freshness_seconds\\{layer=\"silver\"} (\\S+)")
                    .matcher(MetricsScrape.of(metrics));
            assertThat(freshness.find()).isTrue();
            assertThat(Double.parseDouble(freshness.group(1))).isBetween(60.0, 120.0);
        }
    }
}
