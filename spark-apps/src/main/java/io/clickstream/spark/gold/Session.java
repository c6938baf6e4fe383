package io.clickstream.spark.gold;

import io.clickstream.contract.EventType;

import java.io.Serializable;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One visitor session as it grows, event by event. Between batches it is kept as its {@code gold.sessions} row
 * ({@link SessionRows}).
 */
public final class Session implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Ordered funnel steps: each counts only once the one before it was reached, in event time ({@link FunnelProgress}). */
    public static final int STEP_VIEW = 1;
    public static final int STEP_PRODUCT_VIEW = 2;
    public static final int STEP_CART = 3;
    public static final int STEP_CHECKOUT = 4;
    public static final int STEP_PURCHASE = 5;

    public String key;
    /** The newest user id in event time; a visitor who logs in as someone else mid-session ends as that user. */
    public String userId;
    /** Event time of the {@link #userId}'s event. */
    public long userIdMs;
    public long startMs;
    public long endMs;
    public long events;
    public long pageViews;
    public long productViews;
    public long addToCarts;
    public long checkouts;
    public long purchases;
    public BigDecimal revenue = BigDecimal.ZERO;
    /**
     * The currencies whose amounts {@link #revenue} adds up, sorted ({@link GoldTables#NO_CURRENCY} for revenue sent
     * without one): a session that paid in two of them has no single revenue figure.
     */
    public final TreeSet<String> currencies = new TreeSet<>();
    public String landingPage;
    /** Event time of the landing page's event. */
    public long landingMs;
    public String exitPage;
    /** Event time of the exit page's event. */
    public long exitMs;
    /** How far down the funnel the session got, by event time. */
    public FunnelProgress funnel = new FunnelProgress();
    /**
     * Pages, products and categories a session lists at most: a crawler's thousands of pages must not grow one row,
     * rewritten every batch while the session is live, without bound. Sessions of people stay far below it.
     */
    static final int MAX_LISTED = 1_000;
    /** The order of {@link #pages()}: by first visit in event time, same-millisecond pages by page. */
    private static final Comparator<Map.Entry<String, Long>> PAGE_ORDER =
            Map.Entry.<String, Long>comparingByValue().thenComparing(Map.Entry.comparingByKey());

    /**
     * Each page visited and the event time of its first visit: the session's pages in event-time order. At most
     * {@link #MAX_LISTED}, the first ones ({@link #visit}).
     */
    public final Map<String, Long> pageFirstMs = new HashMap<>();
    /**
     * Sorted, so that they do not depend on the order in which the events arrive; at most {@link #MAX_LISTED} each,
     * the first in that order.
     */
    public final TreeSet<String> products = new TreeSet<>();
    public final TreeSet<String> categories = new TreeSet<>();
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
        long t = e.eventTimeMs();
        if (e.userId() != null
                && (userId == null || t > userIdMs || (t == userIdMs && e.userId().compareTo(userId) > 0))) {
            userId = e.userId();
            userIdMs = t;
        }
        startMs = Math.min(startMs, t);
        endMs = Math.max(endMs, t);
        String page = e.pagePath();
        if (page != null) {
            visit(page, t);
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
            case PAGE_VIEW, SCREEN_VIEW -> {
                pageViews++;
                funnel.add(STEP_VIEW, e.eventTimeMs());
            }
            case PRODUCT_VIEW -> {
                productViews++;
                funnel.add(STEP_PRODUCT_VIEW, e.eventTimeMs());
                addListed(products, e.skus());
                addListed(categories, e.categories());
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
                    currencies.add(e.currency() == null ? GoldTables.NO_CURRENCY : e.currency());
                }
                funnel.add(STEP_PURCHASE, e.eventTimeMs());
            }
            default -> {
            }
        }
    }

    /**
     * {@code page} visited at {@code timeMs}. Past {@link #MAX_LISTED} pages, the session keeps the first ones by first
     * visit: the same pages whatever order the events arrive in, since a page's first visit only moves earlier.
     */
    void visit(String page, long timeMs) {
        Long first = pageFirstMs.get(page);
        if (first != null) {
            pageFirstMs.put(page, Math.min(first, timeMs));
            return;
        }
        if (pageFirstMs.size() >= MAX_LISTED) {
            Map.Entry<String, Long> last = Collections.max(pageFirstMs.entrySet(), PAGE_ORDER);
            if (PAGE_ORDER.compare(Map.entry(page, timeMs), last) > 0) {
                return;
            }
            pageFirstMs.remove(last.getKey());
        }
        pageFirstMs.put(page, timeMs);
    }

    /** Adds to a sorted list of at most {@link #MAX_LISTED}, keeping the first ones: again independent of arrival. */
    static void addListed(TreeSet<String> listed, Collection<String> values) {
        for (String v : values) {
            if (v != null && listed.add(v) && listed.size() > MAX_LISTED) {
                listed.pollLast();
            }
        }
    }

    /** The pages visited, by the event time of their first visit (same-millisecond pages by page). */
    public List<String> pages() {
        return pageFirstMs.entrySet().stream().sorted(PAGE_ORDER).map(Map.Entry::getKey).toList();
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
