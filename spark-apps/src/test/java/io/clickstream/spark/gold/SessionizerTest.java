package io.clickstream.spark.gold;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class SessionizerTest {
    private static final long MIN = 60_000;
    private final Sessionizer sessionizer = new Sessionizer(30 * MIN);

    private static SessionEvent ev(String id, String type, long atMs, String page) {
        return identified(id, type, atMs, page, null);
    }

    private static SessionEvent identified(String id, String type, long atMs, String page, String userId) {
        return new SessionEvent(id, type, atMs, userId, page, null, null, List.of(), List.of());
    }

    @Test
    void aGapOfExactlyThirtyMinutesContinuesTheSessionOneMillisecondMoreEndsIt() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        List<Session> touched = sessionizer.apply("shop", "v", state, List.of(
                ev("e1", "page_view", 0, "/a"),
                ev("e2", "page_view", 30 * MIN, "/b"),
                ev("e3", "page_view", 60 * MIN + 1, "/c")));

        assertThat(touched).hasSize(2);
        Session first = touched.get(0);
        assertThat(first.live).isFalse();
        assertThat(first.events).isEqualTo(2);
        assertThat(first.startMs).isZero();
        assertThat(first.endMs).isEqualTo(30 * MIN);
        assertThat(first.durationSeconds()).isEqualTo(1800);
        assertThat(first.landingPage).isEqualTo("/a");
        assertThat(first.exitPage).isEqualTo("/b");
        Session second = touched.get(1);
        assertThat(second.live).isTrue();
        assertThat(second.events).isEqualTo(1);
        assertThat(second.isBounce()).isTrue();
        assertThat(state.open).isSameAs(second);
        assertThat(second.key).isNotEqualTo(first.key);
    }

    @Test
    void sessionsContinueAcrossBatchesAndOutOfOrderEventsMoveTheLandingPage() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        Session s = sessionizer.apply("shop", "v", state, List.of(ev("e2", "page_view", 10 * MIN, "/b"))).get(0);
        String key = s.key;

        List<Session> next = sessionizer.apply("shop", "v", state, List.of(
                ev("e3", "page_view", 20 * MIN, "/c"),
                ev("e1", "page_view", 5 * MIN, "/a")));

        assertThat(next).hasSize(1);
        Session same = next.get(0);
        assertThat(same.key).isEqualTo(key);
        assertThat(same.events).isEqualTo(3);
        assertThat(same.startMs).isEqualTo(5 * MIN);
        assertThat(same.landingPage).isEqualTo("/a");
        assertThat(same.exitPage).isEqualTo("/c");
        assertThat(same.pages()).containsExactly("/a", "/b", "/c");
        assertThat(same.isBounce()).isFalse();
    }

    @Test
    void aVisitsEarlierEventsArrivingAfterItsLaterOnesMakeOneSession() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        String key = sessionizer.apply("shop", "v", state, List.of(
                ev("e4", "page_view", 600 * MIN, "/d"), ev("e5", "page_view", 620 * MIN, "/e"))).get(0).key;

        // 09:20, 09:25 and 09:40 against a session of 10:00-10:20: only 09:40 is within a gap of its start, and each
        // of the others is within a gap of the next.
        List<Session> next = sessionizer.apply("shop", "v", state, List.of(
                ev("e1", "page_view", 560 * MIN, "/a"), ev("e2", "page_view", 565 * MIN, "/b"),
                ev("e3", "page_view", 580 * MIN, "/c")));

        assertThat(next).hasSize(1);
        Session one = next.get(0);
        assertThat(one.key).isEqualTo(key);
        assertThat(one.events).isEqualTo(5);
        assertThat(one.startMs).isEqualTo(560 * MIN);
        assertThat(one.landingPage).isEqualTo("/a");
        assertThat(one.live).isTrue();
    }

    @Test
    void eventsMoreThanAGapBeforeTheOpenSessionAreSessionsOfTheirOwn() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(ev("e9", "page_view", 600 * MIN, "/z")));

        List<Session> next = sessionizer.apply("shop", "v", state, List.of(
                ev("e1", "page_view", 400 * MIN, "/a"), ev("e2", "page_view", 410 * MIN, "/b"),
                ev("e3", "page_view", 500 * MIN, "/c"), ev("e4", "page_view", 580 * MIN, "/d")));

        // 06:40-06:50 and 08:20 were visits of their own, closed; 09:40 joins the open session of 10:00.
        assertThat(next).extracting(s -> s.startMs / MIN + "-" + s.endMs / MIN + ":" + s.events + (s.live ? " live" : ""))
                .containsExactly("400-410:2", "500-500:1", "580-600:2 live");
    }

    @Test
    void funnelStepsCountOnlyInOrder() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        Session s = sessionizer.apply("shop", "v", state, List.of(
                ev("e1", "add_to_cart", 1 * MIN, "/p"),       // before any product view: step stays 0
                ev("e2", "page_view", 2 * MIN, "/"),          // step 1
                ev("e3", "checkout_start", 3 * MIN, "/c"),    // skips the cart: stays 1
                ev("e4", "product_view", 4 * MIN, "/p"),      // step 2
                ev("e5", "add_to_cart", 5 * MIN, "/p"),       // step 3
                ev("e6", "purchase", 6 * MIN, "/done"))).get(0); // skips checkout: stays 3

        assertThat(s.funnelStep()).isEqualTo(Session.STEP_CART);
        assertThat(s.addToCarts).isEqualTo(2);
        assertThat(s.checkouts).isEqualTo(1);
        assertThat(s.purchases).isEqualTo(1);
        assertThat(s.isConverted()).isTrue();

        sessionizer.apply("shop", "v", state, List.of(
                ev("e7", "checkout_start", 7 * MIN, "/c"),
                new SessionEvent("e8", "purchase", 8 * MIN, "user-1", "/done", new BigDecimal("12.50"), "EUR", List.of(), List.of())));
        assertThat(state.open.funnelStep()).isEqualTo(Session.STEP_PURCHASE);
        assertThat(state.open.userId).isEqualTo("user-1");
        assertThat(state.open.revenue).isEqualByComparingTo("12.50");
        assertThat(state.open.currencies).containsExactly("EUR");
    }

    /** An app's screens are its views: Segment's screen call is "the mobile equivalent of page". */
    @Test
    void anAppsScreenViewsAreViewsOfItsSession() {
        Session s = sessionizer.apply("shop", "v", new Sessionizer.VisitorState(), List.of(
                ev("e1", "screen_view", 1 * MIN, null),
                ev("e2", "screen_view", 2 * MIN, null),
                ev("e3", "product_view", 3 * MIN, null))).get(0);
        assertThat(s.pageViews).isEqualTo(2);
        assertThat(s.funnelStep()).isEqualTo(Session.STEP_PRODUCT_VIEW);
        assertThat(s.isBounce()).isFalse();
    }

    /**
     * A session continued from its {@code gold.sessions} row, as the next micro-batch does: a product view that
     * arrives after the cart it came before still places the cart and the checkout in the funnel.
     */
    @Test
    void aStoredSessionPlacesLateEventsInTheFunnelByEventTime() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(
                ev("e1", "page_view", 1 * MIN, "/"),
                ev("e3", "add_to_cart", 3 * MIN, "/p"),
                ev("e4", "checkout_start", 4 * MIN, "/c")));
        assertThat(state.open.funnelStep()).isEqualTo(Session.STEP_VIEW);

        Sessionizer.VisitorState stored = SessionRows.toVisitor(stored(state.open));
        sessionizer.apply("shop", "v", stored, List.of(ev("e2", "product_view", 2 * MIN, "/p")));
        assertThat(stored.open.funnelStep()).isEqualTo(Session.STEP_CHECKOUT);

        Sessionizer.VisitorState again = SessionRows.toVisitor(stored(stored.open));
        sessionizer.apply("shop", "v", again, List.of(ev("e5", "purchase", 2 * MIN + 30_000, "/done")));
        assertThat(again.open.funnelStep()).as("a purchase before the checkout").isEqualTo(Session.STEP_CHECKOUT);
        assertThat(again.open.events).isEqualTo(5);
    }

    /** Amounts of different currencies make no single figure: a session names those its revenue adds up. */
    @Test
    void aSessionNamesTheCurrenciesItsRevenueAddsUp() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(
                purchase("e1", 1 * MIN, "10.00", "EUR"),
                purchase("e2", 2 * MIN, null, "GBP")));
        assertThat(state.open.currencies).as("no revenue, no currency").containsExactly("EUR");

        Sessionizer.VisitorState stored = SessionRows.toVisitor(stored(state.open));
        sessionizer.apply("shop", "v", stored, List.of(purchase("e3", 3 * MIN, "5.00", "USD"),
                purchase("e4", 4 * MIN, "1.00", null)));
        assertThat(stored.open.revenue).isEqualByComparingTo("16.00");
        assertThat(stored.open.currencies).containsExactly(GoldTables.NO_CURRENCY, "EUR", "USD");
        assertThat(SessionRows.toRow("shop", "v", stored.open, 5 * MIN, stored).<Object>getAs(
                SessionRows.SCHEMA.fieldIndex("currencies"))).isEqualTo(new String[] {GoldTables.NO_CURRENCY, "EUR", "USD"});
    }

    private static SessionEvent purchase(String id, long atMs, String revenue, String currency) {
        return new SessionEvent(id, "purchase", atMs, null, "/done", revenue == null ? null : new BigDecimal(revenue),
                currency, List.of(), List.of());
    }

    /** The landing and exit pages are the first and last in event time, whatever the order of arrival. */
    @Test
    void lateEventsMoveTheLandingAndExitPagesByEventTime() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(
                ev("e1", "click", 1 * MIN, null),
                ev("e3", "page_view", 3 * MIN, "/c"),
                ev("e4", "page_view", 4 * MIN, "/d")));
        assertThat(state.open.landingPage).isEqualTo("/c");

        Sessionizer.VisitorState stored = SessionRows.toVisitor(stored(state.open));
        sessionizer.apply("shop", "v", stored, List.of(
                ev("e2", "page_view", 2 * MIN, "/b"),
                ev("e5", "click", 5 * MIN, null)));
        assertThat(stored.open.landingPage).isEqualTo("/b");
        assertThat(stored.open.exitPage).isEqualTo("/d");
        assertThat(stored.open.endMs).isEqualTo(5 * MIN);

        // same millisecond: the choice is by page, not by arrival
        Sessionizer.VisitorState tie = SessionRows.toVisitor(stored(stored.open));
        sessionizer.apply("shop", "v", tie, List.of(ev("e0", "page_view", 2 * MIN, "/a"), ev("e9", "page_view", 4 * MIN, "/a")));
        assertThat(tie.open.landingPage).isEqualTo("/a");
        assertThat(tie.open.exitPage).isEqualTo("/d");
    }

    /** Pages are listed by their first visit in event time, whatever the order of arrival. */
    @Test
    void latePagesTakeTheirPlaceInThePagesVisited() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(
                ev("e3", "page_view", 3 * MIN, "/c"),
                ev("e4", "page_view", 4 * MIN, "/d")));
        assertThat(state.open.pages()).containsExactly("/c", "/d");

        Sessionizer.VisitorState stored = SessionRows.toVisitor(stored(state.open));
        sessionizer.apply("shop", "v", stored, List.of(
                ev("e2", "page_view", 2 * MIN, "/b"),
                ev("e5", "page_view", 5 * MIN, "/b"),
                ev("e1", "click", 1 * MIN, "/d")));
        assertThat(stored.open.pages()).containsExactly("/d", "/b", "/c");

        // same millisecond: by page, not by arrival
        Sessionizer.VisitorState tie = SessionRows.toVisitor(stored(stored.open));
        sessionizer.apply("shop", "v", tie, List.of(ev("e6", "page_view", 2 * MIN, "/a")));
        assertThat(tie.open.pages()).containsExactly("/d", "/a", "/b", "/c");
        assertThat(SessionRows.toRow("shop", "v", tie.open, 5 * MIN, tie).<Long>getAs(
                SessionRows.SCHEMA.fieldIndex("unique_pages"))).isEqualTo(4);
    }

    /** Products and categories viewed are sets: listed sorted, whatever the order of arrival. */
    @Test
    void productsAndCategoriesViewedAreSorted() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(viewed("e2", 2 * MIN, "sku-9", "shoes")));
        Sessionizer.VisitorState stored = SessionRows.toVisitor(stored(state.open));
        sessionizer.apply("shop", "v", stored, List.of(viewed("e1", 1 * MIN, "sku-1", "hats"), viewed("e3", 3 * MIN, "sku-5", "bags")));
        assertThat(stored.open.products).containsExactly("sku-1", "sku-5", "sku-9");
        assertThat(stored.open.categories).containsExactly("bags", "hats", "shoes");
    }

    /**
     * A crawler's session lists its first 1,000 pages, products and categories: the same ones whatever order the
     * events arrive in, and across stored batches.
     */
    @Test
    void aSessionListsAtMostTheFirstThousandPagesProductsAndCategories() {
        int n = Session.MAX_LISTED + 200;
        List<SessionEvent> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(new SessionEvent("e" + i, "product_view", i * 1_000L, null, String.format("/p/%05d", i), null, null,
                    List.of(String.format("sku-%05d", i)), List.of(String.format("c-%05d", i))));
        }
        Collections.shuffle(events, new Random(7));
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "bot", state, events.subList(0, n / 2));
        Sessionizer.VisitorState stored = SessionRows.toVisitor(stored(state.open));
        sessionizer.apply("shop", "bot", stored, events.subList(n / 2, n));

        List<String> firstPages = IntStream.range(0, Session.MAX_LISTED).mapToObj(i -> String.format("/p/%05d", i)).toList();
        assertThat(stored.open.events).isEqualTo(n);
        assertThat(stored.open.pages()).isEqualTo(firstPages);
        assertThat(stored.open.products).hasSize(Session.MAX_LISTED).first().isEqualTo("sku-00000");
        assertThat(stored.open.products.last()).isEqualTo(String.format("sku-%05d", Session.MAX_LISTED - 1));
        assertThat(stored.open.categories.last()).isEqualTo(String.format("c-%05d", Session.MAX_LISTED - 1));
        assertThat(stored.open.exitPage).isEqualTo(String.format("/p/%05d", n - 1));
        Row row = SessionRows.toRow("shop", "bot", stored.open, 30 * MIN, stored);
        assertThat(row.<Long>getAs(SessionRows.SCHEMA.fieldIndex("unique_pages"))).isEqualTo(Session.MAX_LISTED);

        // A late event makes a page left out the first one visited: it comes in, the last listed goes.
        Sessionizer.VisitorState late = SessionRows.toVisitor(stored(stored.open));
        sessionizer.apply("shop", "bot", late, List.of(ev("late", "page_view", -1_000L, "/p/01100")));
        assertThat(late.open.pages()).hasSize(Session.MAX_LISTED).startsWith("/p/01100", "/p/00000")
                .endsWith(String.format("/p/%05d", Session.MAX_LISTED - 2));
    }

    private static SessionEvent viewed(String id, long atMs, String sku, String category) {
        return new SessionEvent(id, "product_view", atMs, null, "/p", null, null, List.of(sku), List.of(category));
    }

    /** The session's user is the latest to identify in event time, not the last to arrive. */
    @Test
    void theUserIdIsTheLatestInEventTime() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(
                identified("e1", "page_view", 1 * MIN, "/", "alice"),
                identified("e4", "page_view", 4 * MIN, "/", "bob"),
                ev("e5", "page_view", 5 * MIN, "/")));
        assertThat(state.open.userId).isEqualTo("bob");

        Sessionizer.VisitorState stored = SessionRows.toVisitor(stored(state.open));
        sessionizer.apply("shop", "v", stored, List.of(identified("e3", "page_view", 3 * MIN, "/", "carol")));
        assertThat(stored.open.userId).as("a late event of an earlier user").isEqualTo("bob");

        Sessionizer.VisitorState again = SessionRows.toVisitor(stored(stored.open));
        sessionizer.apply("shop", "v", again, List.of(
                identified("e6", "page_view", 6 * MIN, "/", "dave"),
                identified("e7", "page_view", 6 * MIN, "/", "carol")));
        assertThat(again.open.userId).as("same millisecond: by user id").isEqualTo("dave");
    }

    /** A row written before the funnel's times were stored: its step is taken as reached at the session's start. */
    @Test
    void aSessionStoredWithoutFunnelTimesKeepsItsStep() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(ev("e1", "product_view", 1 * MIN, "/p")));
        Object[] values = ((GenericRowWithSchema) stored(state.open)).values();
        values[SessionRows.SCHEMA.fieldIndex("funnel_times")] = null;
        values[SessionRows.SCHEMA.fieldIndex("landing_at")] = null;
        values[SessionRows.SCHEMA.fieldIndex("exit_at")] = null;
        values[SessionRows.SCHEMA.fieldIndex("user_id_at")] = null;
        values[SessionRows.SCHEMA.fieldIndex("pages_first_at")] = null;

        Sessionizer.VisitorState legacy = SessionRows.toVisitor(new GenericRowWithSchema(values, SessionRows.SCHEMA));
        assertThat(legacy.open.funnelStep()).isEqualTo(Session.STEP_PRODUCT_VIEW);
        sessionizer.apply("shop", "v", legacy, List.of(ev("e2", "add_to_cart", 2 * MIN, "/p")));
        assertThat(legacy.open.funnelStep()).isEqualTo(Session.STEP_CART);
        assertThat(legacy.open.landingPage).isEqualTo("/p");
        assertThat(legacy.open.exitPage).isEqualTo("/p");
    }

    /**
     * A row written before the pages' and the user id's times were stored: its pages count as first visited at the
     * session's start, its user id as the latest so far.
     */
    @Test
    void aSessionStoredWithoutPageOrUserTimesKeepsItsPagesAndUser() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(
                identified("e1", "page_view", 2 * MIN, "/b", "alice"),
                ev("e2", "page_view", 3 * MIN, "/a")));
        Object[] values = ((GenericRowWithSchema) stored(state.open)).values();
        values[SessionRows.SCHEMA.fieldIndex("user_id_at")] = null;
        values[SessionRows.SCHEMA.fieldIndex("pages_first_at")] = null;

        Sessionizer.VisitorState legacy = SessionRows.toVisitor(new GenericRowWithSchema(values, SessionRows.SCHEMA));
        sessionizer.apply("shop", "v", legacy, List.of(
                identified("e0", "page_view", 1 * MIN, "/c", "bob"),
                ev("e3", "page_view", 4 * MIN, "/d")));
        assertThat(legacy.open.pages()).containsExactly("/c", "/a", "/b", "/d");
        assertThat(legacy.open.userId).isEqualTo("alice");

        sessionizer.apply("shop", "v", legacy, List.of(identified("e4", "page_view", 5 * MIN, "/d", "bob")));
        assertThat(legacy.open.userId).isEqualTo("bob");
    }

    private static Row stored(Session s) {
        Row row = SessionRows.toRow("shop", "v", s, 5 * MIN, new Sessionizer.VisitorState());
        Object[] values = new Object[row.size()];
        for (int i = 0; i < row.size(); i++) {
            values[i] = row.get(i);
        }
        // as read back from Delta: arrays come back as lists
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Object[] array) {
                values[i] = scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(array)).toSeq();
            }
        }
        return new GenericRowWithSchema(values, SessionRows.SCHEMA);
    }

    @Test
    void expiryClosesTheOpenSession() {
        Sessionizer.VisitorState state = new Sessionizer.VisitorState();
        sessionizer.apply("shop", "v", state, List.of(ev("e1", "page_view", 0, "/")));
        Session closed = sessionizer.expire(state);
        assertThat(closed.live).isFalse();
        assertThat(state.open).isNull();
    }
}
