package io.clickstream.spark.gold;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The funnel is adjusted by what each batch changed in its sessions. Worked out by hand (lateness 30 minutes):
 * <pre>
 * batch 1  v1 page_view 13:05, v2 page_view 13:10, v2 product_view 13:11
 *          → 13:00 window: 2 sessions, 2 viewed, 1 viewed a product
 * batch 2  v1 product_view 12:50 (arrives late, within the gap of 13:05: v1's session now starts at 12:50)
 *          v2 add_to_cart 13:20
 *          → 12:00 window: v1 (viewed, viewed a product); 13:00 window: v2 (viewed, product, cart)
 * batch 3  v1 page_view 12:55 → nothing moves
 * </pre>
 * And the ways a batch can be replayed after a crash: cut short at the funnel, between the funnel and the sessions, or
 * after all its writes.
 */
class FunnelTest {
    private final SparkSession spark = SparkTestSession.get();

    private static EventJson e(int n, String type, String visitor, String time) {
        return EventJson.event(String.format("00000000-0000-0000-0000-%012d", n), type, visitor, "2026-11-20T" + time + "Z")
                .page("https://shop.example/p", "/p");
    }

    @Test
    void aSessionWhoseStartMovesIntoTheHourBeforeIsCountedThereOnly(@TempDir Path dir) throws Exception {
        PipelineConfig config = config(dir);
        Dataset<Row> silver = silverEvents(config);
        GoldBatchWriter writer = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);

        TestBatches.write(writer, silver.where("kafka_offset < 3"), 0);
        assertThat(funnel(config)).containsExactly("[2026-11-20 13:00:00,2,2,1,0]");
        TestBatches.write(writer, silver.where("kafka_offset BETWEEN 3 AND 4"), 1);
        List<String> afterMove = funnel(config);
        assertThat(afterMove).containsExactly("[2026-11-20 12:00:00,1,1,1,0]", "[2026-11-20 13:00:00,1,1,1,1]");
        TestBatches.write(writer, silver.where("kafka_offset = 5"), 2);
        TestBatches.write(writer, silver.where("kafka_offset = 5"), 2); // and once more, as a replay
        assertThat(funnel(config)).isEqualTo(afterMove);
        assertFunnelEqualsItsSessions(config);
    }

    @Test
    void aBatchThatFailsAtTheFunnelIsReplayedToTheSameTables(@TempDir Path dir) throws Exception {
        PipelineConfig config = config(dir);
        Dataset<Row> silver = silverEvents(config);
        GoldBatchWriter writer = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);
        TestBatches.write(writer, silver.where("kafka_offset < 3"), 0);

        // Batch 1 fails at the funnel (its table is briefly gone), as a crash there would end it; then it is replayed.
        // The sessions must not have been merged before: the replay would take them for their previous state.
        Path funnel = Path.of(GoldTables.path(config, Funnel.TABLE));
        Path away = dir.resolve("funnel-away");
        Files.move(funnel, away);
        assertThatThrownBy(() -> TestBatches.write(writer, silver.where("kafka_offset BETWEEN 3 AND 4"), 1)).isNotNull();
        Files.move(away, funnel);
        TestBatches.write(writer, silver.where("kafka_offset BETWEEN 3 AND 4"), 1);

        assertThat(funnel(config)).containsExactly("[2026-11-20 12:00:00,1,1,1,0]", "[2026-11-20 13:00:00,1,1,1,1]");
        assertFunnelEqualsItsSessions(config);
    }

    @Test
    void aBatchCutShortBetweenTheFunnelAndTheSessionsIsReplayedWithoutCountingItTwice(@TempDir Path dir) throws Exception {
        PipelineConfig config = config(dir);
        Dataset<Row> silver = silverEvents(config);
        GoldBatchWriter writer = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);
        TestBatches.write(writer, silver.where("kafka_offset < 3"), 0);
        DeltaTable sessions = DeltaTable.forPath(spark, GoldTables.path(config, GoldTables.SESSIONS));
        long beforeBatch1 = sessions.history(1).head().getLong(0);

        // Batch 1 commits the funnel; the crash comes before its sessions are merged (their commit is undone here).
        TestBatches.write(writer, silver.where("kafka_offset BETWEEN 3 AND 4"), 1);
        List<String> funnel = funnel(config);
        assertThat(funnel).containsExactly("[2026-11-20 12:00:00,1,1,1,0]", "[2026-11-20 13:00:00,1,1,1,1]");
        sessions.restoreToVersion(beforeBatch1);

        TestBatches.write(writer, silver.where("kafka_offset BETWEEN 3 AND 4"), 1); // the replay
        assertThat(funnel(config)).isEqualTo(funnel);
        assertFunnelEqualsItsSessions(config);
    }

    @Test
    void aWindowABatchEmptiedStaysGoneWhenTheBatchIsReplayedBeforeItsSessions(@TempDir Path dir) throws Exception {
        PipelineConfig config = config(dir);
        Dataset<Row> silver = silverEvents(config);
        GoldBatchWriter writer = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);
        TestBatches.write(writer, silver.where("kafka_offset = 0"), 0);
        assertThat(funnel(config)).containsExactly("[2026-11-20 13:00:00,1,1,0,0]");
        DeltaTable sessions = DeltaTable.forPath(spark, GoldTables.path(config, GoldTables.SESSIONS));
        long beforeBatch1 = sessions.history(1).head().getLong(0);

        // Batch 1 moves v1's session, the only one of 13:00, to 12:00: the funnel deletes the 13:00 row. The crash
        // comes before the sessions are merged, so the replay recomputes the same move against a table without that row.
        TestBatches.write(writer, silver.where("kafka_offset = 3"), 1);
        List<String> funnel = funnel(config);
        assertThat(funnel).containsExactly("[2026-11-20 12:00:00,1,1,1,0]");
        sessions.restoreToVersion(beforeBatch1);

        TestBatches.write(writer, silver.where("kafka_offset = 3"), 1); // the replay
        assertThat(funnel(config)).isEqualTo(funnel);
        assertFunnelEqualsItsSessions(config);
    }

    @Test
    void aBatchThatSplitsASessionChangesNothingWhenReplayedAfterItsCommit(@TempDir Path dir) throws Exception {
        PipelineConfig config = config(dir);
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
        Dataset<Row> silver = new KafkaRows(0)
                .add("v1", e(1, "page_view", "v1", "13:00:00").json(), "2026-11-20T13:01:00Z")
                .add("v1", e(2, "page_view", "v1", "13:10:00").json(), "2026-11-20T13:11:00Z")
                .add("v1", e(3, "page_view", "v1", "14:00:00").json(), "2026-11-20T14:01:00Z") // after the 30-minute gap
                .throughSilver(spark, config);
        GoldBatchWriter writer = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);
        TestBatches.write(writer, silver.where("kafka_offset = 0"), 0);
        TestBatches.write(writer, silver.where("kafka_offset > 0"), 1);
        List<String> sessions = sessions(config);
        assertThat(sessions).containsExactly("[2026-11-20 13:00:00,2,false]", "[2026-11-20 14:00:00,1,true]");
        List<String> funnel = funnel(config);

        TestBatches.write(writer, silver.where("kafka_offset > 0"), 1); // replayed, as after a crash before the stream's commit
        assertThat(sessions(config)).isEqualTo(sessions);
        assertThat(funnel(config)).isEqualTo(funnel);
        assertFunnelEqualsItsSessions(config);
    }

    private List<String> sessions(PipelineConfig config) {
        return spark.read().format("delta").load(GoldTables.path(config, GoldTables.SESSIONS)).orderBy("session_start")
                .selectExpr("CAST(session_start AS STRING)", "events", "is_live")
                .collectAsList().stream().map(Row::toString).toList();
    }

    /** Lateness 30 minutes, as in the worked example. */
    private static PipelineConfig config(Path dir) {
        return SparkTestSession.config(dir, Map.of("CLICKSTREAM_SILVER_ALLOWED_LATENESS", "30 minutes"));
    }

    /** The six events of the worked example in silver.events, one per Kafka offset 0–5. */
    private Dataset<Row> silverEvents(PipelineConfig config) throws Exception {
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
        return new KafkaRows(0)
                .add("v1", e(1, "page_view", "v1", "13:05:00").json(), "2026-11-20T13:12:00Z")
                .add("v2", e(2, "page_view", "v2", "13:10:00").json(), "2026-11-20T13:12:00Z")
                .add("v2", e(3, "product_view", "v2", "13:11:00").product("sku-1", "c", "1.00", 1).json(), "2026-11-20T13:12:00Z")
                .add("v1", e(4, "product_view", "v1", "12:50:00").product("sku-1", "c", "1.00", 1).json(), "2026-11-20T13:21:00Z")
                .add("v2", e(5, "add_to_cart", "v2", "13:20:00").product("sku-1", "c", "1.00", 1).json(), "2026-11-20T13:21:00Z")
                .add("v1", e(6, "page_view", "v1", "12:55:00").json(), "2026-11-20T13:22:00Z")
                .throughSilver(spark, config);
    }

    private void assertFunnelEqualsItsSessions(PipelineConfig config) {
        Dataset<Row> sessions = spark.read().format("delta").load(GoldTables.path(config, GoldTables.SESSIONS));
        Dataset<Row> recomputed = Funnel.aggregate(sessions, config.funnelWindow());
        Dataset<Row> table = spark.read().format("delta").load(GoldTables.path(config, Funnel.TABLE)).selectExpr(recomputed.columns());
        assertThat(table.exceptAll(recomputed).count()).isZero();
        assertThat(recomputed.exceptAll(table).count()).isZero();
    }


    private List<String> funnel(PipelineConfig config) {
        return spark.read().format("delta").load(GoldTables.path(config, Funnel.TABLE)).orderBy("window_start")
                .selectExpr("CAST(window_start AS STRING)", "sessions", "viewed", "viewed_product", "added_to_cart")
                .collectAsList().stream().map(Row::toString).toList();
    }
}
