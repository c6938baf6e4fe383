package io.clickstream.spark.testing;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A deterministic mix of events for pipeline tests: per visitor a page view, a product view, and for every third
 * visitor an add to cart and a purchase of one unit at (visitor number).00 EUR. Event times are
 * {@code base + visitor seconds + step}, received when they occur.
 * <p>
 * Visitors take turns between two sites, {@code shop} and {@code blog}, and each anonymous id is used once on each
 * (visitors 1 and 2 are both {@code visitor-1}): every per-visitor figure must be kept per site.
 */
public final class EventMix {
    public record Event(String eventId, String anonymousId, String type, Instant receivedAt, String json, BigDecimal revenue) {
    }

    private EventMix() {
    }

    public static List<Event> generate(int visitors, Instant base) {
        List<Event> events = new ArrayList<>();
        for (int v = 1; v <= visitors; v++) {
            String site = site(v);
            String visitor = "visitor-" + (v + 1) / 2;
            Instant t = base.plusSeconds(v);
            events.add(event(v, 1, "page_view", site, visitor, t, null));
            events.add(event(v, 2, "product_view", site, visitor, t.plusSeconds(1), null));
            if (v % 3 == 0) {
                events.add(event(v, 3, "add_to_cart", site, visitor, t.plusSeconds(2), null));
                events.add(event(v, 4, "purchase", site, visitor, t.plusSeconds(3), new BigDecimal(v + ".00")));
            }
        }
        return events;
    }

    /** The site of visitor number {@code v}. */
    public static String site(int v) {
        return v % 2 == 1 ? "shop" : "blog";
    }

    private static Event event(int visitor, int step, String type, String site, String anonymousId, Instant at,
                               BigDecimal revenue) {
        String id = String.format("%08d-0000-4000-8000-%012d", visitor, step);
        EventJson json = EventJson.event(id, type, anonymousId, at.toString()).str("site_id", site)
                .page("https://shop.example/" + (step == 1 ? "home" : "p/" + (visitor % 5)), step == 1 ? "/home" : "/p/" + (visitor % 5));
        if (!type.equals("page_view")) {
            json.product("sku-" + (visitor % 5), "cat-" + (visitor % 2), visitor + ".00", 1);
        }
        if (revenue != null) {
            json.order("order-" + visitor, revenue.toPlainString(), "EUR");
        }
        return new Event(id, anonymousId, type, at, json.json(), revenue);
    }
}
