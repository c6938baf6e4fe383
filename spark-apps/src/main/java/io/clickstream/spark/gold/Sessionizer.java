package io.clickstream.spark.gold;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Splits one visitor's events into sessions: a gap of more than {@code gapMs} of event time without an event
 * ends a session. The open session is kept between batches; every session a batch touches is returned so the
 * caller can upsert it.
 */
public final class Sessionizer implements Serializable {
    private final long gapMs;

    public Sessionizer(long gapMs) {
        this.gapMs = gapMs;
    }

    /** Visitor state between batches: the session still open, if any. */
    public static final class VisitorState implements Serializable {
        private static final long serialVersionUID = 1L;
        public Session open;
        /** Newest gateway receive time of the visitor's events (epoch ms), for expiry. */
        public long lastReceivedMs = Long.MIN_VALUE;
        /** The Kafka topic and partition of that event: the visitor's (null in sessions stored before they were). */
        public String kafkaTopic;
        public Integer kafkaPartition;
    }

    public List<Session> apply(String siteId, String anonymousId, VisitorState state, List<SessionEvent> batch) {
        List<SessionEvent> events = new ArrayList<>(batch);
        events.sort(Comparator.comparingLong(SessionEvent::eventTimeMs).thenComparing(SessionEvent::eventId));
        List<Session> touched = new ArrayList<>();
        int first = 0;
        if (state.open != null) {
            first = earlierThan(state.open.startMs, events);
            touched.addAll(before(siteId, anonymousId, state.open, events.subList(0, first)));
        }
        for (SessionEvent e : events.subList(first, events.size())) {
            Session open = state.open;
            if (open == null) {
                state.open = Session.startWith(siteId, anonymousId, e);
            } else if (e.eventTimeMs() - open.endMs > gapMs) {
                open.live = false;
                touched.add(open);
                state.open = Session.startWith(siteId, anonymousId, e);
            } else {
                open.add(e);
            }
        }
        if (state.open != null) {
            touched.add(state.open);
        }
        return touched;
    }

    /** How many of the sorted {@code events} come before {@code startMs}. */
    private static int earlierThan(long startMs, List<SessionEvent> events) {
        int n = 0;
        while (n < events.size() && events.get(n).eventTimeMs() < startMs) {
            n++;
        }
        return n;
    }

    /**
     * Events older than the open session's start (out of order, within lateness): walked back from the session, each
     * within a gap of its start joins it, so that a visit's earlier pages arriving after its later ones still make
     * one session. Those older still were visits of their own: split by the gap among themselves and returned closed.
     */
    private List<Session> before(String siteId, String anonymousId, Session open, List<SessionEvent> earlier) {
        int older = earlier.size();
        while (older > 0 && open.startMs - earlier.get(older - 1).eventTimeMs() <= gapMs) {
            open.add(earlier.get(--older));
        }
        List<Session> past = new ArrayList<>();
        Session current = null;
        for (SessionEvent e : earlier.subList(0, older)) {
            if (current == null || e.eventTimeMs() - current.endMs > gapMs) {
                current = Session.startWith(siteId, anonymousId, e);
                current.live = false;
                past.add(current);
            } else {
                current.add(e);
            }
        }
        return past;
    }

    /** The visitor has been idle for a gap: the open session is over. */
    public Session expire(VisitorState state) {
        Session s = state.open;
        if (s != null) {
            s.live = false;
        }
        state.open = null;
        return s;
    }
}
