package io.clickstream.spark.gold;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rollups too large to reread every batch (an hour, a day) are combined batch by batch. Two gold batches, worked
 * out by hand, all on 2026-11-20 between 12:00 and 12:10:
 * <pre>
 * batch A  v1 page_view, v1 product_view sku-1, v2 purchase sku-2 x1 (o-1, 5.00)
 * batch B  v1 add_to_cart sku-1 x2 and v1 add_to_cart sku-1 x1 (v1 now user u1), v3 page_view (user u1),
 *          v4 page_view from a crawler, v1 identify (u1), v5 identify (u9: a server syncing its users' traits)
 * </pre>
 * Profile calls (identify) are no activity: neither a daily active nor part of a session.
 * daily_active_users: A → visitors 2, humans 2, users 0, events 3; after B → visitors 4 (v1 again counts once),
 * humans 3 (not the crawler), users 1 (u1 on two visitors), events 7.
 * trending_products (score = views + 3 × carts + 5 × purchases): A → sku-2 5, sku-1 1; after B → sku-1 7, sku-2 5,
 * so sku-2 falls to rank 2 without an event of its own in B.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IncrementalRollupsTest {
    private static final String BOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private final SparkSession spark = SparkTestSession.get();
    private PipelineConfig config;
    private GoldBatchWriter everyBatch;
    private GoldBatchWriter periodic;
    private List<Row> afterA;

    private static EventJson e(int n, String type, String visitor, String minuteSecond) {
        return EventJson.event(String.format("00000000-0000-0000-0000-%012d", n), type, visitor,
                "2026-11-20T12:" + minuteSecond + "Z").page("https://shop.example/p", "/p");
    }

    @BeforeAll
    void twoBatches(@TempDir Path dir) throws Exception {
        config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
        everyBatch = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);
        periodic = new GoldBatchWriter(config, GoldRollup.Cadence.PERIODIC, PipelineMetrics.NONE);
        String received = "2026-11-20T12:10:00Z";
        new KafkaRows(0)
                .add("v1", e(1, "page_view", "v1", "00:10").json(), received)
                .add("v1", e(2, "product_view", "v1", "00:20").product("sku-1", "shoes", "10.00", 1).json(), received)
                .add("v2", e(3, "purchase", "v2", "01:00").product("sku-2", "socks", "5.00", 1).order("o-1", "5.00", "EUR").json(), received)
                .add("v1", e(4, "add_to_cart", "v1", "02:00").product("sku-1", "shoes", "10.00", 2).str("user_id", "u1").json(), received)
                .add("v1", e(5, "add_to_cart", "v1", "02:30").product("sku-1", "shoes", "10.00", 1).str("user_id", "u1").json(), received)
                .add("v3", e(6, "page_view", "v3", "03:00").str("user_id", "u1").json(), received)
                .add("v4", e(7, "page_view", "v4", "04:00").userAgent(BOT).json(), received)
                .add("v1", e(8, "identify", "v1", "04:10").str("user_id", "u1").json(), received)
                .add("v5", EventJson.event("00000000-0000-0000-0000-000000000009", "identify", "v5", "2026-11-20T12:05:00Z")
                        .str("user_id", "u9").json(), received)
                .throughSilver(spark, config);
        write(batchA(), 0);
        afterA = rows("daily_active_users");
        write(batchB(), 1);
    }

    private Dataset<Row> silver() {
        return spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS));
    }

    private Dataset<Row> batchA() {
        return silver().where("kafka_offset < 3");
    }

    private Dataset<Row> batchB() {
        return silver().where("kafka_offset >= 3");
    }

    private void write(Dataset<Row> silverEvents, long batchId) {
        Dataset<Row> batch = silverEvents.persist();
        everyBatch.write(batch, new BatchStamp("test-query", batchId));
        periodic.write(batch, new BatchStamp("test-periodic-query", batchId));
        batch.unpersist();
    }

    private List<Row> rows(String table) {
        return spark.read().format("delta").load(GoldTables.path(config, table)).collectAsList().stream()
                .sorted(Comparator.comparing(Row::toString)).toList();
    }

    private String dau(List<Row> rows) {
        Row r = rows.get(0);
        return r.getAs("active_visitors") + "," + r.getAs("human_visitors") + "," + r.getAs("identified_users") + "," + r.getAs("events");
    }

    @Test
    void dailyActivesCountEachVisitorAndUserOnceADay() {
        assertThat(dau(afterA)).isEqualTo("2,2,0,3");
        assertThat(dau(rows("daily_active_users"))).isEqualTo("4,3,1,7");
    }

    @Test
    void profileCallsMakeNoSessionAndAreNoEventOfOne() {
        Dataset<Row> sessions = spark.read().format("delta").load(GoldTables.path(config, GoldTables.SESSIONS));
        assertThat(sessions.where("anonymous_id = 'v1'").select("events").head().getLong(0)).isEqualTo(4);
        assertThat(sessions.where("anonymous_id = 'v5'").count()).isZero();
    }

    @Test
    void trendingRanksTheWholeHourAgainEveryBatch() {
        List<String> trending = spark.read().format("delta").load(GoldTables.path(config, "trending_products"))
                .orderBy("rank").selectExpr("sku", "views", "add_to_carts", "purchases", "units_sold", "score", "rank")
                .collectAsList().stream().map(Row::toString).toList();
        assertThat(trending).containsExactly("[sku-1,1,2,0,0,7,1]", "[sku-2,0,0,1,1,5,2]");
    }

    @Test
    void aReplayedBatchChangesNothingEvenWhenItsMembersWereNotYetRecorded() {
        List<Row> dau = rows("daily_active_users");
        List<Row> trending = rows("trending_products");
        List<Row> customerDays = rows("customer_daily_orders");
        String seen = GoldTables.seenPath(config, "daily_active_users");
        long seenMembers = spark.read().format("delta").load(seen).count();

        write(batchB(), 1);
        assertThat(rows("daily_active_users")).isEqualTo(dau);
        assertThat(rows("trending_products")).isEqualTo(trending);
        assertThat(rows("customer_daily_orders")).isEqualTo(customerDays);

        // As if the crash came after the gold MERGE and before batch B's members were recorded.
        DeltaTable seenTable = DeltaTable.forPath(spark, seen);
        long last = seenTable.history(1).head().<Long>getAs("version");
        seenTable.restoreToVersion(last - 1);
        assertThat(spark.read().format("delta").load(seen).count()).isLessThan(seenMembers);
        write(batchB(), 1);
        assertThat(rows("daily_active_users")).isEqualTo(dau);
        assertThat(spark.read().format("delta").load(seen).count()).isEqualTo(seenMembers);
    }

    @Test
    void everyCombinedTableEqualsItsRecomputationFromSilver() {
        for (GoldRollup r : GoldTables.rollups(config)) {
            Dataset<Row> source = r.source() == GoldRollup.Source.EVENTS ? silver()
                    : spark.read().format("delta").load(SilverTables.path(config, SilverTables.PRODUCT_EVENTS));
            Dataset<Row> recomputed = r.aggregate(r.relevant(source));
            Dataset<Row> table = spark.read().format("delta").load(GoldTables.path(config, r.table())).selectExpr(recomputed.columns());
            assertThat(table.exceptAll(recomputed).count()).as(r.table()).isZero();
            assertThat(recomputed.exceptAll(table).count()).as(r.table()).isZero();
        }
    }
}
