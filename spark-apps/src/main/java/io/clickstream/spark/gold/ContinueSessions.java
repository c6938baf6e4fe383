package io.clickstream.spark.gold;

import org.apache.spark.api.java.function.CoGroupFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;

/**
 * One visitor's new events, cogrouped with the visitor's live session as stored in {@code gold.sessions}: continues or
 * splits the session ({@link Sessionizer}) and returns every session the batch touched. A live session whose visitor
 * sent nothing for a gap plus the allowed lateness of receive time (against the newest receipt the batch read of the
 * visitor's Kafka partition, {@link PartitionReceipts}) is returned closed: an event that is not late and arrives after
 * that can no longer be within a gap of the session's event times, so closing it sooner could split a session that a
 * pass over silver keeps whole.
 * Event rows: site_id, anonymous_id, event_id, event_type, event_time, user_id, page_path, revenue, skus, categories,
 * received_at, currency, kafka_topic, kafka_partition (see {@link LiveSessions#input}).
 */
public final class ContinueSessions implements CoGroupFunction<String, Row, Row, Row> {
    /**
     * The session rows, then the funnel window and step a session was counted in before this batch (null for a new
     * session): the funnel is adjusted by the difference.
     */
    public static final StructType OUTPUT = SessionRows.SCHEMA
            .add("previous_window_start", DataTypes.TimestampType)
            .add("previous_funnel_step", DataTypes.IntegerType);

    private final Sessionizer sessionizer;
    private final long expireAfterMs;
    private final long windowMs;
    private final PartitionReceipts receipts;

    public ContinueSessions(long gapMs, long allowedLatenessMs, long windowMs, PartitionReceipts receipts) {
        this.sessionizer = new Sessionizer(gapMs);
        this.expireAfterMs = gapMs + allowedLatenessMs;
        this.windowMs = windowMs;
        this.receipts = receipts;
    }

    public static String key(String siteId, String anonymousId) {
        return siteId + "\u0000" + anonymousId;
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> newEvents, Iterator<Row> liveSessions) {
        int sep = key.indexOf('\u0000');
        String siteId = key.substring(0, sep);
        String anonymousId = key.substring(sep + 1);
        List<Row> out = new ArrayList<>();
        List<Row> live = new ArrayList<>();
        liveSessions.forEachRemaining(live::add);
        // One live session per visitor; should there ever be more, the newest goes on and the others are closed.
        live.sort(Comparator.comparing((Row r) -> r.<Timestamp>getAs("session_start")));
        Sessionizer.VisitorState visitor = new Sessionizer.VisitorState();
        for (int i = 0; i < live.size(); i++) {
            Sessionizer.VisitorState stored = SessionRows.toVisitor(live.get(i));
            if (i < live.size() - 1) {
                out.add(closed(siteId, anonymousId, stored));
            } else {
                visitor = stored;
            }
        }
        String openKey = visitor.open == null ? null : visitor.open.key;
        Timestamp openWindow = visitor.open == null ? null : window(visitor.open);
        Integer openStep = visitor.open == null ? null : visitor.open.funnelStep();
        List<SessionEvent> events = new ArrayList<>();
        while (newEvents.hasNext()) {
            Row r = newEvents.next();
            if (!r.isNullAt(10) && r.getTimestamp(10).getTime() >= visitor.lastReceivedMs) {
                visitor.lastReceivedMs = r.getTimestamp(10).getTime();
                visitor.kafkaTopic = r.getString(12);
                visitor.kafkaPartition = r.isNullAt(13) ? null : r.getInt(13);
            }
            events.add(SessionEvent.of(r));
        }
        if (events.isEmpty()) {
            long newest = receipts.newest(visitor.kafkaTopic, visitor.kafkaPartition);
            if (visitor.open != null && visitor.lastReceivedMs != Long.MIN_VALUE
                    && newest - visitor.lastReceivedMs > expireAfterMs) {
                out.add(closed(siteId, anonymousId, visitor));
            }
            return out.iterator();
        }
        for (Session s : sessionizer.apply(siteId, anonymousId, visitor, events)) {
            boolean continued = s.key.equals(openKey);
            out.add(withPrevious(SessionRows.toRow(siteId, anonymousId, s, windowMs, visitor),
                    continued ? openWindow : null, continued ? openStep : null));
        }
        return out.iterator();
    }

    /** A stored live session closed as it is: counted where it was. */
    private Row closed(String siteId, String anonymousId, Sessionizer.VisitorState visitor) {
        Timestamp window = window(visitor.open);
        int step = visitor.open.funnelStep();
        Session s = sessionizer.expire(visitor);
        return withPrevious(SessionRows.toRow(siteId, anonymousId, s, windowMs, visitor), window, step);
    }

    private Timestamp window(Session s) {
        return new Timestamp(Math.floorDiv(s.startMs, windowMs) * windowMs);
    }

    private static Row withPrevious(Row session, Timestamp window, Integer step) {
        Object[] values = new Object[session.size() + 2];
        for (int i = 0; i < session.size(); i++) {
            values[i] = session.get(i);
        }
        values[session.size()] = window;
        values[session.size() + 1] = step;
        return RowFactory.create(values);
    }
}
