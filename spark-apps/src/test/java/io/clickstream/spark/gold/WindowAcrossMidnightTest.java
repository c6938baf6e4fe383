package io.clickstream.spark.gold;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A window that does not divide a day: with 7 minutes, [23:57, 00:04) holds events of two dates. */
class WindowAcrossMidnightTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void aWindowAcrossMidnightKeepsTheEventsOfBothDays(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir, Map.of("CLICKSTREAM_GOLD_PAGE_WINDOW", "7 minutes"));
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
        Dataset<Row> silver = new KafkaRows(0)
                .add("v1", view(1, "v1", "2026-11-20T23:59:00Z"), "2026-11-20T23:59:01Z")
                .add("v2", view(2, "v2", "2026-11-21T00:00:30Z"), "2026-11-21T00:00:31Z")
                .throughSilver(spark, config);
        GoldBatchWriter writer = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);
        // The second batch holds only the new day's event, and recomputes the window from silver.
        write(writer, silver.where("kafka_offset = 0"), 0);
        write(writer, silver.where("kafka_offset = 1"), 1);

        List<String> rows = spark.read().format("delta").load(GoldTables.path(config, "page_metrics_1m"))
                .selectExpr("CAST(window_start AS STRING)", "page_path", "page_views", "unique_visitors")
                .collectAsList().stream().map(Row::toString).toList();
        assertThat(rows).containsExactly("[2026-11-20 23:57:00,/a,2,2]");
    }

    private static void write(GoldBatchWriter writer, Dataset<Row> events, long batchId) {
        Dataset<Row> batch = events.persist();
        writer.write(batch, new BatchStamp("test-query", batchId));
        batch.unpersist();
    }

    private static String view(int n, String visitor, String time) {
        return EventJson.pageView(String.format("00000000-0000-0000-0000-%012d", n), visitor, time)
                .page("https://shop.example/a", "/a").json();
    }
}
