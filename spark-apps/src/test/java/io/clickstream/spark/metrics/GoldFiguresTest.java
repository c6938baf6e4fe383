package io.clickstream.spark.metrics;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.testing.MetricsScrape;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

class GoldFiguresTest {
    private final SparkSession spark = SparkTestSession.get();

    /** A first gold batch slower than the first refresh (a busy machine) must not leave the dashboards empty for good. */
    @Test
    void figuresAppearOnceGoldTablesExistEvenIfEarlierRoundsFoundNone(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0);
             GoldFigures figures = new GoldFigures(spark, config, metrics).every(Duration.ofMillis(200))) {
            Thread.sleep(2_000); // rounds that find no gold table
            assertThat(MetricsScrape.of(metrics)).doesNotContain("clickstream_business_value{");

            GoldTables.ensure(spark, config);
            String live = "clickstream_business_value{figure=\"live_sessions\"} 0.0";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String scraped = MetricsScrape.of(metrics);
            while (!scraped.contains(live) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                scraped = MetricsScrape.of(metrics);
            }
            assertThat(scraped).contains(live);
        }
    }

    /** Amounts in different currencies are never added: the last complete window's revenue is one series per currency. */
    @Test
    void revenueOfTheLastCompleteWindowPerCurrency(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        GoldTables.ensure(spark, config);
        String path = GoldTables.path(config, "revenue_5m");
        spark.read().format("delta").load(path).limit(0).unionByName(spark.sql("""
                SELECT site_id, CAST(window_start AS TIMESTAMP) AS window_start,
                       CAST(window_start AS TIMESTAMP) + INTERVAL 5 MINUTES AS window_end, sku, 'c' AS category, currency,
                       CAST(revenue AS DECIMAL(18,2)) AS revenue, 1L AS units, 1L AS orders
                FROM VALUES
                  ('shop', '2026-11-20 12:00:00', 'a', 'EUR', '10.00'),
                  ('shop', '2026-11-20 12:00:00', 'b', 'EUR', '2.50'),
                  ('blog', '2026-11-20 12:00:00', 'a', 'USD', '7.00'),
                  ('shop', '2026-11-20 11:55:00', 'a', 'GBP', '1.00'),
                  ('shop', '2026-11-20 12:05:00', 'a', 'EUR', '99.00')
                AS t(site_id, window_start, sku, currency, revenue)"""), true)
                .write().format("delta").mode("append").save(path);
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0);
             GoldFigures figures = new GoldFigures(spark, config, metrics, at("2026-11-20T12:07:00Z"))) {
            figures.refresh();
            String scraped = MetricsScrape.of(metrics);
            // 12:05 is still open; 12:00 is the last complete window, 11:55 an older one
            assertThat(scraped).contains("clickstream_revenue_last_5m{currency=\"EUR\"} 12.5")
                    .contains("clickstream_revenue_last_5m{currency=\"USD\"} 7.0")
                    .doesNotContain("currency=\"GBP\"");
        }
    }

    /** A quiet minute is zero page views, not the figures of the last minute that had some. */
    @Test
    void aQuietLastMinuteCountsNoPageViewsAndNoTopPages(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        GoldTables.ensure(spark, config);
        String path = GoldTables.path(config, "page_metrics_1m");
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0)) {
            appendPageViews(path, "('shop', '2026-11-20 12:00:00', '/a', 5), ('shop', '2026-11-20 12:01:00', '/b', 1)");
            new GoldFigures(spark, config, metrics, at("2026-11-20T12:01:30Z")).refresh();
            assertThat(MetricsScrape.of(metrics)).contains("clickstream_business_value{figure=\"page_views_last_minute\"} 5.0")
                    .contains("clickstream_top_page_views{page=\"/a\",rank=\"1\"} 5.0");

            appendPageViews(path, "('shop', '2026-11-20 12:04:00', '/c', 2)"); // 12:02-12:03 quiet
            new GoldFigures(spark, config, metrics, at("2026-11-20T12:04:30Z")).refresh();
            assertThat(MetricsScrape.of(metrics)).contains("clickstream_business_value{figure=\"page_views_last_minute\"} 0.0")
                    .doesNotContain("clickstream_top_page_views{");
        }
    }

    /** A phone whose clock runs 8 minutes fast makes a window in the future: the figures stay on the minute just past. */
    @Test
    void windowsAheadOfTheClockAreNotTheNewest(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        GoldTables.ensure(spark, config);
        Clock now = Clock.fixed(java.time.Instant.parse("2026-11-20T12:01:30Z"), java.time.ZoneOffset.UTC);
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0);
             GoldFigures figures = new GoldFigures(spark, config, metrics, now)) {
            appendPageViews(GoldTables.path(config, "page_metrics_1m"),
                    "('shop', '2026-11-20 12:00:00', '/a', 5), ('shop', '2026-11-20 12:01:00', '/b', 1),"
                            + " ('shop', '2026-11-20 12:09:00', '/fast-clock', 1)");
            // the next UTC day's row: an event sent just before midnight by that phone. Of the day's 40 visitors 5 were
            // taken for bots, 2 of them only after events that were not flagged (they count as human visitors too).
            spark.read().format("delta").load(GoldTables.path(config, "daily_active_users")).limit(0).unionByName(spark.sql("""
                    SELECT 'shop' AS site_id, CAST(d AS DATE) AS event_date, CAST(v AS BIGINT) AS active_visitors,
                           0L AS identified_users, CAST(h AS BIGINT) AS human_visitors, CAST(v AS BIGINT) AS events,
                           CAST(b AS BIGINT) AS bot_visitors
                    FROM VALUES ('2026-11-20', 40, 37, 5), ('2026-11-21', 1, 1, 0) AS t(d, v, h, b)"""), true)
                    .write().format("delta").mode("append").save(GoldTables.path(config, "daily_active_users"));
            figures.refresh();
            assertThat(MetricsScrape.of(metrics)).contains("clickstream_business_value{figure=\"page_views_last_minute\"} 5.0")
                    .contains("clickstream_top_page_views{page=\"/a\",rank=\"1\"} 5.0")
                    .contains("clickstream_business_value{figure=\"active_visitors_today\"} 35.0");
        }
    }

    /**
     * The traffic stopped at 12:05: once gold cannot be lagging that far behind any more, the figures move on with the
     * clock, to the last minute that had traffic, then to quiet windows, instead of repeating older windows for good.
     */
    @Test
    void afterTheTrafficStopsTheFiguresFollowTheClock(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        GoldTables.ensure(spark, config);
        appendPageViews(GoldTables.path(config, "page_metrics_1m"),
                "('shop', '2026-11-20 12:03:00', '/a', 5), ('shop', '2026-11-20 12:04:00', '/b', 1)");
        String revenue = GoldTables.path(config, "revenue_5m");
        spark.read().format("delta").load(revenue).limit(0).unionByName(spark.sql("""
                SELECT 'shop' AS site_id, CAST(w AS TIMESTAMP) AS window_start,
                       CAST(w AS TIMESTAMP) + INTERVAL 5 MINUTES AS window_end, 'a' AS sku, 'c' AS category,
                       'EUR' AS currency, CAST(r AS DECIMAL(18,2)) AS revenue, 1L AS units, 1L AS orders
                FROM VALUES ('2026-11-20 12:00:00', '10.00'), ('2026-11-20 12:05:00', '3.00') AS t(w, r)"""), true)
                .write().format("delta").mode("append").save(revenue);
        String funnel = GoldTables.path(config, "funnel");
        Dataset<Row> funnelRow = spark.sql("""
                SELECT 'shop' AS site_id, CAST('2026-11-20 12:00:00' AS TIMESTAMP) AS window_start, 4L AS sessions,
                       4L AS viewed, 2L AS viewed_product, 1L AS added_to_cart, 1L AS started_checkout, 1L AS purchased""");
        append(funnel, funnelRow);
        // live, received at 12:05 and 11:25; one closed already; one live but quiet since 11:10. Counted while a receipt
        // now would keep them live: within the 30-minute gap, the 10 minutes' lateness and gold's 5 minutes' lag.
        append(GoldTables.path(config, GoldTables.SESSIONS), spark.sql("""
                SELECT 'shop' AS site_id, v AS anonymous_id, v AS session_key, live AS is_live,
                       CAST(r AS TIMESTAMP) AS last_received_at
                FROM VALUES ('a', true, '2026-11-20 12:05:00'), ('b', true, '2026-11-20 11:25:00'),
                            ('c', false, '2026-11-20 12:04:00'), ('d', true, '2026-11-20 11:10:00') AS t(v, live, r)"""));
        Instant[] now = {Instant.parse("2026-11-20T12:05:30Z")}; // gold may still be catching up
        Clock clock = new Clock() {
            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0);
             GoldFigures figures = new GoldFigures(spark, config, metrics, clock)) {
            String pageViews = "clickstream_business_value{figure=\"page_views_last_minute\"} ";
            String viewed = "clickstream_funnel_sessions{step=\"viewed\"} ";

            String live = "clickstream_business_value{figure=\"live_sessions\"} ";

            figures.refresh();
            assertThat(MetricsScrape.of(metrics)).contains(pageViews + "5.0", "clickstream_revenue_last_5m{currency=\"EUR\"} 10.0",
                    viewed + "4.0", live + "2.0");

            now[0] = Instant.parse("2026-11-20T12:10:30Z");
            figures.refresh();
            assertThat(MetricsScrape.of(metrics)).contains(pageViews + "1.0", "clickstream_top_page_views{page=\"/b\",rank=\"1\"} 1.0",
                    "clickstream_revenue_last_5m{currency=\"EUR\"} 10.0", live + "1.0");

            now[0] = Instant.parse("2026-11-20T12:16:00Z");
            figures.refresh();
            assertThat(MetricsScrape.of(metrics)).contains(pageViews + "0.0", "clickstream_revenue_last_5m{currency=\"EUR\"} 3.0",
                    live + "1.0")
                    .doesNotContain("clickstream_top_page_views{");

            now[0] = Instant.parse("2026-11-20T13:10:00Z");
            figures.refresh();
            assertThat(MetricsScrape.of(metrics)).contains(pageViews + "0.0", viewed + "0.0", live + "0.0")
                    .doesNotContain("clickstream_revenue_last_5m{");
        }
    }

    /** Appends {@code rows} to the table at {@code path}, its other columns null, or zero where they may not be null. */
    private void append(String path, Dataset<Row> rows) {
        List<Column> columns = new ArrayList<>();
        for (StructField f : spark.read().format("delta").load(path).schema().fields()) {
            columns.add(Arrays.asList(rows.columns()).contains(f.name()) ? col(f.name()).cast(f.dataType())
                    : (f.nullable() ? lit(null) : lit(0)).cast(f.dataType()).as(f.name()));
        }
        rows.select(columns.toArray(Column[]::new)).write().format("delta").mode("append").save(path);
    }

    private static Clock at(String instant) {
        return Clock.fixed(Instant.parse(instant), ZoneOffset.UTC);
    }

    private void appendPageViews(String path, String rows) {
        spark.read().format("delta").load(path).limit(0).unionByName(spark.sql("""
                SELECT site_id, CAST(window_start AS TIMESTAMP) AS window_start,
                       CAST(window_start AS TIMESTAMP) + INTERVAL 1 MINUTE AS window_end, page_path,
                       CAST(views AS BIGINT) AS page_views, 1L AS unique_visitors
                FROM VALUES %s AS t(site_id, window_start, page_path, views)""".formatted(rows)), true)
                .write().format("delta").mode("append").save(path);
    }
}
