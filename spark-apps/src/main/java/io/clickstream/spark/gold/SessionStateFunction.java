package io.clickstream.spark.gold;

import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Live sessions per visitor for {@code flatMapGroupsWithState} in update mode: each batch emits every session it
 * touched (open ones with {@code is_live}); a visitor quiet for a gap has the open session closed and forgotten.
 * Input rows: site_id, anonymous_id, event_id, event_type, event_time, user_id, page_path, revenue, skus, categories,
 * received_at.
 */
public final class SessionStateFunction
        implements FlatMapGroupsWithStateFunction<String, Row, Sessionizer.VisitorState, Row> {
    private final Sessionizer sessionizer;
    private final long gapMs;
    private final long windowMs;

    public SessionStateFunction(long gapMs, long windowMs) {
        this.sessionizer = new Sessionizer(gapMs);
        this.gapMs = gapMs;
        this.windowMs = windowMs;
    }

    public static String key(Row r) {
        return r.getString(0) + "\u0000" + r.getString(1);
    }

    @Override
    public Iterator<Row> call(String key, Iterator<Row> rows, GroupState<Sessionizer.VisitorState> state) {
        int sep = key.indexOf('\u0000');
        String siteId = key.substring(0, sep);
        String anonymousId = key.substring(sep + 1);
        List<Row> out = new ArrayList<>();
        if (state.hasTimedOut()) {
            Session closed = sessionizer.expire(state.get());
            state.remove();
            if (closed != null) {
                out.add(SessionRows.toRow(siteId, anonymousId, closed, windowMs));
            }
            return out.iterator();
        }
        Sessionizer.VisitorState visitor = state.exists() ? state.get() : new Sessionizer.VisitorState();
        List<SessionEvent> events = new ArrayList<>();
        long[] lastReceived = {Long.MIN_VALUE};
        rows.forEachRemaining(r -> {
            if (!r.isNullAt(10)) {
                lastReceived[0] = Math.max(lastReceived[0], r.getTimestamp(10).getTime());
            }
            events.add(new SessionEvent(r.getString(2), r.getString(3),
                r.getTimestamp(4).getTime(), r.getString(5), r.getString(6),
                r.isNullAt(7) ? null : (BigDecimal) r.get(7), SessionRows.strings(r, 8), SessionRows.strings(r, 9)));
        });
        for (Session s : sessionizer.apply(siteId, anonymousId, visitor, events)) {
            out.add(SessionRows.toRow(siteId, anonymousId, s, windowMs));
        }
        // Over when the receive-time watermark passes the visitor's last receipt plus a gap (and the timeout
        // must lie beyond the current watermark).
        long quietUntil = Math.max(visitor.lastReceivedMs, lastReceived[0]) + gapMs;
        visitor.lastReceivedMs = Math.max(visitor.lastReceivedMs, lastReceived[0]);
        state.update(visitor);
        state.setTimeoutTimestamp(Math.max(quietUntil, state.getCurrentWatermarkMs() + 1));
        return out.iterator();
    }
}
