package io.clickstream.spark.gold;

import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.GoldFigures;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.metrics.PrometheusMetrics;
import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Two micro-batches through bronze → silver → gold, with every expected figure worked out by hand:
 * <pre>
 * batch 1  v1 12:00:10 page_view /home          (1)     v2 12:00:30 page_view /home (6)
 *          v1 12:00:50 product_view /p/1 sku-1  (2)     v2 12:00:40 page_view /home (7)
 *          v1 12:01:20 add_to_cart sku-1 10.00x2 (3)
 *          v1 12:02:00 checkout_start /checkout (4)
 *          v1 12:03:00 purchase sku-1 10.00x2 o-1 20.00 EUR (5)
 *          v4 12:01:01, 12:01:02, 12:01:03 page_view /bot (12-14)  ← over the limit of 2 a minute: a bot by rate
 * batch 2  v2 12:45:00 page_view /about (8)  ← gap of 44 min: a new session
 *          v2 12:46:00 product_view /p/2 sku-2  (9)     v1 12:04:00 purchase sku-2 5.00x1 o-2 5.00 EUR (10)
 *          v3 11:00 received 12:46 (late)  and a duplicate of (1)
 *          v4 12:46:00 page_view /bot (15)  ← still a bot: for the rest of the day
 * Each event is received when it occurs, except the late one.
 * </pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GoldPipelineTest {
    private final SparkSession spark = SparkTestSession.get();
    private PipelineConfig config;
    private String goldQueryId;
    private String periodicQueryId;

    private static String id(int n) {
        return String.format("00000000-0000-0000-0000-%012d", n);
    }

    private static EventJson e(int n, String type, String visitor, String time, String path) {
        return EventJson.event(id(n), type, visitor, "2026-11-20T" + time + "Z").page("https://shop.example" + path, path);
    }

    @BeforeAll
    void runPipeline(@TempDir Path dir) throws Exception {
        config = SparkTestSession.config(dir, Map.of("CLICKSTREAM_SILVER_BOT_EVENTS_PER_MINUTE", "2"));
        BronzeTable.ensure(spark, config);
        String received = "2026-11-20T12:05:00Z";
        append(new KafkaRows(0)
                .add("v1", e(1, "page_view", "v1", "12:00:10", "/home").json(), received)
                .add("v1", e(2, "product_view", "v1", "12:00:50", "/p/1").product("sku-1", "shoes", "10.00", 1).json(), received)
                .add("v1", e(3, "add_to_cart", "v1", "12:01:20", "/p/1").product("sku-1", "shoes", "10.00", 2).json(), received)
                .add("v1", e(4, "checkout_start", "v1", "12:02:00", "/checkout").json(), received)
                .add("v1", e(5, "purchase", "v1", "12:03:00", "/done").product("sku-1", "shoes", "10.00", 2)
                        .order("o-1", "20.00", "EUR").json(), received)
                .add("v2", e(6, "page_view", "v2", "12:00:30", "/home").json(), received)
                .add("v2", e(7, "page_view", "v2", "12:00:40", "/home").json(), received)
                .add("v4", e(12, "page_view", "v4", "12:01:01", "/bot").json(), received)
                .add("v4", e(13, "page_view", "v4", "12:01:02", "/bot").json(), received)
                .add("v4", e(14, "page_view", "v4", "12:01:03", "/bot").json(), received));
        runOnce();
        append(new KafkaRows(10)
                .add("v2", e(8, "page_view", "v2", "12:45:00", "/about").json(), "2026-11-20T12:45:01Z")
                .add("v2", e(9, "product_view", "v2", "12:46:00", "/p/2").product("sku-2", "socks", "5.00", 1).json(), "2026-11-20T12:46:01Z")
                .add("v1", e(10, "purchase", "v1", "12:04:00", "/done").product("sku-2", "socks", "5.00", 1)
                        .order("o-2", "5.00", "EUR").json(), "2026-11-20T12:46:01Z")
                .add("v3", e(11, "page_view", "v3", "11:00:00", "/home").str("received_at", "2026-11-20T12:46:00Z").json(),
                        "2026-11-20T12:46:01Z")
                .add("v1", e(1, "page_view", "v1", "12:00:10", "/home").json(), "2026-11-20T12:46:01Z")
                .add("v4", e(15, "page_view", "v4", "12:46:00", "/bot").json(), "2026-11-20T12:46:01Z"));
        runOnce();
    }

    private void append(KafkaRows rows) {
        rows.appendToBronze(spark, config);
    }

    private void runOnce() throws Exception {
        SilverStream.start(spark, config, PipelineMetrics.NONE, Trigger.AvailableNow()).awaitTermination();
        StreamingQuery gold = GoldStream.start(spark, config, PipelineMetrics.NONE, Trigger.AvailableNow());
        gold.awaitTermination();
        goldQueryId = gold.id().toString();
        StreamingQuery periodic = GoldStream.startPeriodic(spark, config, PipelineMetrics.NONE, Trigger.AvailableNow());
        periodic.awaitTermination();
        periodicQueryId = periodic.id().toString();
    }

    private Dataset<Row> gold(String table) {
        return spark.read().format("delta").load(GoldTables.path(config, table));
    }

    @Test
    void sessionsSplitOnTheGapAndContinueAcrossBatches() {
        List<Row> sessions = gold("sessions").orderBy("anonymous_id", "session_start").collectAsList();
        assertThat(sessions).hasSize(3);

        Row v1 = sessions.get(0);
        assertThat(v1.<Long>getAs("events")).isEqualTo(6);
        assertThat(v1.<Long>getAs("duration_seconds")).isEqualTo(230);
        assertThat(v1.<String>getAs("landing_page")).isEqualTo("/home");
        assertThat(v1.<String>getAs("exit_page")).isEqualTo("/done");
        assertThat(v1.<Long>getAs("purchases")).isEqualTo(2);
        assertThat(v1.<BigDecimal>getAs("revenue")).isEqualByComparingTo("25.00");
        assertThat(v1.getList(v1.fieldIndex("currencies"))).containsExactly("EUR");
        assertThat(v1.<Integer>getAs("funnel_step")).isEqualTo(5);
        assertThat(v1.<Boolean>getAs("is_converted")).isTrue();
        assertThat(v1.<Boolean>getAs("is_live")).isTrue();

        Row v2first = sessions.get(1);
        assertThat(v2first.<Long>getAs("events")).isEqualTo(2);
        assertThat(v2first.<Long>getAs("unique_pages")).isEqualTo(1);
        assertThat(v2first.<Boolean>getAs("is_live")).isFalse();
        Row v2second = sessions.get(2);
        assertThat(v2second.<Long>getAs("events")).isEqualTo(2);
        assertThat(v2second.<String>getAs("landing_page")).isEqualTo("/about");
        assertThat(v2second.<Integer>getAs("funnel_step")).isEqualTo(2);
        assertThat(v2second.getList(v2second.fieldIndex("products_viewed"))).containsExactly("sku-2");
        assertThat(v2second.getList(v2second.fieldIndex("currencies"))).isEmpty();
    }

    @Test
    void pageMetricsPerMinute() {
        List<Row> rows = gold("page_metrics_1m").orderBy("window_start", "page_path")
                .select("page_path", "page_views", "unique_visitors").collectAsList();
        assertThat(rows).extracting(Row::toString).containsExactly("[/home,3,2]", "[/about,1,1]");
    }

    @Test
    void revenuePerProductPerFiveMinutes() {
        List<Row> rows = gold("revenue_5m").orderBy("sku")
                .selectExpr("cast(window_start as string)", "sku", "category", "currency", "cast(revenue as string)", "units", "orders")
                .collectAsList();
        assertThat(rows).extracting(Row::toString).containsExactly(
                "[2026-11-20 12:00:00,sku-1,shoes,EUR,20.00,2,1]",
                "[2026-11-20 12:00:00,sku-2,socks,EUR,5.00,1,1]");
    }

    @Test
    void funnelCountsSessionsPerOrderedStep() {
        Row f = gold("funnel").head();
        assertThat(f.<Long>getAs("sessions")).isEqualTo(3);
        assertThat(f.<Long>getAs("viewed")).isEqualTo(3);
        assertThat(f.<Long>getAs("viewed_product")).isEqualTo(2);
        assertThat(f.<Long>getAs("added_to_cart")).isEqualTo(1);
        assertThat(f.<Long>getAs("started_checkout")).isEqualTo(1);
        assertThat(f.<Long>getAs("purchased")).isEqualTo(1);
        assertThat(f.<Double>getAs("added_to_cart_rate")).isEqualTo(0.5);
        assertThat(f.<Double>getAs("conversion_rate")).isEqualTo(0.3333);
    }

    @Test
    void trendingDailyActiveLifetimeValueAndAnomalies() {
        assertThat(gold("trending_products").orderBy("rank").select("sku", "views", "add_to_carts", "purchases",
                "units_sold", "score", "rank").collectAsList()).extracting(Row::toString)
                .containsExactly("[sku-1,1,1,1,2,9,1]", "[sku-2,1,0,1,1,6,2]");
        assertThat(gold("daily_active_users").select("active_visitors", "identified_users", "events").head().toString())
                .isEqualTo("[3,0,14]");
        assertThat(gold("customer_lifetime_value").selectExpr("customer_id", "orders", "cast(revenue as string)",
                "cast(avg_order_value as string)").head().toString()).isEqualTo("[v1,2,25.00,12.50]");
        assertThat(gold("anomalies").orderBy("anonymous_id").select("anonymous_id", "events").collectAsList())
                .extracting(Row::toString).containsExactly("[v4,3]");
    }

    @Test
    void aVisitorOverTheRateLimitIsABotInSilverAndLeftOutOfWhatDescribesPeople() {
        Dataset<Row> silver = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS));
        assertThat(silver.where("is_bot").selectExpr("anonymous_id", "bot_reason").distinct().collectAsList())
                .extracting(Row::toString).containsExactly("[v4,event_rate]");
        assertThat(silver.where("anonymous_id = 'v4' AND is_bot").count()).as("all four, the next batch's too").isEqualTo(4);
        assertThat(gold("sessions").where("anonymous_id = 'v4'").count()).isZero();
        assertThat(gold("daily_active_users").selectExpr("human_visitors", "bot_visitors").head().toString())
                .isEqualTo("[2,1]");
    }

    @Test
    void lateEventsReachSilverButNoWindow() {
        Dataset<Row> silver = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS));
        assertThat(silver.count()).isEqualTo(15);
        assertThat(silver.where("is_late").select("anonymous_id").head().getString(0)).isEqualTo("v3");
        assertThat(gold("sessions").where("anonymous_id = 'v3'").count()).isZero();
    }

    @Test
    void everyRollupEqualsItsRecomputationFromSilverAndReplaysChangeNothing() throws Exception {
        Dataset<Row> silver = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS));
        Map<String, List<Row>> before = new java.util.HashMap<>();
        for (GoldRollup r : GoldTables.rollups(config)) {
            Dataset<Row> source = r.source() == GoldRollup.Source.EVENTS ? silver
                    : spark.read().format("delta").load(SilverTables.path(config, SilverTables.PRODUCT_EVENTS));
            Dataset<Row> recomputed = r.aggregate(r.relevant(source));
            Dataset<Row> table = gold(r.table()).select(recomputed.columns()[0],
                    java.util.Arrays.copyOfRange(recomputed.columns(), 1, recomputed.columns().length));
            assertThat(table.exceptAll(recomputed).count()).as(r.table()).isZero();
            assertThat(recomputed.exceptAll(table).count()).as(r.table()).isZero();
            before.put(r.table(), sorted(gold(r.table())));
        }
        List<Row> sessionsBefore = sorted(gold("sessions"));
        List<Row> funnelBefore = sorted(gold("funnel"));

        // The gold query's second batch run again, as after a crash before its commit: same rows, same query and batch.
        Dataset<Row> secondBatch = silver.where("kafka_offset >= 10").persist();
        new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE)
                .write(secondBatch, new BatchStamp(goldQueryId, 1));
        new GoldBatchWriter(config, GoldRollup.Cadence.PERIODIC, PipelineMetrics.NONE)
                .write(secondBatch, new BatchStamp(periodicQueryId, 1));
        secondBatch.unpersist();

        for (GoldRollup r : GoldTables.rollups(config)) {
            assertThat(sorted(gold(r.table()))).as(r.table()).isEqualTo(before.get(r.table()));
        }
        assertThat(sorted(gold("sessions"))).isEqualTo(sessionsBefore);
        assertThat(sorted(gold("funnel"))).isEqualTo(funnelBefore);
    }

    @Test
    void eachQueryKeepsItsOwnTables() {
        assertThat(GoldTables.rollups(config, GoldRollup.Cadence.EVERY_BATCH)).extracting(GoldRollup::table)
                .containsExactlyInAnyOrder("page_metrics_1m", "revenue_5m", "anomalies");
        assertThat(GoldTables.rollups(config, GoldRollup.Cadence.PERIODIC)).extracting(GoldRollup::table)
                .containsExactlyInAnyOrder("trending_products", "daily_active_users", "customer_daily_orders",
                        "customer_lifetime_value");
        // Stamped by the query that keeps them, and by no other.
        for (GoldRollup r : GoldTables.rollups(config, GoldRollup.Cadence.PERIODIC)) {
            if (r.maintenance() != GoldRollup.Maintenance.INCREMENTAL) {
                continue; // recomputed whole, so unstamped
            }
            assertThat(gold(r.table()).select(BatchStamp.QUERY_ID).distinct().collectAsList()).as(r.table())
                    .extracting(row -> row.getString(0)).containsExactly(periodicQueryId);
        }
        assertThat(gold("funnel").select(BatchStamp.QUERY_ID).distinct().collectAsList())
                .extracting(row -> row.getString(0)).containsExactly(goldQueryId);
    }

    @Test
    void thePeriodicQueryRefusesANewCheckpointOverTablesThatHoldRows(@TempDir Path otherCheckpoints) {
        // As after an upgrade from a version whose gold query kept every table: a new checkpoint reads silver from
        // its start and would add every event a second time.
        PipelineConfig newCheckpoint = config.withLocations(config.warehouseRoot(), otherCheckpoints.toString());
        assertThatThrownBy(() -> GoldStream.startPeriodic(spark, newCheckpoint, PipelineMetrics.NONE, Trigger.AvailableNow()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("has no checkpoint")
                .hasMessageContaining("daily_active_users")
                .hasMessageContaining("a second time");
        assertThat(spark.streams().active()).extracting(StreamingQuery::name).doesNotContain(GoldStream.PERIODIC_QUERY_NAME);
    }

    @Test
    void theGoldQueryRefusesANewCheckpointOverSessions(@TempDir Path otherCheckpoints) {
        // As when gold.sessions was kept by the all-layers driver (under silver's checkpoint), or the checkpoint was
        // lost: a new one reads silver from its start, and the funnel would count every session a second time.
        PipelineConfig newCheckpoint = config.withLocations(config.warehouseRoot(), otherCheckpoints.toString());
        assertThatThrownBy(() -> GoldStream.start(spark, newCheckpoint, PipelineMetrics.NONE, Trigger.AvailableNow()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The gold query has no checkpoint")
                .hasMessageContaining("sessions")
                .hasMessageContaining("a second time");
        assertThat(spark.streams().active()).extracting(StreamingQuery::name).doesNotContain(GoldStream.QUERY_NAME);
    }

    @Test
    void thePeriodicQueryRefusesANewCheckpointOverTheMembersItHasCountedAlone(@TempDir Path other) throws Exception {
        // Its tables moved aside but not gold/_seen: every visitor would be taken as counted, and each rebuilt day's
        // distinct counts would be 0.
        PipelineConfig rebuilt = config.withLocations(other.resolve("warehouse").toString(), other.resolve("checkpoints").toString());
        copyTree(Path.of(GoldTables.seenPath(config, "daily_active_users")),
                Path.of(GoldTables.seenPath(rebuilt, "daily_active_users")));
        assertThatThrownBy(() -> GoldStream.startPeriodic(spark, rebuilt, PipelineMetrics.NONE, Trigger.AvailableNow()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The gold-periodic query has no checkpoint")
                .hasMessageContaining("_seen/daily_active_users")
                .hasMessageContaining("a second time");
    }

    @Test
    void theSilverQueryRefusesANewCheckpointOverSilverTables(@TempDir Path otherCheckpoints) {
        // A new silver checkpoint reads bronze from its start: every row would be appended again, and gold, whose
        // own checkpoint is intact, would take them as new events.
        PipelineConfig newCheckpoint = config.withLocations(config.warehouseRoot(), otherCheckpoints.toString());
        assertThatThrownBy(() -> SilverStream.start(spark, newCheckpoint, PipelineMetrics.NONE, Trigger.AvailableNow()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The silver query has no checkpoint")
                .hasMessageContaining(SilverTables.path(config, SilverTables.EVENTS))
                .hasMessageContaining("count them twice");
        assertThat(spark.streams().active()).extracting(StreamingQuery::name).doesNotContain(SilverStream.QUERY_NAME);
    }

    @Test
    void theBronzeQueryRefusesANewCheckpointOverBronze(@TempDir Path otherCheckpoints) {
        // A new bronze checkpoint reads Kafka from kafka.starting.offsets (earliest): what Kafka still holds would be
        // appended again, with offsets bronze has, and deduplication downstream only remembers an hour of event ids.
        PipelineConfig newCheckpoint = config.withLocations(config.warehouseRoot(), otherCheckpoints.toString());
        assertThatThrownBy(() -> BronzeStream.start(spark, newCheckpoint, PipelineMetrics.NONE, Trigger.AvailableNow()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("The bronze query has no checkpoint")
                .hasMessageContaining(BronzeTable.path(config))
                .hasMessageContaining("kafka.starting.offsets");
        assertThat(spark.streams().active()).extracting(StreamingQuery::name).doesNotContain(BronzeStream.QUERY_NAME);
    }

    @Test
    void aWindowSizeOtherThanTheOneATableWasCountedInIsRefused(@TempDir Path unused) {
        // The rows are minutes: 5-minute rows beside them, each replacing only the minute it starts on, would count
        // the other four minutes twice.
        PipelineConfig fiveMinutePages = SparkTestSession.config(unused, Map.of("CLICKSTREAM_GOLD_PAGE_WINDOW", "5 minutes"))
                .withLocations(config.warehouseRoot(), config.checkpointRoot());
        assertThatThrownBy(() -> GoldTables.requireWindows(spark, fiveMinutePages))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("gold.page_metrics_1m holds windows of PT1M, but gold.page.window is PT5M");
        GoldTables.requireWindows(spark, config); // as configured: nothing to say
        // A new table is created with its window: no commit of its own to record it.
        assertThat(spark.sql("DESCRIBE HISTORY delta.`" + GoldTables.path(config, "page_metrics_1m") + "`")
                .filter("operation = 'SET TBLPROPERTIES'").count()).isZero();
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = java.nio.file.Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (java.nio.file.Files.isDirectory(p)) {
                    java.nio.file.Files.createDirectories(target);
                } else {
                    java.nio.file.Files.copy(p, target);
                }
            }
        }
    }

    @Test
    void businessFiguresForPrometheusComeFromGold() throws Exception {
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0)) {
            // a minute after the last batch's events
            new GoldFigures(spark, config, metrics, java.time.Clock.fixed(java.time.Instant.parse("2026-11-20T12:47:00Z"),
                    java.time.ZoneOffset.UTC)).refresh();
            String scraped = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            // the newest minute with views is 12:45 (still filling); the last complete one, 12:44, had none (the views
            // of 12:00 are no longer the last minute's)
            assertThat(scraped).contains("clickstream_business_value{figure=\"page_views_last_minute\"} 0.0")
                    .doesNotContain("clickstream_top_page_views{")
                    .contains("clickstream_business_value{figure=\"active_visitors_today\"} 2.0")
                    .contains("clickstream_business_value{figure=\"live_sessions\"} 2.0")
                    .contains("clickstream_funnel_sessions{step=\"viewed\"} 3.0")
                    .contains("clickstream_funnel_sessions{step=\"purchased\"} 1.0");
        }
    }

    private static List<Row> sorted(Dataset<Row> rows) {
        return rows.collectAsList().stream().sorted(java.util.Comparator.comparing(Row::toString)).toList();
    }
}
