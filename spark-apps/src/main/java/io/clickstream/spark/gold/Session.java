package io.clickstream.spark.gold;

import io.clickstream.contract.EventType;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;

/** One visitor session as it grows, event by event. Mutable: it lives in Spark's state store between batches. */
public final class Session implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Ordered funnel steps: each counts only once the one before it was reached, in event time ({@link FunnelProgress}). */
    public static final int STEP_VIEW = 1;
    public static final int STEP_PRODUCT_VIEW = 2;
    public static final int STEP_CART = 3;
    public static final int STEP_CHECKOUT = 4;
    public static final int STEP_PURCHASE = 5;

    public String key;
    public String userId;
    public long startMs;
    public long endMs;
    public long events;
    public long pageViews;
    public long productViews;
    public long addToCarts;
    public long checkouts;
    public long purchases;
    public BigDecimal revenue = BigDecimal.ZERO;
    public String landingPage;
    /** Event time of the landing page's event. */
    public long landingMs;
    public String exitPage;
    /** Event time of the exit page's event. */
    public long exitMs;
    /** How far down the funnel the session got, by event time. */
    public FunnelProgress funnel = new FunnelProgress();
    public final Set<String> pages = new LinkedHashSet<>();
    public final Set<String> products = new LinkedHashSet<>();
    public final Set<String> categories = new LinkedHashSet<>();
    public boolean live = true;

    /** A session starts with its first event; its key is derived from that event, so it never changes. */
    public static Session startWith(String siteId, String anonymousId, SessionEvent first) {
        Session s = new Session();
        s.key = UUID.nameUUIDFromBytes((siteId + "\u0000" + anonymousId + "\u0000" + first.eventId())
                .getBytes(StandardCharsets.UTF_8)).toString();
        s.startMs = first.eventTimeMs();
        s.endMs = first.eventTimeMs();
        s.add(first);
        return s;
    }

    public void add(SessionEvent e) {
        events++;
        if (e.userId() != null) {
            userId = e.userId();
        }
        long t = e.eventTimeMs();
        startMs = Math.min(startMs, t);
        endMs = Math.max(endMs, t);
        String page = e.pagePath();
        if (page != null) {
            pages.add(page);
            // The first and last page in event time, whatever order the events arrive in (same-millisecond
            // events by page, so that the choice does not depend on it either).
            if (landingPage == null || t < landingMs || (t == landingMs && page.compareTo(landingPage) < 0)) {
                landingPage = page;
                landingMs = t;
            }
            if (exitPage == null || t > exitMs || (t == exitMs && page.compareTo(exitPage) > 0)) {
                exitPage = page;
                exitMs = t;
            }
        }
        EventType type = EventType.fromWire(e.eventType()).orElse(null);
        if (type == null) {
            return;
        }
        switch (type) {
            case PAGE_VIEW -> {
                pageViews++;
                funnel.add(STEP_VIEW, e.eventTimeMs());
            }
            case PRODUCT_VIEW -> {
                productViews++;
                funnel.add(STEP_PRODUCT_VIEW, e.eventTimeMs());
                products.addAll(e.skus());
                e.categories().stream().filter(c -> c != null).forEach(categories::add);
            }
            case ADD_TO_CART -> {
                addToCarts++;
                funnel.add(STEP_CART, e.eventTimeMs());
            }
            case CHECKOUT_START -> {
                checkouts++;
                funnel.add(STEP_CHECKOUT, e.eventTimeMs());
            }
            case PURCHASE -> {
                purchases++;
                if (e.revenue() != null) {
                    revenue = revenue.add(e.revenue());
                }
                funnel.add(STEP_PURCHASE, e.eventTimeMs());
            }
            default -> {
            }
        }
    }

    public int funnelStep() {
        return funnel.step();
    }

    public boolean isBounce() {
        return events == 1;
    }

    public boolean isConverted() {
        return purchases > 0;
    }

    public long durationSeconds() {
        return (endMs - startMs) / 1000;
    }
}
