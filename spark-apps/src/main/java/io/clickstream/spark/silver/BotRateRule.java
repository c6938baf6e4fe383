package io.clickstream.spark.silver;

import io.clickstream.spark.config.PipelineConfig;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.unix_millis;
import static org.apache.spark.sql.functions.when;

/**
 * Silver's rate rule for bots: a visitor (site and anonymous id) who sends more than
 * {@code silver.bot.events.per.minute} events in one minute of event time is a bot from the start of that minute to the
 * end of its UTC day, whatever its user agent says. Its rows written before, by earlier micro-batches, stay as they
 * were (silver is append-only); {@code gold.anomalies} lists the minute itself.
 * <p>
 * The counts live in the driver, across micro-batches: a visitor's count of a minute is kept while the visitor sends
 * events of that minute, and for {@value #KEPT_MINUTES} minutes of receive time after the last one (before the oldest
 * receipt of the next batch), whatever the minute (a client's clock cannot put its events out of reach). A restart
 * forgets the counts but not the flags: they are read back from the silver tables ({@code bot_reason}), so a batch run
 * again flags at least the rows it flagged before.
 */
public final class BotRateRule {
    public static final String REASON = "event_rate";
    static final int KEPT_MINUTES = 2;
    private static final long MINUTE_MS = 60_000;
    private static final long DAY_MS = 86_400_000;
    private static final StructType FLAG_SCHEMA = new StructType()
            .add("bot_site", DataTypes.StringType).add("bot_visitor", DataTypes.StringType)
            .add("bot_from", DataTypes.TimestampType).add("bot_until", DataTypes.TimestampType);

    private final PipelineConfig config;
    /** Per visitor and minute of event time (epoch minute): events counted, and the newest receive time among them. */
    private final Map<VisitorMinute, long[]> counts = new HashMap<>();
    /** Per visitor and UTC day (epoch day), the start of the minute from which it is a bot (epoch ms). */
    private final Map<VisitorDay, Long> flaggedFrom = new HashMap<>();
    private long lastBatchId = -1;
    private boolean restored;

    private record VisitorMinute(String site, String visitor, long minute) {
    }

    private record VisitorDay(String site, String visitor, long day) {
    }

    public BotRateRule(PipelineConfig config) {
        this.config = config;
    }

    /**
     * Counts the batch's clean rows, flags the visitors who went over the limit, and says which of the batch's rows are
     * bots by rate. A batch run again ({@code batchId} not above the last one seen) is not counted twice.
     */
    public synchronized Verdict assess(Dataset<Row> valid, long batchId) {
        List<Row> perMinute = valid
                .groupBy(col("site_id"), col("anonymous_id"), floor(unix_millis(col("event_ts")).divide(MINUTE_MS)).as("minute"))
                .agg(count(lit(1)).as("events"),
                        sum(when(SilverUdfs.USER_AGENT.apply(col("context.user_agent")).getField("is_bot"), 1L)
                                .otherwise(0L)).as("agent_bots"),
                        max(unix_millis(col("received_ts"))).as("newest_received"),
                        min(unix_millis(col("received_ts"))).as("oldest_received"))
                .collectAsList();
        if (perMinute.isEmpty()) {
            return Verdict.NONE;
        }
        long newestReceived = perMinute.stream().filter(r -> !r.isNullAt(5)).mapToLong(r -> r.getLong(5)).max()
                .orElse(System.currentTimeMillis());
        long oldestReceived = perMinute.stream().filter(r -> !r.isNullAt(6)).mapToLong(r -> r.getLong(6)).min()
                .orElse(newestReceived);
        if (!restored) {
            restore(valid.sparkSession(), newestReceived);
            restored = true;
        }
        if (batchId > lastBatchId) {
            add(perMinute, oldestReceived, newestReceived);
            lastBatchId = batchId;
        }
        Map<VisitorDay, Row> flags = new LinkedHashMap<>();
        long rows = 0;
        long agentRows = 0;
        for (Row r : perMinute) {
            agentRows += r.getLong(4);
            long minute = r.getLong(2);
            VisitorDay day = new VisitorDay(r.getString(0), r.getString(1), Math.floorDiv(minute * MINUTE_MS, DAY_MS));
            Long from = flaggedFrom.get(day);
            if (from == null || minute * MINUTE_MS < from) {
                continue;
            }
            rows += r.getLong(3) - r.getLong(4);
            flags.computeIfAbsent(day, d -> RowFactory.create(d.site(), d.visitor(), new Timestamp(from),
                    new Timestamp((d.day() + 1) * DAY_MS)));
        }
        return new Verdict(List.copyOf(flags.values()), rows, agentRows);
    }

    /**
     * Forgets what no row of the batch can still need, measured from the batch's oldest receive time (a batch of a
     * backlog spans minutes of it), then adds the batch's counts.
     */
    private void add(List<Row> perMinute, long oldestReceived, long newestReceived) {
        long keptSince = oldestReceived - KEPT_MINUTES * MINUTE_MS;
        counts.values().removeIf(c -> c[1] < keptSince);
        // A flag is kept until its day is over by the allowed lateness: later events are late, in no window of gold.
        long lateness = config.allowedLateness().toMillis();
        flaggedFrom.keySet().removeIf(d -> (d.day() + 1) * DAY_MS + lateness < oldestReceived);
        for (Row r : perMinute) {
            VisitorMinute key = new VisitorMinute(r.getString(0), r.getString(1), r.getLong(2));
            long[] c = counts.computeIfAbsent(key, k -> new long[] {0, Long.MIN_VALUE});
            c[0] += r.getLong(3);
            c[1] = Math.max(c[1], r.isNullAt(5) ? newestReceived : r.getLong(5));
            if (c[0] > config.botEventsPerMinute()) {
                long from = key.minute() * MINUTE_MS;
                flaggedFrom.merge(new VisitorDay(key.site(), key.visitor(), Math.floorDiv(from, DAY_MS)), from, Math::min);
            }
        }
    }

    /**
     * The flags of the day and the day before that the silver tables hold, per visitor and day: from the first minute
     * with a row flagged by rate. Both tables, as a batch cut short between their commits wrote only the first.
     */
    private void restore(SparkSession spark, long newestReceived) {
        Column since = col("event_date").geq(lit(Date.valueOf(LocalDate.ofEpochDay(Math.floorDiv(newestReceived, DAY_MS) - 1))));
        Dataset<Row> flagged = null;
        for (String table : List.of(SilverTables.EVENTS, SilverTables.PRODUCT_EVENTS)) {
            String path = SilverTables.path(config, table);
            if (DeltaTable.isDeltaTable(spark, path)) {
                Dataset<Row> rows = spark.read().format("delta").load(path).where(since.and(col("bot_reason").equalTo(REASON)))
                        .select(col("site_id"), col("anonymous_id"), col("event_date"), col("event_time"));
                flagged = flagged == null ? rows : flagged.union(rows);
            }
        }
        if (flagged == null) {
            return;
        }
        flagged.groupBy(col("site_id"), col("anonymous_id"), col("event_date"))
                .agg(floor(unix_millis(min(col("event_time"))).divide(MINUTE_MS)).as("minute"))
                .select(col("site_id"), col("anonymous_id"), col("minute"))
                .collectAsList()
                .forEach(r -> {
                    long from = r.getLong(2) * MINUTE_MS;
                    flaggedFrom.merge(new VisitorDay(r.getString(0), r.getString(1), Math.floorDiv(from, DAY_MS)), from,
                            Math::min);
                });
    }

    /**
     * Which visitors of a batch are bots by rate, from when; how many of its rows that makes bots (by rate only), and how
     * many are bots by their agent.
     */
    public record Verdict(List<Row> flags, long rows, long agentRows) {
        static final Verdict NONE = new Verdict(List.of(), 0, 0);

        /**
         * {@code events} (enriched, of the assessed batch) with {@code is_bot} and {@code bot_reason} set on the rows of
         * flagged visitors; the same columns in the same order.
         */
        public Dataset<Row> apply(Dataset<Row> events) {
            if (flags.isEmpty()) {
                return events;
            }
            Dataset<Row> f = broadcast(events.sparkSession().createDataFrame(flags, FLAG_SCHEMA));
            Dataset<Row> joined = events.join(f, events.col("site_id").equalTo(f.col("bot_site"))
                    .and(events.col("anonymous_id").equalTo(f.col("bot_visitor")))
                    .and(events.col("event_time").geq(f.col("bot_from")))
                    .and(events.col("event_time").lt(f.col("bot_until"))), "left");
            Column byRate = f.col("bot_from").isNotNull();
            return joined.select(Arrays.stream(events.columns()).map(c -> switch (c) {
                case "is_bot" -> events.col(c).or(byRate).as(c);
                case "bot_reason" -> coalesce(events.col(c), when(byRate, lit(REASON))).as(c);
                default -> events.col(c);
            }).toArray(Column[]::new));
        }
    }
}
