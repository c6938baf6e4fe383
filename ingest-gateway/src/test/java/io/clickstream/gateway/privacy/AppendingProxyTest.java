package io.clickstream.gateway.privacy;

import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a proxy that appends to X-Forwarded-For (nginx's {@code $proxy_add_x_forwarded_for}, cloud load balancers),
 * the address the proxy saw is kept, not the one the client wrote before it. The test client's loopback connection
 * is the trusted proxy here.
 */
@QuarkusTest
class AppendingProxyTest {

    @Test
    void theAddressTheProxySawIsKeptNotTheOneTheClientWrote() {
        String anon = "anon-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                .header("X-Forwarded-For", "198.51.100.7, 203.0.113.9")
                .body(Events.pageView(UUID.randomUUID().toString(), anon, Instant.now().toString()))
                .when().post("/v1/events").then().statusCode(202);

        var event = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, Duration.ofSeconds(20)).get(0).value();
        assertThat(event.at("/context/ip").asText()).isEqualTo("203.0.113.0");
    }
}
