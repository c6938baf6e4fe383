package io.clickstream.spark.gold;

import io.clickstream.spark.table.BatchStamp;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code gold.sessions} row of a {@link Session}, and back: the table is the sessionizer's state, so a visitor's
 * live session is read from it, continued with the visitor's new events and merged again.
 */
public final class SessionRows {
    /** One kept funnel event time: the step it belongs to, and when ({@link FunnelProgress#kept}). */
    private static final StructType FUNNEL_TIME = new StructType()
            .add("step", DataTypes.IntegerType)
            .add("at", DataTypes.TimestampType);

    /**
     * What the sessionizer writes; the table adds the {@link BatchStamp} columns. {@code funnel_times},
     * {@code landing_at}, {@code exit_at}, {@code user_id_at} and {@code pages_first_at} (the first visit of each of
     * {@code pages_visited}, in the same order) are the state that places a late event in the funnel, among the pages
     * and among the user ids by its event time; they are last because older tables gain them at the end, as
     * {@code currencies} (those of the revenue) is.
     */
    public static final StructType SCHEMA = new StructType()
            .add("session_key", DataTypes.StringType, false)
            .add("site_id", DataTypes.StringType)
            .add("anonymous_id", DataTypes.StringType)
            .add("user_id", DataTypes.StringType)
            .add("session_start", DataTypes.TimestampType)
            .add("session_end", DataTypes.TimestampType)
            .add("duration_seconds", DataTypes.LongType)
            .add("events", DataTypes.LongType)
            .add("page_views", DataTypes.LongType)
            .add("unique_pages", DataTypes.LongType)
            .add("landing_page", DataTypes.StringType)
            .add("exit_page", DataTypes.StringType)
            .add("product_views", DataTypes.LongType)
            .add("add_to_carts", DataTypes.LongType)
            .add("checkouts", DataTypes.LongType)
            .add("purchases", DataTypes.LongType)
            .add("revenue", DataTypes.createDecimalType(18, 2))
            .add("products_viewed", DataTypes.createArrayType(DataTypes.StringType))
            .add("categories_viewed", DataTypes.createArrayType(DataTypes.StringType))
            .add("funnel_step", DataTypes.IntegerType)
            .add("is_bounce", DataTypes.BooleanType)
            .add("is_converted", DataTypes.BooleanType)
            .add("is_live", DataTypes.BooleanType)
            .add("window_start", DataTypes.TimestampType)
            .add("pages_visited", DataTypes.createArrayType(DataTypes.StringType))
            .add("last_received_at", DataTypes.TimestampType)
            .add("funnel_times", DataTypes.createArrayType(FUNNEL_TIME))
            .add("landing_at", DataTypes.TimestampType)
            .add("exit_at", DataTypes.TimestampType)
            .add("user_id_at", DataTypes.TimestampType)
            .add("pages_first_at", DataTypes.createArrayType(DataTypes.TimestampType))
            .add("currencies", DataTypes.createArrayType(DataTypes.StringType))
            .add("kafka_topic", DataTypes.StringType)
            .add("kafka_partition", DataTypes.IntegerType);

    public static final StructType TABLE_SCHEMA = BatchStamp.addTo(SCHEMA);

    private SessionRows() {
    }

    /**
     * {@code windowMs}: the funnel window the session is counted in, by its start; {@code visitor}: the newest gateway
     * receive time of the visitor's events and their Kafka partition, which decide when a live session is over.
     */
    public static Row toRow(String siteId, String anonymousId, Session s, long windowMs, Sessionizer.VisitorState visitor) {
        long lastReceivedMs = visitor.lastReceivedMs;
        List<String> pages = s.pages();
        return RowFactory.create(s.key, siteId, anonymousId, s.userId, new Timestamp(s.startMs), new Timestamp(s.endMs),
                s.durationSeconds(), s.events, s.pageViews, (long) pages.size(), s.landingPage, s.exitPage,
                s.productViews, s.addToCarts, s.checkouts, s.purchases, s.revenue.setScale(2, RoundingMode.HALF_UP),
                toArray(s.products), toArray(s.categories), s.funnelStep(), s.isBounce(), s.isConverted(), s.live,
                new Timestamp(Math.floorDiv(s.startMs, windowMs) * windowMs), toArray(pages),
                lastReceivedMs == Long.MIN_VALUE ? null : new Timestamp(lastReceivedMs), funnelTimes(s.funnel),
                s.landingPage == null ? null : new Timestamp(s.landingMs), s.exitPage == null ? null : new Timestamp(s.exitMs),
                s.userId == null ? null : new Timestamp(s.userIdMs),
                pages.stream().map(page -> new Timestamp(s.pageFirstMs.get(page))).toArray(Timestamp[]::new),
                toArray(s.currencies), visitor.kafkaTopic, visitor.kafkaPartition);
    }

    /** A visitor's live session as stored, ready to be continued. */
    public static Sessionizer.VisitorState toVisitor(Row row) {
        Session s = new Session();
        s.key = row.getAs("session_key");
        s.userId = row.getAs("user_id");
        s.startMs = row.<Timestamp>getAs("session_start").getTime();
        s.endMs = row.<Timestamp>getAs("session_end").getTime();
        s.events = row.<Long>getAs("events");
        s.pageViews = row.<Long>getAs("page_views");
        s.productViews = row.<Long>getAs("product_views");
        s.addToCarts = row.<Long>getAs("add_to_carts");
        s.checkouts = row.<Long>getAs("checkouts");
        s.purchases = row.<Long>getAs("purchases");
        BigDecimal revenue = row.getAs("revenue");
        s.revenue = revenue == null ? BigDecimal.ZERO : revenue;
        s.landingPage = row.getAs("landing_page");
        s.exitPage = row.getAs("exit_page");
        // rows written before these times were stored: the session's start and end, as they were then; the user
        // id stored was the last to arrive, taken as the latest
        s.landingMs = timeOr(row, "landing_at", s.startMs);
        s.exitMs = timeOr(row, "exit_at", s.endMs);
        s.userIdMs = timeOr(row, "user_id_at", s.endMs);
        s.funnel = funnel(row, s.startMs);
        restorePages(row, s);
        Session.addListed(s.products, strings(row, row.fieldIndex("products_viewed")));
        Session.addListed(s.categories, strings(row, row.fieldIndex("categories_viewed")));
        // a session stored before currencies were kept: the currencies of its new purchases only
        s.currencies.addAll(strings(row, row.fieldIndex("currencies")));
        s.live = true;
        Sessionizer.VisitorState visitor = new Sessionizer.VisitorState();
        visitor.open = s;
        Timestamp lastReceived = row.getAs("last_received_at");
        visitor.lastReceivedMs = lastReceived == null ? Long.MIN_VALUE : lastReceived.getTime();
        visitor.kafkaTopic = row.getAs("kafka_topic");
        visitor.kafkaPartition = row.getAs("kafka_partition");
        return visitor;
    }

    private static long timeOr(Row row, String column, long otherwise) {
        Timestamp t = row.getAs(column);
        return t == null ? otherwise : t.getTime();
    }

    /**
     * Rows written before {@code pages_first_at} existed list their pages in order of arrival, without times: each is
     * taken as first visited at the session's start.
     */
    private static void restorePages(Row row, Session s) {
        List<String> pages = strings(row, row.fieldIndex("pages_visited"));
        int times = row.fieldIndex("pages_first_at");
        List<Timestamp> firstVisits = row.isNullAt(times) ? null : row.getList(times);
        for (int i = 0; i < pages.size(); i++) {
            s.visit(pages.get(i), firstVisits == null ? s.startMs : firstVisits.get(i).getTime());
        }
    }

    private static Object funnelTimes(FunnelProgress funnel) {
        return funnel.kept().stream()
                .map(mark -> RowFactory.create((int) mark[0], new Timestamp(mark[1])))
                .toArray(Row[]::new);
    }

    /**
     * A stored session's funnel. Rows written before {@code funnel_times} existed have only their step: it is taken as
     * reached at the session's start, so that later events of the next steps count.
     */
    private static FunnelProgress funnel(Row row, long startMs) {
        int i = row.fieldIndex("funnel_times");
        List<long[]> kept = new ArrayList<>();
        if (row.isNullAt(i)) {
            int step = row.<Integer>getAs("funnel_step");
            for (int s = Session.STEP_VIEW; s <= step; s++) {
                kept.add(new long[] {s, startMs});
            }
        } else {
            for (Row mark : row.<Row>getList(i)) {
                kept.add(new long[] {mark.getInt(0), mark.getTimestamp(1).getTime()});
            }
        }
        return FunnelProgress.restore(kept);
    }

    private static Object toArray(Collection<String> values) {
        return new ArrayList<>(values).toArray(new String[0]);
    }

    static List<String> strings(Row row, int i) {
        return row.isNullAt(i) ? List.of() : row.getList(i);
    }
}
