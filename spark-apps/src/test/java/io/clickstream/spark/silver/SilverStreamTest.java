package io.clickstream.spark.silver;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.table.IdempotentWrites;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SilverStreamTest {
    private static final String A = "aaaaaaaa-0000-0000-0000-000000000001";
    private static final String B = "bbbbbbbb-0000-0000-0000-000000000002";
    private static final String C = "cccccccc-0000-0000-0000-000000000003";
    private static final String D = "dddddddd-0000-0000-0000-000000000004";
    private static final String E = "eeeeeeee-0000-0000-0000-000000000005";
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void duplicatesAreRemovedWithinAndAcrossBatchesAndNothingDisappears(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);

        appendToBronze(config, new KafkaRows(0)
                .add("v1", EventJson.pageView(A, "v1", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:01Z")
                .add("v2", EventJson.pageView(B, "v2", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:01Z")
                .add("v1", EventJson.pageView(A, "v1", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:02Z")
                .add("v3", "{truncated", "2026-11-20T12:00:02Z"));
        runSilverOnce(config);

        appendToBronze(config, new KafkaRows(4)
                .add("v2", EventJson.pageView(B, "v2", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:05:00Z")
                .add("v3", EventJson.pageView(C, "v3", "2026-11-20T12:04:00Z").json(), "2026-11-20T12:05:00Z")
                // occurred 20 minutes before the gateway got it: kept, flagged late
                .add("v4", EventJson.pageView(D, "v4", "2026-11-20T11:45:00Z").str("received_at", "2026-11-20T12:05:00Z")
                        .json(), "2026-11-20T12:05:00Z")
                .add("v5", "{\"also\": broken", "2026-11-20T12:05:00Z"));
        runSilverOnce(config);

        List<Row> events = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS))
                .select("event_id", "is_late").orderBy("event_id").collectAsList();
        assertThat(events).extracting(r -> r.getString(0)).containsExactly(A, B, C, D);
        assertThat(events).extracting(r -> r.getBoolean(1)).containsExactly(false, false, false, true);

        List<Row> quarantined = spark.read().format("delta").load(SilverTables.path(config, SilverTables.QUARANTINE))
                .select("kafka_offset", "dq_violations").orderBy("kafka_offset").collectAsList();
        // two rows without an event id: each is kept, none taken for a duplicate of the other
        assertThat(quarantined).extracting(r -> r.getLong(0)).containsExactly(3L, 7L);
        assertThat(quarantined.get(0).<String>getList(1)).containsExactly("parse_failure");

        // registered by name for SQL
        assertThat(spark.sql("SELECT count(*) FROM silver.events").head().getLong(0)).isEqualTo(4);
    }

    @Test
    void aPurchaseRepeatingAnOrderUnderANewEventIdIsADuplicate(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        appendToBronze(config, new KafkaRows(0)
                .add("v1", EventJson.event(A, "purchase", "v1", "2026-11-20T12:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-20T12:00:01Z")
                // the same order on another site is another order
                .add("v1", EventJson.event(B, "purchase", "v1", "2026-11-20T12:00:00Z").str("site_id", "blog")
                        .order("o-1", "20.00", "EUR").json(), "2026-11-20T12:00:01Z"));
        runSilverOnce(config);
        // the thank-you page reloaded: the order again, under a new event id; a purchase without an order id stays
        appendToBronze(config, new KafkaRows(2)
                .add("v1", EventJson.event(C, "purchase", "v1", "2026-11-20T12:03:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-20T12:03:01Z")
                .add("v2", EventJson.event(D, "purchase", "v2", "2026-11-20T12:03:00Z").json(), "2026-11-20T12:03:01Z"));
        runSilverOnce(config);

        List<Row> events = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS))
                .select("event_id").orderBy("event_id").collectAsList();
        assertThat(events).extracting(r -> r.getString(0)).containsExactly(A, B, D);
    }

    @Test
    void anOrderSentAgainAfterTheDeduplicationWatermarkIsStillADuplicate(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir, Map.of("CLICKSTREAM_SILVER_DEDUP_WATERMARK", "1 second"));
        BronzeTable.ensure(spark, config);
        appendToBronze(config, new KafkaRows(0)
                .add("v1", EventJson.event(A, "purchase", "v1", "2026-11-20T12:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-20T12:00:01Z"));
        runSilverOnce(config);
        // two later batches move the watermark past the order's key, and the state lets go of it
        for (long offset = 1; offset <= 2; offset++) {
            Thread.sleep(1_500);
            appendToBronze(config, new KafkaRows(offset)
                    .add("v2", EventJson.pageView("bbbbbbbb-0000-0000-0000-00000000000" + offset, "v2",
                            "2026-11-20T12:01:00Z").json(), "2026-11-20T12:01:01Z"));
            runSilverOnce(config);
        }
        // the next day: the thank-you page reloaded (a new event id), and the tracker sending the purchase again
        appendToBronze(config, new KafkaRows(3)
                .add("v1", EventJson.event(C, "purchase", "v1", "2026-11-21T09:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-21T09:00:01Z")
                .add("v1", EventJson.event(A, "purchase", "v1", "2026-11-20T12:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-21T09:00:02Z")
                .add("v3", EventJson.event(D, "purchase", "v3", "2026-11-21T09:00:00Z").order("o-2", "5.00", "EUR").json(),
                        "2026-11-21T09:00:03Z"));
        RecordingMetrics metrics = new RecordingMetrics();
        SilverStream.start(spark, config, metrics, Trigger.AvailableNow()).awaitTermination();

        List<Row> purchases = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS))
                .where("event_type = 'purchase'").select("event_id", "kafka_offset").orderBy("event_id").collectAsList();
        assertThat(purchases).extracting(r -> r.getString(0) + "@" + r.getLong(1)).containsExactly(A + "@0", D + "@5");
        // one of the two is a duplicate within the batch, which the stream's own deduplication counts
        assertThat(metrics.duplicates).isEqualTo(1);
        List<Row> orders = spark.sql("SELECT order_id, event_id, kafka_offset FROM silver.orders ORDER BY order_id")
                .collectAsList();
        assertThat(orders).extracting(r -> r.getString(0) + " " + r.getString(1) + "@" + r.getLong(2))
                .containsExactly("o-1 " + A + "@0", "o-2 " + D + "@5");
    }

    @Test
    void aBatchRunAgainAfterItsOrdersWereRecordedKeepsThem(@TempDir Path dir) {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        SilverTables.ensure(spark, config);
        appendToBronze(config, new KafkaRows(0)
                .add("v1", EventJson.event(A, "purchase", "v1", "2026-11-20T12:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-20T12:00:01Z")
                .add("v1", EventJson.event(C, "purchase", "v1", "2026-11-20T12:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-20T12:00:01Z")
                .add("v1", EventJson.event(D, "purchase", "v1", "2026-11-21T12:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-21T12:00:01Z"));
        Dataset<Row> checked = SilverTransform.check(spark.read().format("delta").load(BronzeTable.path(config)), config)
                .cache();
        // The batch held two copies of o-1. Its first run kept the one at offset 0, and the driver died after
        // silver.orders took it, before silver.events did; run again, the batch keeps the copy at offset 1.
        Dataset<Row> firstRun = SilverTransform.valid(checked.where("offset = 0"));
        RepeatedOrders.lookUp(firstRun, 0, config, PipelineMetrics.NONE).record(firstRun, config, 0);
        new SilverBatchWriter(config, PipelineMetrics.NONE).write(checked.where("offset = 1"), 0, null);
        // the order once more, the next day, in the next batch: a repeat
        new SilverBatchWriter(config, PipelineMetrics.NONE).write(checked.where("offset = 2"), 1, null);

        assertThat(spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS))
                .select("event_id").collectAsList()).extracting(r -> r.getString(0)).containsExactly(C);
        assertThat(spark.read().format("delta").load(SilverTables.path(config, SilverTables.ORDERS))
                .select("event_id").collectAsList()).extracting(r -> r.getString(0)).containsExactly(A);
    }

    @Test
    void ordersStoredBeforeSilverOrdersExistedAreTakenFromSilverEvents(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        appendToBronze(config, new KafkaRows(0)
                .add("v1", EventJson.event(A, "purchase", "v1", "2026-11-20T12:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-20T12:00:01Z")
                .add("v2", EventJson.event(B, "purchase", "v2", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:01Z"));
        runSilverOnce(config);
        // as an older version left it: no silver.orders, and a repeat of o-1 stored after its watermark
        Path orders = Path.of(SilverTables.path(config, SilverTables.ORDERS));
        try (var files = Files.walk(orders)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        appendToBronze(config, new KafkaRows(2)
                .add("v1", EventJson.event(C, "purchase", "v1", "2026-11-21T09:00:00Z").order("o-1", "20.00", "EUR").json(),
                        "2026-11-21T09:00:01Z"));
        Dataset<Row> repeat = SilverTransform.enrich(SilverTransform.check(spark.read().format("delta")
                .load(BronzeTable.path(config)).where("offset = 2"), config));
        repeat.write().format("delta").mode("append").save(SilverTables.path(config, SilverTables.EVENTS));

        // a new driver: the name is not registered yet
        spark.sql("DROP TABLE silver.orders");
        SilverTables.ensure(spark.newSession(), config);
        assertThat(DeltaTable.forPath(spark, orders.toString()).detail().head().<String, String>getJavaMap(
                DeltaTable.forPath(spark, orders.toString()).detail().schema().fieldIndex("properties")))
                .containsEntry("delta.autoOptimize.autoCompact", "true");

        List<Row> stored = spark.read().format("delta").load(orders.toString())
                .select("site_id", "order_id", "event_id", "kafka_offset").collectAsList();
        assertThat(stored).extracting(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2) + "@" + r.getLong(3))
                .containsExactly("shop o-1 " + A + "@0");
    }

    @Test
    void aBlankOrderIdIsNoOrderAndAQuarantinedPurchaseDoesNotHideItsOrder(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        appendToBronze(config, new KafkaRows(0)
                // orders of a checkout that left the id empty: each its own purchase, not one
                .add("v1", EventJson.event(A, "purchase", "v1", "2026-11-20T12:00:00Z").order("", "20.00", "EUR").json(),
                        "2026-11-20T12:00:01Z")
                .add("v2", EventJson.event(B, "purchase", "v2", "2026-11-20T12:00:00Z").order("", "30.00", "EUR").json(),
                        "2026-11-20T12:00:01Z")
                .add("v4", EventJson.event(E, "purchase", "v4", "2026-11-20T12:00:00Z").order("  ", "10.00", "EUR").json(),
                        "2026-11-20T12:00:01Z")
                // order o-2 sent with a currency that is no ISO code: quarantined
                .add("v3", EventJson.event(C, "purchase", "v3", "2026-11-20T12:00:00Z").order("o-2", "40.00", "RMB").json(),
                        "2026-11-20T12:00:01Z"));
        runSilverOnce(config);
        // the same order sent again, clean, by the shop's server: the order's only clean copy
        appendToBronze(config, new KafkaRows(4)
                .add("v3", EventJson.event(D, "purchase", "v3", "2026-11-20T12:01:00Z").order("o-2", "40.00", "CNY").json(),
                        "2026-11-20T12:01:01Z"));
        runSilverOnce(config);

        List<Row> events = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS))
                .select("event_id", "order_id").orderBy("event_id").collectAsList();
        assertThat(events).extracting(r -> r.getString(0)).containsExactly(A, B, D, E);
        assertThat(events).extracting(r -> r.getString(1)).containsExactly(null, null, "o-2", null);
        List<Row> quarantined = spark.read().format("delta").load(SilverTables.path(config, SilverTables.QUARANTINE))
                .select("event_id").collectAsList();
        assertThat(quarantined).extracting(r -> r.getString(0)).containsExactly(C);
    }

    @Test
    void bronzeRowsReadAfterNewerOnesAreKept(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        // A new silver checkpoint over a compacted bronze reads the compacted (older) files after newer ones.
        appendToBronze(config, new KafkaRows(5)
                .add("v2", EventJson.pageView(B, "v2", "2026-11-21T15:00:00Z").json(), "2026-11-21T15:00:01Z"));
        runSilverOnce(config);
        appendToBronze(config, new KafkaRows(0)
                .add("v1", EventJson.pageView(A, "v1", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:01Z")
                // still a duplicate when it comes back within the same read
                .add("v1", EventJson.pageView(A, "v1", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:02Z"));
        runSilverOnce(config);

        List<Row> events = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS))
                .select("event_id").orderBy("event_id").collectAsList();
        assertThat(events).extracting(r -> r.getString(0)).containsExactly(A, B);
    }

    @Test
    void aReplayedBatchIsNotAppendedTwice(@TempDir Path dir) {
        String path = dir.resolve("t").toString();
        Dataset<Row> rows = spark.range(3).toDF("n");

        IdempotentWrites.append(rows, path, "test-writer", 7);
        IdempotentWrites.append(rows, path, "test-writer", 7);
        IdempotentWrites.append(rows, path, "test-writer", 6);
        assertThat(spark.read().format("delta").load(path).count()).isEqualTo(3);

        IdempotentWrites.append(rows, path, "test-writer", 8);
        assertThat(spark.read().format("delta").load(path).count()).isEqualTo(6);
    }

    private void appendToBronze(PipelineConfig config, KafkaRows rows) {
        rows.appendToBronze(spark, config);
    }

    private static final class RecordingMetrics implements PipelineMetrics {
        long duplicates;

        @Override
        public void duplicatesRemoved(long rows) {
            duplicates += rows;
        }
    }

    private void runSilverOnce(PipelineConfig config) throws Exception {
        SilverStream.start(spark, config, PipelineMetrics.NONE, Trigger.AvailableNow()).awaitTermination();
    }
}
