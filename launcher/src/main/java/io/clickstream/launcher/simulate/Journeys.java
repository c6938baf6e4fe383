package io.clickstream.launcher.simulate;

import io.clickstream.contract.ClickEvent;
import io.clickstream.contract.EventType;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Plans realistic visits: browsing, product views, carts, checkouts and purchases with drop-offs at each step,
 * returning visitors, bots, client retries (duplicates), out-of-order and late events, and a few broken events.
 */
final class Journeys {
    static final List<String> FUNNEL = List.of("page_view", "product_view", "add_to_cart", "checkout_start", "purchase");
    static final String BROWSER_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36";
    static final String BOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    static final String SITE = "https://shop.example";
    /** Visits are planned this much of their start times at a time. */
    private static final long SLICE_MS = 60_000;

    private final SplittableRandom random;
    private final Instant start;
    private final String siteId;
    private final List<String> pastVisitors = new ArrayList<>();
    private int visitorCount;

    Journeys(long seed, Instant start, String siteId) {
        this.random = new SplittableRandom(seed);
        this.start = start;
        this.siteId = siteId;
    }

    /** The whole plan at once, in the order the events are due: for tests and small runs. */
    List<PlannedEvent> plan(long totalEvents, long durationMs) {
        List<PlannedEvent> plan = new ArrayList<>();
        schedule(totalEvents, durationMs).forEachRemaining(plan::add);
        return plan;
    }

    /**
     * Plans visits until about {@code totalEvents} events, starting evenly over the first 90% of {@code durationMs},
     * and hands out their events in the order they are due. Visits are planned a minute of start times at a time, just
     * before they are due, so a long simulation holds a minute or two of events, not all of them.
     */
    Iterator<PlannedEvent> schedule(long totalEvents, long durationMs) {
        long span = Math.max(1, durationMs * 9 / 10);
        long slices = (span + SLICE_MS - 1) / SLICE_MS;
        PriorityQueue<PlannedEvent> due = new PriorityQueue<>(Comparator.comparingLong(PlannedEvent::sendAtMs));
        return new Iterator<>() {
            long nextSlice;
            long planned;

            @Override
            public boolean hasNext() {
                // A visit's events are due at or after its start: the head is safe once the next slice starts later.
                while (nextSlice < slices && (due.isEmpty() || due.peek().sendAtMs() >= nextSlice * SLICE_MS)) {
                    planSlice(nextSlice++);
                }
                return !due.isEmpty();
            }

            @Override
            public PlannedEvent next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return due.poll();
            }

            private void planSlice(long slice) {
                long from = slice * SLICE_MS;
                long to = Math.min(span, from + SLICE_MS);
                long quota = slice == slices - 1 ? totalEvents : totalEvents * to / span;
                while (planned < quota) {
                    List<PlannedEvent> visit = visitAt(from + random.nextLong(Math.max(1, to - from)));
                    due.addAll(visit);
                    planned += visit.size();
                }
            }
        };
    }

    private List<PlannedEvent> visitAt(long at) {
        double dice = random.nextDouble();
        if (dice < 0.03) {
            return bot(at);
        }
        return dice < 0.035 ? List.of(tooLate(at)) : visit(at);
    }

    private List<PlannedEvent> visit(long at) {
        boolean returning = !pastVisitors.isEmpty() && random.nextDouble() < 0.15;
        String visitor = returning ? pastVisitors.get(random.nextInt(pastVisitors.size())) : "sim-" + seedTag() + "-" + (++visitorCount);
        if (!returning) {
            pastVisitors.add(visitor);
        }
        String userId = returning ? "user-" + Math.abs(visitor.hashCode()) : null;
        // 2% of visits were queued in the browser and arrive 3 minutes late (inside the lateness bound).
        long occurredShiftMs = random.nextDouble() < 0.02 ? -Duration.ofMinutes(3).toMillis() : 0;
        Visit v = new Visit(visitor, userId, at, occurredShiftMs);

        v.page("/", "Home");
        if (random.nextDouble() < 0.3) {
            v.click("hero-banner");
        }
        if (random.nextDouble() < 0.75) {
            int views = 1 + random.nextInt(3);
            List<Catalog.Product> cart = new ArrayList<>();
            for (int i = 0; i < views; i++) {
                Catalog.Product p = Catalog.PRODUCTS.get(random.nextInt(Catalog.PRODUCTS.size()));
                v.page("/products/" + p.sku(), p.name());
                boolean brokenPrice = random.nextDouble() < 0.01;
                v.commerce(EventType.PRODUCT_VIEW, List.of(line(p, 1, brokenPrice)), null, brokenPrice
                        ? PlannedEvent.Kind.QUARANTINE : PlannedEvent.Kind.VALID);
                if (random.nextDouble() < 0.45) {
                    cart.add(p);
                    v.commerce(EventType.ADD_TO_CART, List.of(line(p, 1 + random.nextInt(2), false)), null, PlannedEvent.Kind.VALID);
                }
            }
            if (!cart.isEmpty() && random.nextDouble() < 0.6) {
                List<ClickEvent.Product> lines = cart.stream().map(p -> line(p, 1, false)).toList();
                v.page("/checkout", "Checkout");
                v.commerce(EventType.CHECKOUT_START, lines, null, PlannedEvent.Kind.VALID);
                if (random.nextDouble() < 0.7) {
                    BigDecimal revenue = lines.stream().map(l -> l.price().multiply(BigDecimal.valueOf(l.quantity())))
                            .reduce(BigDecimal.ZERO, BigDecimal::add);
                    v.commerce(EventType.PURCHASE, lines, new ClickEvent.Commerce(lines, "order-" + UUID.randomUUID(), revenue, Catalog.CURRENCY),
                            PlannedEvent.Kind.VALID);
                }
            }
        }
        if (random.nextDouble() < 0.01) {
            v.broken();
        }
        return v.events;
    }

    private List<PlannedEvent> bot(long at) {
        String visitor = "bot-" + seedTag() + "-" + (++visitorCount);
        Visit v = new Visit(visitor, null, at, 0);
        v.userAgent = BOT_UA;
        v.bot = true;
        v.stepMs = 300; // ~200 pages a minute for 40 pages: a crawler by its agent, too brief for the rate rule
        for (int i = 0; i < 40; i++) {
            Catalog.Product p = Catalog.PRODUCTS.get(i % Catalog.PRODUCTS.size());
            v.page("/products/" + p.sku(), p.name());
        }
        return v.events;
    }

    private PlannedEvent tooLate(long at) {
        String visitor = "late-" + seedTag() + "-" + (++visitorCount);
        Visit v = new Visit(visitor, null, at, -Duration.ofHours(3).toMillis());
        v.page("/", "Home");
        PlannedEvent e = v.events.get(0);
        return new PlannedEvent(e.visitor(), e.sendAtMs(), e.event(), PlannedEvent.Kind.TOO_LATE, false);
    }

    private String seedTag() {
        return Long.toHexString(start.toEpochMilli());
    }

    private static ClickEvent.Product line(Catalog.Product p, int quantity, boolean brokenPrice) {
        return new ClickEvent.Product(p.sku(), p.name(), p.category(), brokenPrice ? p.price().negate() : p.price(), quantity);
    }

    /** One visit in the making: events a few seconds apart, in the order a person clicks. */
    private final class Visit {
        final List<PlannedEvent> events = new ArrayList<>();
        final String visitor;
        final String userId;
        final long occurredShiftMs;
        long t;
        long stepMs = 1500;
        String userAgent = BROWSER_UA;
        boolean bot;
        ClickEvent.Page page;

        Visit(String visitor, String userId, long at, long occurredShiftMs) {
            this.visitor = visitor;
            this.userId = userId;
            this.t = at;
            this.occurredShiftMs = occurredShiftMs;
        }

        void page(String path, String title) {
            String referrer = page == null ? (random.nextBoolean() ? "https://www.google.com/" : null) : page.url();
            String query = page == null && random.nextDouble() < 0.3 ? "?utm_source=newsletter&utm_medium=email&utm_campaign=autumn" : "";
            page = new ClickEvent.Page(SITE + path + query, path, title, referrer);
            add(EventType.PAGE_VIEW.wireName(), null, null, PlannedEvent.Kind.VALID);
        }

        void click(String name) {
            add(EventType.CLICK.wireName(), null, Map.of("name", name), PlannedEvent.Kind.VALID);
        }

        void commerce(EventType type, List<ClickEvent.Product> lines, ClickEvent.Commerce order, PlannedEvent.Kind kind) {
            ClickEvent.Commerce c = order != null ? order : new ClickEvent.Commerce(lines, null, null, null);
            add(type.wireName(), c, null, kind);
        }

        /** An event the contract refuses: a type with spaces, as a hand-written integration might send. */
        void broken() {
            add("Add To Cart", null, null, PlannedEvent.Kind.GATEWAY_INVALID);
        }

        private void add(String type, ClickEvent.Commerce commerce, Map<String, Object> properties, PlannedEvent.Kind kind) {
            t += stepMs / 2 + random.nextLong(stepMs);
            Instant occurred = start.plusMillis(t + occurredShiftMs);
            ClickEvent.Context context = new ClickEvent.Context(userAgent, "en-GB", "Europe/London",
                    new ClickEvent.Screen(1920, 1080), null, new ClickEvent.Library("clickstream-simulator", "1"));
            ClickEvent e = new ClickEvent(ClickEvent.SCHEMA_VERSION, UUID.randomUUID().toString(), type, siteId, visitor,
                    userId, null, occurred, null, null, null, page, context, commerce, properties);
            events.add(new PlannedEvent(visitor, t, e, kind, bot));
        }
    }
}
