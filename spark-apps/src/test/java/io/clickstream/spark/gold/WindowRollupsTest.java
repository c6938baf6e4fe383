package io.clickstream.spark.gold;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
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

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A minute rollup rewrites whole windows ({@link io.clickstream.spark.table.WindowOverwrite}): a batch that touches a
 * window through one site must leave every other site's rows of that window as silver says.
 */
class WindowRollupsTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void aWindowTouchedThroughOneSiteKeepsTheOtherSitesRows(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
        Dataset<Row> silver = new KafkaRows(0)
                .add("v1", view(1, "shop", "v1", "12:00:10", "/a"), "2026-11-20T12:00:11Z")
                .add("v2", view(2, "shop-b", "v2", "12:00:20", "/b"), "2026-11-20T12:00:21Z")
                .add("v3", view(3, "shop-b", "v3", "12:00:30", "/b"), "2026-11-20T12:00:31Z")
                .add("v1", view(4, "shop", "v1", "12:01:05", "/a"), "2026-11-20T12:01:06Z")
                .throughSilver(spark, config);
        GoldBatchWriter writer = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE);

        TestBatches.write(writer, silver.where("kafka_offset < 2"), 0);
        // Batch 1 reaches the 12:00 window through shop-b only, and opens 12:01 for shop.
        TestBatches.write(writer, silver.where("kafka_offset >= 2"), 1);
        List<String> expected = List.of(
                "[shop,2026-11-20 12:00:00,/a,1,1]",
                "[shop,2026-11-20 12:01:00,/a,1,1]",
                "[shop-b,2026-11-20 12:00:00,/b,2,2]");
        assertThat(pageMetrics(config)).containsExactlyElementsOf(expected);

        TestBatches.write(writer, silver.where("kafka_offset >= 2"), 1); // a replay
        assertThat(pageMetrics(config)).containsExactlyElementsOf(expected);
    }

    /** Page views and trending products count people, as sessions do: a crawler's views are in gold.anomalies only. */
    @Test
    void knownBotsAreNeitherPageViewsNorTrending(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
        String bot = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        Dataset<Row> silver = new KafkaRows(0)
                .add("v1", view(1, "shop", "v1", "12:00:10", "/a"), "2026-11-20T12:00:11Z")
                .add("v2", EventJson.pageView("00000000-0000-0000-0000-000000000002", "v2", "2026-11-20T12:00:20Z")
                        .page("https://shop.example/a", "/a").userAgent(bot).json(), "2026-11-20T12:00:21Z")
                .add("v2", EventJson.event("00000000-0000-0000-0000-000000000003", "product_view", "v2", "2026-11-20T12:00:30Z")
                        .product("sku-9", "c", "5.00", 1).userAgent(bot).json(), "2026-11-20T12:00:31Z")
                .add("v1", EventJson.event("00000000-0000-0000-0000-000000000004", "product_view", "v1", "2026-11-20T12:00:40Z")
                        .product("sku-1", "c", "5.00", 1).json(), "2026-11-20T12:00:41Z")
                .throughSilver(spark, config);
        assertThat(silver.where("is_bot").count()).isEqualTo(2);
        TestBatches.write(new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, PipelineMetrics.NONE), silver, 0);
        TestBatches.write(new GoldBatchWriter(config, GoldRollup.Cadence.PERIODIC, PipelineMetrics.NONE), silver, 0);

        assertThat(pageMetrics(config)).containsExactly("[shop,2026-11-20 12:00:00,/a,1,1]");
        assertThat(spark.read().format("delta").load(GoldTables.path(config, "trending_products"))
                .selectExpr("sku", "views").collectAsList().stream().map(Row::toString).toList())
                .containsExactly("[sku-1,1]");
        assertThat(spark.read().format("delta").load(GoldTables.path(config, "anomalies")).count()).isPositive();
    }

    private static String view(int n, String site, String visitor, String time, String path) {
        return EventJson.pageView(String.format("00000000-0000-0000-0000-%012d", n), visitor, "2026-11-20T" + time + "Z")
                .str("site_id", site).page("https://shop.example" + path, path).json();
    }


    private List<String> pageMetrics(PipelineConfig config) {
        return spark.read().format("delta").load(GoldTables.path(config, "page_metrics_1m"))
                .orderBy("site_id", "window_start")
                .selectExpr("site_id", "CAST(window_start AS STRING)", "page_path", "page_views", "unique_visitors")
                .collectAsList().stream().map(Row::toString).toList();
    }
}
