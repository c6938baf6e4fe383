package io.clickstream.spark.metrics;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

/**
 * Business figures for dashboards, read from the gold tables every 30 seconds: page views in the last complete
 * minute, visitors and live sessions, revenue of the last complete 5-minute window, funnel steps of the newest funnel
 * window, and the top 10 pages (a bounded label set). "Last complete" looks back one hour from the newest window.
 */
public final class GoldFigures implements AutoCloseable {
    private static final Duration LOOKBACK = Duration.ofHours(1);
    private static final String[] STEPS = {"viewed", "viewed_product", "added_to_cart", "started_checkout", "purchased"};
    private final SparkSession spark;
    private final PipelineConfig config;
    private final PrometheusMetrics metrics;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clickstream-gold-figures");
        t.setDaemon(true);
        return t;
    });

    public GoldFigures(SparkSession spark, PipelineConfig config, PrometheusMetrics metrics) {
        this.spark = spark;
        this.config = config;
        this.metrics = metrics;
    }

    public static GoldFigures startIfGoldRuns(SparkSession spark, PipelineConfig config, PrometheusMetrics metrics,
                                              String app) {
        if (!(app.equals("gold") || app.equals("all-layers"))) {
            return null;
        }
        GoldFigures f = new GoldFigures(spark, config, metrics);
        f.timer.scheduleWithFixedDelay(f::refreshQuietly, 30, 30, TimeUnit.SECONDS);
        return f;
    }

    private void refreshQuietly() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // Tables may not exist yet or be mid-commit; the next round will do.
        }
    }

    public void refresh() {
        Dataset<Row> pages = table("page_metrics_1m");
        Row newestMinute = pages.agg(max("window_start")).head();
        if (!newestMinute.isNullAt(0)) {
            // the newest minute is still filling: report the one before it
            Dataset<Row> lastComplete = before(pages, newestMinute.getTimestamp(0));
            Row minute = lastComplete.agg(max("window_start")).head();
            if (minute.isNullAt(0)) {
                // only the first minute so far: nothing complete yet, which is zero rather than no series
                metrics.business.labelValues("page_views_last_minute").set(0);
            } else {
                Dataset<Row> inMinute = lastComplete.where(col("window_start").equalTo(minute.getTimestamp(0)));
                metrics.business.labelValues("page_views_last_minute").set(sum(inMinute, "page_views"));
                List<Row> top = inMinute.groupBy("page_path").sum("page_views")
                        .orderBy(col("sum(page_views)").desc()).limit(10).collectAsList();
                metrics.topPages.clear();
                for (int i = 0; i < top.size(); i++) {
                    metrics.topPages.labelValues(Integer.toString(i + 1), top.get(i).getString(0)).set(top.get(i).getLong(1));
                }
            }
        }
        Dataset<Row> dau = table("daily_active_users");
        Row day = dau.agg(max("event_date")).head();
        if (!day.isNullAt(0)) {
            metrics.business.labelValues("active_visitors_today")
                    .set(sum(dau.where(col("event_date").equalTo(day.getDate(0))), "active_visitors"));
        }
        metrics.business.labelValues("live_sessions").set(table("sessions").where("is_live").count());
        Dataset<Row> revenue = table("revenue_5m");
        Row newestRevenue = revenue.agg(max("window_start")).head();
        if (!newestRevenue.isNullAt(0)) {
            Dataset<Row> before = before(revenue, newestRevenue.getTimestamp(0));
            Row w = before.agg(max("window_start")).head();
            if (w.isNullAt(0)) {
                metrics.business.labelValues("revenue_last_5m").set(0);
            } else {
                metrics.business.labelValues("revenue_last_5m")
                        .set(sum(before.where(col("window_start").equalTo(w.getTimestamp(0))), "revenue"));
            }
        }
        Dataset<Row> funnel = table("funnel");
        Row newestFunnel = funnel.agg(max("window_start")).head();
        if (!newestFunnel.isNullAt(0)) {
            Dataset<Row> current = funnel.where(col("window_start").equalTo(newestFunnel.getTimestamp(0)));
            for (String step : STEPS) {
                metrics.funnelStep.labelValues(step).set(sum(current, step));
            }
        }
    }

    /**
     * The windows in the hour before {@code newest}. The bound lets Delta skip the table's older files: without it, finding
     * the window before the newest read the whole table's history every 30 seconds.
     */
    private static Dataset<Row> before(Dataset<Row> windows, Timestamp newest) {
        return windows.where(col("window_start").lt(newest)
                .and(col("window_start").geq(Timestamp.from(newest.toInstant().minus(LOOKBACK)))));
    }

    private Dataset<Row> table(String name) {
        return spark.read().format("delta").load(GoldTables.path(config, name));
    }

    private static double sum(Dataset<Row> rows, String column) {
        Row r = rows.agg(org.apache.spark.sql.functions.sum(col(column)).cast("double")).head();
        return r.isNullAt(0) ? 0 : r.getDouble(0);
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
