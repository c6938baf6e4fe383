package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.runtime.PlanConstants;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.table.DeltaMerge;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.funnel}: per site and window (by session start), how many sessions reached each ordered step
 * (view → product view → add to cart → checkout → purchase) and the conversion rate from the step before. It always
 * equals {@link #aggregate} of {@code gold.sessions}; each batch adjusts it by what its touched sessions changed (a
 * session counted in its new window and step, no longer in its previous ones), instead of rereading every session of
 * the window.
 */
public final class Funnel {
    public static final String TABLE = "funnel";
    public static final String[] KEYS = {"site_id", "window_start"};
    private static final String[] STEPS = {"viewed", "viewed_product", "added_to_cart", "started_checkout", "purchased"};

    private Funnel() {
    }

    /**
     * {@code touched}: the sessions the batch merged, with the window and step each had before the batch (null for a new
     * session), see {@link ContinueSessions}.
     */
    public static void update(SparkSession spark, PipelineConfig config, Dataset<Row> touched, BatchStamp stamp) {
        // +1 in the window and up to the step a session has now, -1 where it was counted before.
        Dataset<Row> moves = touched.select(col("site_id"), explode(array(
                        struct(col("window_start").as("window_start"), lit(1L).as("sign"), col("funnel_step").as("step")),
                        struct(col("previous_window_start").as("window_start"), lit(-1L).as("sign"),
                                col("previous_funnel_step").as("step")))).as("m"))
                .where(col("m.window_start").isNotNull())
                .select(col("site_id"), col("m.window_start").as("window_start"), col("m.sign").as("sign"),
                        col("m.step").as("step"));
        List<Column> deltas = new ArrayList<>();
        deltas.add(sum("sign").as("sessions"));
        for (int i = 0; i < STEPS.length; i++) {
            deltas.add(sum(when(col("step").geq(i + 1), col("sign")).otherwise(0L)).as(STEPS[i]));
        }
        Dataset<Row> change = moves.groupBy("site_id", "window_start")
                .agg(deltas.get(0), deltas.subList(1, deltas.size()).toArray(Column[]::new));
        Row range = change.agg(min("window_start"), max("window_start")).head();
        if (range.isNullAt(0)) {
            return;
        }
        Timestamp from = PlanConstants.startOfHour(range.getTimestamp(0));
        Timestamp to = PlanConstants.endOfHour(range.getTimestamp(1));
        String path = GoldTables.path(config, TABLE);
        Dataset<Row> current = spark.read().format("delta").load(path)
                .where(col("window_start").between(from, to))
                .as("t").join(broadcast(change.select("site_id", "window_start")).as("c"),
                        col("t.site_id").eqNullSafe(col("c.site_id")).and(col("t.window_start").equalTo(col("c.window_start"))),
                        "left_semi");
        List<Column> combined = new ArrayList<>(List.of(coalesce(col("s.site_id"), col("t.site_id")).as("site_id"),
                coalesce(col("s.window_start"), col("t.window_start")).as("window_start")));
        combined.add(coalesce(col("t.sessions"), lit(0L)).plus(coalesce(col("s.sessions"), lit(0L))).as("sessions"));
        for (String step : STEPS) {
            combined.add(coalesce(col("t." + step), lit(0L)).plus(coalesce(col("s." + step), lit(0L))).as(step));
        }
        Dataset<Row> counts = current.as("t").join(change.as("s"),
                        col("t.site_id").eqNullSafe(col("s.site_id")).and(col("t.window_start").equalTo(col("s.window_start"))),
                        "full_outer")
                .select(combined.toArray(Column[]::new));
        // A window whose last session moved to an earlier one (its start went back) is no longer in the funnel. A
        // replay of a batch whose funnel was committed but whose sessions were not recomputes the same moves; a window
        // that batch deleted is then missing from the table and comes out negative: it stays deleted.
        DeltaMerge.upsert(spark, path, stamp.on(withRates(counts, config.funnelWindow())),
                col("t.window_start").between(from, to), BatchStamp.notYetWritten("t", "s"),
                col("s.sessions").leq(0L), KEYS);
    }

    /** The funnel of whole windows of sessions: what the table must always equal. */
    public static Dataset<Row> aggregate(Dataset<Row> sessions, Duration window) {
        Column[] aggs = new Column[STEPS.length];
        for (int i = 0; i < STEPS.length; i++) {
            aggs[i] = sum(when(col("funnel_step").geq(i + 1), 1L).otherwise(0L)).as(STEPS[i]);
        }
        return withRates(sessions.groupBy("site_id", "window_start").agg(count(lit(1)).as("sessions"), aggs), window);
    }

    private static Dataset<Row> withRates(Dataset<Row> counts, Duration window) {
        counts = counts.withColumn("window_end", col("window_start").plus(expr("INTERVAL " + window.toSeconds() + " SECONDS")));
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
