package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.table.DeltaMerge;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.Duration;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.funnel}: per site and window (by session start), how many sessions reached each ordered step
 * (view → product view → add to cart → checkout → purchase) and the conversion rate from the step before.
 */
public final class Funnel {
    public static final String TABLE = "funnel";
    public static final String[] KEYS = {"site_id", "window_start"};
    private static final String[] STEPS = {"viewed", "viewed_product", "added_to_cart", "started_checkout", "purchased"};

    private Funnel() {
    }

    /** Recomputes the windows of the sessions a batch touched from {@code gold.sessions}, merged just before. */
    public static void update(SparkSession spark, PipelineConfig config, Dataset<Row> touchedSessions) {
        Dataset<Row> windows = touchedSessions.select("site_id", "window_start").distinct();
        Row range = windows.agg(min("window_start"), max("window_start")).head();
        if (range.isNullAt(0)) {
            return;
        }
        Column inRange = col("window_start").between(range.get(0), range.get(1));
        Dataset<Row> sessions = spark.read().format("delta").load(GoldTables.path(config, GoldTables.SESSIONS)).where(inRange);
        Dataset<Row> inWindows = sessions.as("s").join(broadcast(windows).as("w"),
                col("s.site_id").equalTo(col("w.site_id")).and(col("s.window_start").equalTo(col("w.window_start"))),
                "left_semi");
        DeltaMerge.upsert(spark, GoldTables.path(config, TABLE), aggregate(inWindows, config.funnelWindow()),
                col("t.window_start").between(range.get(0), range.get(1)), null, KEYS);
    }

    public static Dataset<Row> aggregate(Dataset<Row> sessions, Duration window) {
        Column[] aggs = new Column[STEPS.length];
        for (int i = 0; i < STEPS.length; i++) {
            aggs[i] = sum(when(col("funnel_step").geq(i + 1), 1L).otherwise(0L)).as(STEPS[i]);
        }
        Dataset<Row> counts = sessions.groupBy("site_id", "window_start")
                .agg(count(lit(1)).as("sessions"), aggs)
                .withColumn("window_end", col("window_start").plus(expr("INTERVAL " + window.toSeconds() + " SECONDS")));
        counts = counts.withColumn("view_rate", rate(STEPS[0], "sessions"));
        for (int i = 1; i < STEPS.length; i++) {
            counts = counts.withColumn(STEPS[i] + "_rate", rate(STEPS[i], STEPS[i - 1]));
        }
        return counts.withColumn("conversion_rate", rate(STEPS[STEPS.length - 1], "sessions"));
    }

    private static Column rate(String part, String whole) {
        return when(col(whole).gt(0), round(col(part).divide(col(whole)), 4));
    }
}
