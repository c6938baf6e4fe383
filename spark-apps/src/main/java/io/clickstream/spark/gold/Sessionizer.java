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
    }

    public List<Session> apply(String siteId, String anonymousId, VisitorState state, List<SessionEvent> batch) {
        List<SessionEvent> events = new ArrayList<>(batch);
        events.sort(Comparator.comparingLong(SessionEvent::eventTimeMs).thenComparing(SessionEvent::eventId));
        List<Session> touched = new ArrayList<>();
        for (SessionEvent e : events) {
            Session open = state.open;
            if (open == null) {
                state.open = Session.startWith(siteId, anonymousId, e);
            } else if (e.eventTimeMs() - open.endMs > gapMs) {
                open.live = false;
                touched.add(open);
                state.open = Session.startWith(siteId, anonymousId, e);
            } else if (open.startMs - e.eventTimeMs() > gapMs) {
                // Older than the open session by more than a gap (out of order, within lateness):
                // it was its own visit. Counted as a closed one-event session so no event is lost.
                Session past = Session.startWith(siteId, anonymousId, e);
                past.live = false;
                touched.add(past);
            } else {
                open.add(e);
            }
        }
        if (state.open != null) {
            touched.add(state.open);
        }
        return touched;
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
