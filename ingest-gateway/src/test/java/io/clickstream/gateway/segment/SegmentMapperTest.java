package io.clickstream.gateway.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentMapperTest {
    private final SegmentMapper mapper = new SegmentMapper();
    private final ObjectMapper json = new ObjectMapper();

    @Test
    void customEventNamesBecomeSnakeCase() {
        assertThat(SegmentMapper.snakeCase("Signed Up")).isEqualTo("signed_up");
        assertThat(SegmentMapper.snakeCase("videoPlayed")).isEqualTo("video_played");
        assertThat(SegmentMapper.snakeCase("  Added to wish-list! ")).isEqualTo("added_to_wish_list");
        assertThat(SegmentMapper.snakeCase("3D view")).isEqualTo("e_3d_view");
        assertThat(SegmentMapper.snakeCase("x".repeat(100))).hasSize(64);
    }

    @Test
    void aCustomEventNamedLikeAStandardTypeStaysCustom() throws Exception {
        for (String[] named : new String[][] {{"Page View", "custom_page_view"}, {"Identify", "custom_identify"},
                {"Purchase", "custom_purchase"}, {"Add To Cart", "custom_add_to_cart"}, {"Signed Up", "signed_up"},
                {"Order Completed", "purchase"}}) {
            var msg = json.readTree("{\"event\":\"" + named[0] + "\",\"anonymousId\":\"a\"}");
            assertThat(mapper.map(msg, "track", "demo", null, null).get("event_type").asText()).as(named[0]).isEqualTo(named[1]);
        }
    }

    @Test
    void messageIdsStayStableAcrossRetries() {
        assertThat(SegmentMapper.eventId("demo", "abc")).isEqualTo(SegmentMapper.eventId("demo", "abc"))
                .isNotEqualTo(SegmentMapper.eventId("other", "abc"));
        assertThat(SegmentMapper.eventId("demo", "0B7C6C86-3C1A-4A3E-9D7C-0F1F7B6D2A11"))
                .isEqualTo("0b7c6c86-3c1a-4a3e-9d7c-0f1f7b6d2a11");
    }

    @Test
    void ecommerceNamesMapToStandardTypesCaseInsensitively() throws Exception {
        var msg = json.readTree("{\"event\":\"checkout started\",\"anonymousId\":\"a\",\"properties\":{\"products\":[{\"sku\":\"s\"}]}}");
        var out = mapper.map(msg, "track", "demo", null, null);
        assertThat(out.get("event_type").asText()).isEqualTo("checkout_start");
        assertThat(out.at("/commerce/products/0/sku").asText()).isEqualTo("s");
        assertThat(out.has("properties")).isFalse();
    }

    @Test
    void unknownCallTypesAreUnmappable() throws Exception {
        var msg = json.readTree("{\"type\":\"teleport\",\"anonymousId\":\"a\"}");
        assertThatThrownBy(() -> mapper.map(msg, null, "demo", null, null))
                .isInstanceOf(SegmentMapper.UnmappableException.class).hasMessageContaining("teleport");
    }

    @Test
    void theClientClockIsOriginalTimestampThenTimestampThenSentAt() throws Exception {
        var both = json.readTree("{\"anonymousId\":\"a\",\"event\":\"x\",\"timestamp\":\"2026-01-01T10:00:05Z\","
                + "\"originalTimestamp\":\"2026-01-01T09:00:00Z\",\"sentAt\":\"2026-01-01T09:00:01Z\"}");
        assertThat(mapper.map(both, "track", "demo", null, null).get("occurred_at").asText()).isEqualTo("2026-01-01T09:00:00Z");
        var onlySent = json.readTree("{\"anonymousId\":\"a\",\"event\":\"x\"}");
        var out = mapper.map(onlySent, "track", "demo", json.readTree("\"2026-01-01T09:00:01Z\""), null);
        assertThat(out.get("occurred_at").asText()).isEqualTo(out.get("sent_at").asText()).isEqualTo("2026-01-01T09:00:01Z");
        var neither = mapper.map(json.readTree("{\"anonymousId\":\"a\",\"event\":\"x\"}"), "track", "demo", null, null);
        assertThat(java.time.Instant.parse(neither.get("occurred_at").asText()))
                .isBetween(java.time.Instant.now().minusSeconds(5), java.time.Instant.now());
    }

    @Test
    void aTrackCallsPageIsContextPageAndItsUrlPropertyStaysAProperty() throws Exception {
        var msg = json.readTree("""
                {"anonymousId":"a","event":"Product Added","timestamp":"2026-01-01T09:00:00Z",
                 "context":{"page":{"url":"https://shop.example/search?q=uno","path":"/search","title":"Search"},"library":{"name":"analytics.js"}},
                 "properties":{"product_id":"p1","name":"Uno","url":"https://shop.example/products/uno","price":"3.50"}}""");
        var out = mapper.map(msg, "track", "demo", null, json.readTree("{\"userAgent\":\"Mozilla/5.0\",\"locale\":\"de-DE\"}"));
        assertThat(out.at("/page/path").asText()).isEqualTo("/search");
        assertThat(out.at("/page/url").asText()).isEqualTo("https://shop.example/search?q=uno");
        assertThat(out.at("/properties/url").asText()).isEqualTo("https://shop.example/products/uno");
        assertThat(out.at("/commerce/products/0/sku").asText()).isEqualTo("p1");
        assertThat(out.at("/commerce/products/0/price").decimalValue()).isEqualByComparingTo("3.50");
        // the batch's context under the message's own
        assertThat(out.at("/context/user_agent").asText()).isEqualTo("Mozilla/5.0");
        assertThat(out.at("/context/locale").asText()).isEqualTo("de-DE");
        assertThat(out.at("/context/library/name").asText()).isEqualTo("analytics.js");
        var page = json.readTree("""
                {"anonymousId":"a","name":"Docs","properties":{"url":"https://shop.example/docs","path":"/docs","category":"Docs"},
                 "context":{"page":{"url":"https://shop.example/old","path":"/old"}}}""");
        var pageOut = mapper.map(page, "page", "demo", null, null);
        assertThat(pageOut.at("/page/path").asText()).isEqualTo("/docs");
        assertThat(pageOut.at("/properties/category").asText()).isEqualTo("Docs");
        assertThat(pageOut.at("/properties/url").isMissingNode()).isTrue();
    }

    @Test
    void propertiesThatWereNotMappedAreKept() throws Exception {
        var video = json.readTree("""
                {"anonymousId":"a","event":"Video Played","properties":{"name":"Intro","category":"Help","quantity":2,"position":30}}""");
        var out = mapper.map(video, "track", "demo", null, null);
        assertThat(out.has("commerce")).isFalse();
        assertThat(out.at("/properties/name").asText()).isEqualTo("Intro");
        assertThat(out.at("/properties/category").asText()).isEqualTo("Help");
        assertThat(out.at("/properties/quantity").asInt()).isEqualTo(2);
        assertThat(out.at("/properties/position").asInt()).isEqualTo(30);
        var checkout = json.readTree("""
                {"anonymousId":"a","event":"Checkout Started","properties":{"checkout_id":"c-1","order_id":"o-1","total":30,"revenue":"25.00","currency":"EUR"}}""");
        var c = mapper.map(checkout, "track", "demo", null, null);
        assertThat(c.at("/commerce/revenue").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(c.at("/commerce/order_id").asText()).isEqualTo("o-1");
        assertThat(c.at("/properties/checkout_id").asText()).isEqualTo("c-1");
        assertThat(c.at("/properties/total").asInt()).isEqualTo(30);
        var noRevenue = json.readTree("{\"anonymousId\":\"a\",\"event\":\"Order Completed\",\"properties\":{\"total\":30}}");
        assertThat(mapper.map(noRevenue, "track", "demo", null, null).at("/commerce/revenue").decimalValue()).isEqualByComparingTo("30");
    }

    @Test
    void aliasAndGroupKeepTheIdsTheyExistFor() throws Exception {
        var alias = mapper.map(json.readTree("{\"previousId\":\"anon-old\",\"userId\":\"user-42\"}"), "alias", "demo", null, null);
        assertThat(alias.at("/properties/previous_id").asText()).isEqualTo("anon-old");
        var group = mapper.map(json.readTree("{\"anonymousId\":\"a\",\"groupId\":\"acme\",\"traits\":{\"plan\":\"pro\"}}"),
                "group", "demo", null, null);
        assertThat(group.at("/properties/group_id").asText()).isEqualTo("acme");
        assertThat(group.at("/properties/plan").asText()).isEqualTo("pro");
    }

    @Test
    void aProductWithoutSkuOrProductIdIsKnownByItsName() throws Exception {
        var order = json.readTree("""
                {"anonymousId":"a","event":"Order Completed","properties":{"order_id":"o-1","revenue":28,
                 "products":[{"name":"Monopoly","price":25,"quantity":1},{"product_id":"p-2","name":"Uno","price":3}]}}""");
        var out = mapper.map(order, "track", "demo", null, null);
        assertThat(out.at("/commerce/products/0/sku").asText()).isEqualTo("Monopoly");
        assertThat(out.at("/commerce/products/1/sku").asText()).isEqualTo("p-2");
    }

    @Test
    void aQuantityOfTwoPointZeroIsTwo() throws Exception {
        var cart = json.readTree("""
                {"anonymousId":"a","event":"Product Added","properties":{"sku":"s","price":5,"quantity":2.0}}""");
        var out = mapper.map(cart, "track", "demo", null, null);
        assertThat(out.at("/commerce/products/0/quantity").isInt()).isTrue();
        assertThat(out.at("/commerce/products/0/quantity").asInt()).isEqualTo(2);
    }
}
