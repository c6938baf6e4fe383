package io.clickstream.spark.metrics;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.Funnel;
import io.clickstream.spark.gold.GoldTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

/**
 * Business figures for dashboards, read from the gold tables every 30 seconds: page views in the last complete
 * minute, visitors and live sessions, revenue of the last complete 5-minute window, funnel steps of the newest funnel
 * window, and the top 10 pages (a bounded label set). The last complete window is the one just before the one gold
 * is filling: the newest with rows, or, once none came for longer than gold may lag behind the clock, the clock's. A
 * quiet window counts zero, not the figures of an older one, and so does every window after the traffic stopped.
 */
public final class GoldFigures implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GoldFigures.class);
    private static final Duration PERIOD = Duration.ofSeconds(30);
    /**
     * How far gold may lag behind the clock: the pipeline's freshness objective (its alert fires past it). A window
     * that ended longer ago than this is taken as complete in gold, rows or none.
     */
    static final Duration GOLD_LAG_ALLOWANCE = Duration.ofMinutes(5);
    private static final String[] STEPS = {"viewed", "viewed_product", "added_to_cart", "started_checkout", "purchased"};
    private final SparkSession spark;
    private final PipelineConfig config;
    private final PrometheusMetrics metrics;
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clickstream-gold-figures");
        t.setDaemon(true);
        return t;
    });

    private final Clock clock;
    private Set<String> revenueCurrencies = Set.of();

    public GoldFigures(SparkSession spark, PipelineConfig config, PrometheusMetrics metrics) {
        this(spark, config, metrics, Clock.systemUTC());
    }

    /** Figures as of {@code clock}'s time, e.g. for tables written in the past. */
    public GoldFigures(SparkSession spark, PipelineConfig config, PrometheusMetrics metrics, Clock clock) {
        this.spark = spark;
        this.config = config;
        this.metrics = metrics;
        this.clock = clock;
    }

    public static GoldFigures startIfGoldRuns(SparkSession spark, PipelineConfig config, PrometheusMetrics metrics,
                                              String app) {
        if (!(app.equals("gold") || app.equals("all-layers"))) {
            return null;
        }
        return new GoldFigures(spark, config, metrics).every(PERIOD);
    }

    /** Refreshes the figures every {@code period}, the first time one period from now. */
    public GoldFigures every(Duration period) {
        timer.scheduleWithFixedDelay(this::refresh, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /**
     * Refreshes each figure on its own: a table that does not exist yet (a slow first batch) leaves only its figures
     * unset. Nothing may escape to the timer, which would never run the task again: Spark throws the checked
     * {@code AnalysisException} (missing table) without declaring it.
     */
    public void refresh() {
        refresh("page views", this::pageViews);
        refresh("active visitors", this::activeVisitors);
        refresh("live sessions", this::liveSessions);
        refresh("revenue", this::revenue);
        refresh("funnel", this::funnel);
    }

    private void refresh(String figure, Runnable read) {
        try {
            read.run();
            failing.remove(figure);
        } catch (Exception e) {
            // Said once per figure until it works again: a table the first gold batch has not created yet is normal.
            if (failing.add(figure)) {
                LOG.warn("Gold figure '{}' not refreshed yet (retried every round): {}", figure, firstLine(e));
            }
        }
    }

    private void pageViews() {
        Dataset<Row> pages = table("page_metrics_1m");
        Timestamp filling = filling(pages, config.pageWindow());
        if (filling == null) {
            return;
        }
        Dataset<Row> inMinute = windowBefore(pages, filling, config.pageWindow());
        business("page_views_last_minute", sum(inMinute, "page_views"));
        List<Row> top = inMinute.groupBy("page_path").sum("page_views")
                .orderBy(col("sum(page_views)").desc()).limit(10).collectAsList();
        metrics.topPages.clear();
        for (int i = 0; i < top.size(); i++) {
            metrics.topPages.labelValues(Integer.toString(i + 1), top.get(i).getString(0)).set(top.get(i).getLong(1));
        }
    }

    /** Visitors of the day that nothing took for a bot (see {@code DailyActiveUsers}). */
    private void activeVisitors() {
        Dataset<Row> dau = table("daily_active_users");
        Row day = dau.where(col("event_date").leq(lit(Date.valueOf(LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)))))
                .agg(max("event_date")).head();
        if (!day.isNullAt(0)) {
            // One read of the table: two could straddle a merge.
            Row today = dau.where(col("event_date").equalTo(day.getDate(0)))
                    .agg(coalesce(org.apache.spark.sql.functions.sum("active_visitors"), lit(0L)).minus(
                            coalesce(org.apache.spark.sql.functions.sum("bot_visitors"), lit(0L))).cast("double")).head();
            business("active_visitors_today", today.getDouble(0));
        }
    }

    /**
     * Sessions whose visitor may still come back. The table closes a session once a later receipt on its visitor's
     * Kafka partition shows the visitor quiet for a gap plus the allowed lateness; where the traffic stopped no receipt
     * comes, so here the clock closes them as a receipt now would, allowing for gold's lag.
     */
    private void liveSessions() {
        Timestamp quietSince = Timestamp.from(clock.instant().minus(config.sessionGap()).minus(config.allowedLateness())
                .minus(GOLD_LAG_ALLOWANCE));
        business("live_sessions", table(GoldTables.SESSIONS)
                .where(col("is_live").and(col("last_received_at").geq(lit(quietSince)))).count());
    }

    private void revenue() {
        Dataset<Row> revenue = table("revenue_5m");
        Timestamp filling = filling(revenue, config.revenueWindow());
        if (filling == null) {
            return;
        }
        List<Row> perCurrency = windowBefore(revenue, filling, config.revenueWindow())
                .groupBy("currency").agg(org.apache.spark.sql.functions.sum(col("revenue")).cast("double")).collectAsList();
        Set<String> now = new HashSet<>();
        for (Row r : perCurrency) {
            String currency = r.isNullAt(0) ? GoldTables.NO_CURRENCY : r.getString(0);
            metrics.revenueLast5m.labelValues(currency).set(r.isNullAt(1) ? 0 : r.getDouble(1));
            now.add(currency);
        }
        // A currency sold in an earlier window and not in this one is gone from the figure, not stuck at its old value.
        revenueCurrencies.stream().filter(c -> !now.contains(c)).forEach(metrics.revenueLast5m::remove);
        revenueCurrencies = now;
    }

    private void funnel() {
        Dataset<Row> funnel = table(Funnel.TABLE);
        Timestamp filling = filling(funnel, config.funnelWindow());
        if (filling != null) {
            Dataset<Row> current = funnel.where(col("window_start").equalTo(filling));
            double[] sessions = new double[STEPS.length];
            for (int i = 0; i < STEPS.length; i++) {
                sessions[i] = sum(current, STEPS[i]);
            }
            for (int i = 0; i < STEPS.length; i++) {
                metrics.funnelStep.labelValues(STEPS[i]).set(sessions[i]);
            }
        }
    }

    /**
     * Takes the value read, not an expression: {@code labelValues} creates its series at 0, so a read that fails after
     * it would show a 0 that gold never said.
     */
    private void business(String figure, double value) {
        metrics.business.labelValues(figure).set(value);
    }

    private static String firstLine(Exception e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return e.getClass().getSimpleName() + ": " + (nl < 0 ? m : m.substring(0, nl));
    }

    /**
     * The start of the window gold is filling, or null while the table has none: the newest window that has begun by
     * now, unless the clock says a later one has (the traffic stopped, or gold stalled, for longer than
     * {@link #GOLD_LAG_ALLOWANCE}). Windows that begin after now do not count: silver takes events up to 10 minutes
     * ahead of their receipt (a client clock running fast), and their windows would pass for the newest, leaving the
     * figures on an empty one.
     */
    private Timestamp filling(Dataset<Row> windows, Duration length) {
        Instant now = clock.instant();
        Row newest = windows.where(col("window_start").leq(lit(Timestamp.from(now)))).agg(max("window_start")).head();
        if (newest.isNullAt(0)) {
            return null;
        }
        long lengthMs = length.toMillis();
        long byClock = Math.floorDiv(now.minus(GOLD_LAG_ALLOWANCE).toEpochMilli(), lengthMs) * lengthMs;
        Timestamp started = newest.getTimestamp(0);
        return started.getTime() >= byClock ? started : new Timestamp(byClock);
    }

    /** The rows of the window just before {@code newest}: Delta skips the files that hold none of its rows. */
    private static Dataset<Row> windowBefore(Dataset<Row> windows, Timestamp newest, Duration length) {
        return windows.where(col("window_start").equalTo(Timestamp.from(newest.toInstant().minus(length))));
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
