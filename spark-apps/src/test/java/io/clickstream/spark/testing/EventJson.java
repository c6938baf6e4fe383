package io.clickstream.spark.testing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/** Builds canonical event JSON for tests, field by field. Values are written as JSON literals. */
public final class EventJson {
    private final Map<String, String> fields = new LinkedHashMap<>();
    private final Map<String, String> page = new LinkedHashMap<>();
    private final Map<String, String> context = new LinkedHashMap<>();
    private final Map<String, String> commerce = new LinkedHashMap<>();
    private final StringJoiner products = new StringJoiner(",", "[", "]");
    private boolean hasProducts;

    private EventJson() {
    }

    /** A valid page view stamped by the gateway: received two seconds after it occurred. */
    public static EventJson pageView(String eventId, String anonymousId, String eventTime) {
        return event(eventId, "page_view", anonymousId, eventTime);
    }

    public static EventJson event(String eventId, String type, String anonymousId, String eventTime) {
        EventJson e = new EventJson();
        e.str("schema_version", "1").str("event_id", eventId).str("event_type", type).str("site_id", "shop")
                .str("anonymous_id", anonymousId).str("occurred_at", eventTime).str("sent_at", eventTime)
                .str("received_at", eventTime).str("event_time", eventTime);
        e.page("https://shop.example/home", "/home");
        return e;
    }

    public EventJson str(String name, String value) {
        fields.put(name, quote(value));
        return this;
    }

    public EventJson raw(String name, String json) {
        fields.put(name, json);
        return this;
    }

    public EventJson without(String name) {
        fields.remove(name);
        return this;
    }

    public EventJson page(String url, String path) {
        page.put("url", quote(url));
        page.put("path", quote(path));
        return this;
    }

    public EventJson referrer(String referrer) {
        page.put("referrer", quote(referrer));
        return this;
    }

    public EventJson userAgent(String ua) {
        context.put("user_agent", quote(ua));
        return this;
    }

    /** {@code context.<name>} as the JSON given, e.g. a native app's {@code os}. */
    public EventJson context(String name, String json) {
        context.put(name, json);
        return this;
    }

    public EventJson product(String sku, String category, String price, long quantity) {
        products.add("{\"sku\":" + quote(sku) + ",\"name\":" + quote(sku + " name") + ",\"category\":" + quote(category)
                + ",\"price\":" + price + ",\"quantity\":" + quantity + "}");
        hasProducts = true;
        return this;
    }

    public EventJson order(String orderId, String revenue, String currency) {
        commerce.put("order_id", quote(orderId));
        commerce.put("revenue", revenue);
        commerce.put("currency", quote(currency));
        return this;
    }

    public String json() {
        Map<String, String> all = new LinkedHashMap<>(fields);
        if (!page.isEmpty()) {
            all.put("page", object(page));
        }
        if (!context.isEmpty()) {
            all.put("context", object(context));
        }
        Map<String, String> c = new LinkedHashMap<>(commerce);
        if (hasProducts) {
            c.put("products", products.toString());
        }
        if (!c.isEmpty()) {
            all.put("commerce", object(c));
        }
        return object(all);
    }

    @Override
    public String toString() {
        return json();
    }

    private static String object(Map<String, String> m) {
        StringJoiner j = new StringJoiner(",", "{", "}");
        m.forEach((k, v) -> j.add(quote(k) + ":" + v));
        return j.toString();
    }

    private static String quote(String s) {
        return s == null ? "null" : "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
