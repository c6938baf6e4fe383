package io.clickstream.spark.gold;

import io.clickstream.spark.silver.SilverTransform;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.anomalies}: visitors who look like bots in a minute, with the reasons: more than N events in the
 * minute (the rate rule), or a known bot user agent.
 */
public final class Anomalies implements GoldRollup {
    public static final String RATE = "events_per_minute_above_limit";
    public static final String BOT_AGENT = "bot_user_agent";
    private final long maxEventsPerMinute;

    public Anomalies(long maxEventsPerMinute) {
        this.maxEventsPerMinute = maxEventsPerMinute;
    }

    @Override
    public String table() {
        return "anomalies";
    }

    @Override
    public Source source() {
        return Source.EVENTS;
    }

    @Override
    public Dataset<Row> relevant(Dataset<Row> events) {
        return GoldRollup.inWindows(events.where(not(col("is_late"))), "60 seconds");
    }

    @Override
    public String[] scopeColumns() {
        return new String[] {"site_id", "window_start"};
    }

    @Override
    public boolean scopedByDate() {
        return true;
    }

    @Override
    public Dataset<Row> aggregate(Dataset<Row> rows) {
        return rows.groupBy("site_id", "window_start", "window_end", "anonymous_id")
                .agg(count(lit(1)).as("events"), sum(when(botAgent(), 1L).otherwise(0L)).as("bot_agent_events"))
                .withColumn("reasons", array_compact(array(
                        when(col("events").gt(maxEventsPerMinute), lit(RATE)),
                        when(col("bot_agent_events").gt(0), lit(BOT_AGENT)))))
                .where(org.apache.spark.sql.functions.size(col("reasons")).gt(0));
    }

    /**
     * Flagged by its user agent, not by silver's rate rule: that one follows from this table's own rate reason. Rows
     * written before silver kept a reason were flagged by their agent only.
     */
    private static Column botAgent() {
        return coalesce(col("bot_reason"), when(col("is_bot"), lit(SilverTransform.BOT_AGENT)))
                .equalTo(SilverTransform.BOT_AGENT);
    }

    @Override
    public String[] mergeKeys() {
        return new String[] {"site_id", "window_start", "anonymous_id"};
    }
}
