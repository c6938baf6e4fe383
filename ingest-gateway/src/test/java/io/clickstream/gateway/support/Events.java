package io.clickstream.gateway.support;

import java.time.Instant;
import java.util.UUID;

/** Canonical test events as JSON text. */
public final class Events {
    private Events() {
    }

    public static String pageView(String anonymousId) {
        return pageView(UUID.randomUUID().toString(), anonymousId, Instant.now().toString());
    }

    public static String pageView(String eventId, String anonymousId, String occurredAt) {
        return """
                {"event_id":"%s","event_type":"page_view","site_id":"demo","anonymous_id":"%s","occurred_at":"%s",
                 "page":{"url":"https://shop.example/p/1?utm_source=news","path":"/p/1","title":"Mug"}}"""
                .formatted(eventId, anonymousId, occurredAt);
    }

    public static String purchase(String anonymousId, String orderId) {
        return """
                {"event_id":"%s","event_type":"purchase","anonymous_id":"%s","occurred_at":"%s",
                 "commerce":{"order_id":"%s","revenue":25.00,"currency":"EUR",
                   "products":[{"sku":"SKU-1","name":"Mug","category":"Kitchen","price":12.50,"quantity":2}]}}"""
                .formatted(UUID.randomUUID(), anonymousId, Instant.now(), orderId);
    }
}
