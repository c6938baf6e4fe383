package io.clickstream.spark.gold;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * How far a session got down the ordered funnel (view → product view → add to cart → checkout → purchase), in event
 * time, whatever order its events arrive in. A step counts once one of its events comes at or after the moment the
 * step before it was reached; events of the same millisecond count in funnel order.
 *
 * <p>Events arrive out of order across micro-batches, and an early product view that arrives late can make a cart
 * that came before, in arrival order, count after all. So for steps 3 to 5 the progress keeps the time the step was
 * reached plus the times of its events that came before the previous step was reached: only those can still change
 * the result. Later events of a step reached already never can, and are not kept.
 */
public final class FunnelProgress implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Kept times per step at most: a bot's thousands of carts before any product view must not grow a row unbounded. */
    static final int MAX_KEPT = 1_000;

    /** Kept event times per step (index 1 to 5), ascending; steps 1 and 2 keep only their earliest. */
    private final List<List<Long>> times = new ArrayList<>();
    /** When each step was reached, or null. */
    private final Long[] reached = new Long[Session.STEP_PURCHASE + 1];

    public FunnelProgress() {
        for (int step = 0; step <= Session.STEP_PURCHASE; step++) {
            times.add(new ArrayList<>());
        }
    }

    /** One event that belongs to {@code step} (a product view: to steps 1 and 2, being a page view too). */
    public void add(int step, long timeMs) {
        if (step == Session.STEP_PRODUCT_VIEW) {
            add(Session.STEP_VIEW, timeMs);
        }
        List<Long> kept = times.get(step);
        int at = Collections.binarySearch(kept, timeMs);
        if (at < 0) {
            kept.add(-at - 1, timeMs);
        }
        place();
    }

    /** The highest step reached: 0 for none. */
    public int step() {
        for (int step = Session.STEP_PURCHASE; step >= Session.STEP_VIEW; step--) {
            if (reached[step] != null) {
                return step;
            }
        }
        return 0;
    }

    /** The times kept per step, for storing with the session; {@link #restore} reads them back. */
    public List<long[]> kept() {
        List<long[]> out = new ArrayList<>();
        for (int step = Session.STEP_VIEW; step <= Session.STEP_PURCHASE; step++) {
            for (long t : times.get(step)) {
                out.add(new long[] {step, t});
            }
        }
        return out;
    }

    /** Progress from the (step, time) pairs of {@link #kept}. */
    public static FunnelProgress restore(List<long[]> kept) {
        FunnelProgress p = new FunnelProgress();
        for (long[] mark : kept) {
            p.times.get((int) mark[0]).add(mark[1]);
        }
        p.times.forEach(Collections::sort);
        p.place();
        return p;
    }

    /** Recomputes when each step was reached from the kept times, and drops the times that can no longer matter. */
    private void place() {
        for (int step = Session.STEP_VIEW; step <= Session.STEP_PRODUCT_VIEW; step++) {
            List<Long> kept = times.get(step);
            kept.subList(Math.min(1, kept.size()), kept.size()).clear();
            reached[step] = kept.isEmpty() ? null : kept.get(0);
        }
        for (int step = Session.STEP_CART; step <= Session.STEP_PURCHASE; step++) {
            Long before = reached[step - 1];
            List<Long> kept = times.get(step);
            reached[step] = before == null ? null : kept.stream().filter(t -> t >= before).findFirst().orElse(null);
            Long at = reached[step];
            kept.removeIf(t -> before != null && t >= before && !t.equals(at));
            if (kept.size() > MAX_KEPT) {
                // The earliest stay: they are the likeliest to be placed by an earlier step arriving late.
                kept.subList(MAX_KEPT, kept.size()).clear();
                if (at != null && !kept.contains(at)) {
                    kept.set(MAX_KEPT - 1, at);
                }
            }
        }
    }
}
