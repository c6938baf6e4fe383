package io.clickstream.spark.gold;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.daily_active_users}: distinct visitors, identified users and humans per site and day, counted from what
 * they did (profile calls such as identify are no activity, see {@link Activity}). {@code human_visitors} counts
 * visitors with an event not flagged as a bot, {@code bot_visitors} those with one that is: silver's rate rule flags
 * a visitor only from the minute it went over the limit, so a visitor may be in both, and the visitors the day never
 * took for a bot are {@code active_visitors - bot_visitors}.
 */
public final class DailyActiveUsers implements GoldRollup {
    @Override
    public String table() {
        return "daily_active_users";
    }

    @Override
    public Source source() {
        return Source.EVENTS;
    }

    @Override
    public Dataset<Row> relevant(Dataset<Row> events) {
        return events.where(not(col("is_late")).and(Activity.isActivity()));
    }

    @Override
    public String[] scopeColumns() {
        return new String[] {"site_id", "event_date"};
    }

    @Override
    public boolean scopedByDate() {
        return true;
    }

    @Override
    public Dataset<Row> aggregate(Dataset<Row> rows) {
        return rows.groupBy("site_id", "event_date")
                .agg(countDistinct("anonymous_id").as("active_visitors"),
                        countDistinct("user_id").as("identified_users"),
                        countDistinct(when(not(col("is_bot")), col("anonymous_id"))).as("human_visitors"),
                        count(lit(1)).as("events"),
                        countDistinct(when(col("is_bot"), col("anonymous_id"))).as("bot_visitors"));
    }

    /** A day is too much to reread every batch: counts are added up, each visitor and user counted once a day. */
    @Override
    public Maintenance maintenance() {
        return Maintenance.INCREMENTAL;
    }

    @Override
    public Cadence cadence() {
        return Cadence.PERIODIC;
    }

    @Override
    public Map<String, Combine> combining() {
        return Map.of("active_visitors", Combine.SUM, "identified_users", Combine.SUM, "human_visitors", Combine.SUM,
                "events", Combine.SUM, "bot_visitors", Combine.SUM);
    }

    @Override
    public Map<String, Column> distinctMembers() {
        return Map.of("active_visitors", col("anonymous_id"), "identified_users", col("user_id"),
                "human_visitors", when(not(col("is_bot")), col("anonymous_id")),
                "bot_visitors", when(col("is_bot"), col("anonymous_id")));
    }

    @Override
    public String[] mergeKeys() {
        return new String[] {"site_id", "event_date"};
    }
}
