package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.runtime.MicroBatches;
import io.clickstream.spark.runtime.PlanConstants;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.table.DeltaMerge;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.sql.Timestamp;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.transform;

/**
 * {@code gold.sessions} from one micro-batch of silver events. The table is its own state: each visitor's live session
 * is read from it (the {@code is_live} partition holds only those), continued with the visitor's new events
 * ({@link ContinueSessions}) and merged back, stamped with the batch ({@link BatchStamp}) so that a replayed batch
 * changes nothing. Sessions describe people: late events, known bots and profile calls (identify, group, alias) stay
 * out of them.
 */
public final class LiveSessions {
    private LiveSessions() {
    }

    /** Silver events (stream or batch) → what the sessionizer reads of them, in {@link ContinueSessions}' order. */
    public static Dataset<Row> input(Dataset<Row> silverEvents) {
        return silverEvents
                .where(not(col("is_late")).and(not(col("is_bot"))).and(col("event_time").isNotNull()).and(Activity.isActivity()))
                .select(col("site_id"), col("anonymous_id"), col("event_id"), col("event_type"), col("event_time"),
                        col("user_id"), col("page_path"), col("revenue"),
                        transform(col("products"), p -> p.getField("sku")).as("skus"),
                        transform(col("products"), p -> p.getField("category")).as("categories"),
                        col("received_at"), col("currency"), col("kafka_topic"), col("kafka_partition"));
    }

    /**
     * The sessions the batch touches (continued, split, or closed after a gap of silence), stamped and materialized,
     * with where each was counted in the funnel before ({@link ContinueSessions#OUTPUT}); null if none, or if the
     * batch's sessions are merged already (a replay: continuing the sessions it wrote with its own events again would
     * split them differently). Nothing is written yet: see {@link #merge}. The caller releases them
     * ({@link MicroBatches#release}).
     */
    public static Dataset<Row> continued(SparkSession spark, PipelineConfig config, Dataset<Row> silverEvents, BatchStamp stamp) {
        PartitionReceipts receipts = PartitionReceipts.of(silverEvents);
        if (receipts == null) {
            return null;
        }
        String path = GoldTables.path(config, GoldTables.SESSIONS);
        Dataset<Row> sessions = spark.read().format("delta").load(path);
        if (stamp.isIn(sessions)) {
            return null;
        }
        Dataset<Row> live = sessions.where(col("is_live"));
        Dataset<Row> touched = input(silverEvents)
                .groupByKey((MapFunction<Row, String>) r -> ContinueSessions.key(r.getString(0), r.getString(1)), Encoders.STRING())
                .cogroup(live.groupByKey((MapFunction<Row, String>) r -> ContinueSessions.key(r.getAs("site_id"),
                                r.getAs("anonymous_id")), Encoders.STRING()),
                        new ContinueSessions(config.sessionGap().toMillis(), config.allowedLateness().toMillis(),
                                config.funnelWindow().toMillis(), receipts),
                        Encoders.row(ContinueSessions.OUTPUT));
        // Computed once, apart from gold.sessions: a cache would be rebuilt from the table after the MERGE below, and
        // the sessions continued a second time.
        Dataset<Row> stamped = MicroBatches.materialize(stamp.on(touched));
        if (stamped.isEmpty()) {
            MicroBatches.release(stamped);
            return null;
        }
        return stamped;
    }

    /**
     * Merges {@code touched} (from {@link #continued}) into {@code gold.sessions}. It must come after everything
     * derived from the sessions' previous state (the funnel): a batch replayed after this commit reads the sessions
     * it already wrote as their previous state, and would derive nothing.
     */
    public static void merge(SparkSession spark, PipelineConfig config, Dataset<Row> touched) {
        Row earliest = touched.agg(min(col("session_start"))).head();
        // Every session the batch can match started no earlier than the earliest it touched: older files are skipped.
        Column range = col("t.session_start").geq(lit(PlanConstants.startOfHour(earliest.getTimestamp(0))));
        DeltaMerge.upsert(spark, GoldTables.path(config, GoldTables.SESSIONS),
                touched.drop("previous_window_start", "previous_funnel_step"), range,
                BatchStamp.notYetWritten("t", "s"), "session_key");
    }
}
