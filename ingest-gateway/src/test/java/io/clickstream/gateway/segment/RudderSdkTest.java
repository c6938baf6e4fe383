package io.clickstream.gateway.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.RudderSdk;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RudderStack's Node SDK (from the npm registry) pointed at the gateway with its defaults: it posts to /v1/batch
 * with the write key as Basic user name and a gzip-compressed body.
 */
@QuarkusTest
class RudderSdkTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void aServerApplicationSendingThroughRudderStacksNodeSdkHasEveryCallStored() throws Exception {
        String anon = "rudder-" + UUID.randomUUID();
        RudderSdk.Result sent = RudderSdk.send(gateway.toString(), "demo-write-key", anon);
        assertThat(sent.exitCode()).as(sent.output()).isZero();

        List<JsonNode> events = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 4, WAIT)
                .stream().map(TopicReader.Record::value).toList();
        assertThat(events).extracting(e -> e.get("event_type").asText())
                .containsExactly("page_view", "product_view", "purchase", "identify");
        assertThat(events).allSatisfy(e -> assertThat(e.get("site_id").asText()).isEqualTo("demo"));
        assertThat(events.get(0).at("/page/url").asText()).isEqualTo("https://shop.example/");
        assertThat(events.get(0).at("/context/library/name").asText()).isEqualTo("analytics-node");
        JsonNode order = events.get(2);
        assertThat(order.get("user_id").asText()).isEqualTo("u-7");
        assertThat(order.at("/commerce/revenue").decimalValue()).isEqualByComparingTo("25");
        assertThat(order.at("/commerce/currency").asText()).isEqualTo("EUR");
        assertThat(order.at("/commerce/products/0/sku").asText()).isEqualTo("G-32");
    }
}
