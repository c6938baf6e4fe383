package io.clickstream.gateway.privacy;

import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A client that is not a trusted proxy cannot choose its address (nor its rate-limit bucket) with X-Forwarded-For. */
@QuarkusTest
@TestProfile(UntrustedProxyTest.OnlyClusterProxies.class)
class UntrustedProxyTest {

    public static class OnlyClusterProxies implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.trusted-proxies", "10.0.0.0/8");
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() {
        String anon = "anon-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                .header("X-Forwarded-For", "198.51.100.7")
                .body(Events.pageView(UUID.randomUUID().toString(), anon, Instant.now().toString()))
                .when().post("/v1/events").then().statusCode(202);

        var event = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, Duration.ofSeconds(20)).get(0).value();
        assertThat(event.at("/context/ip").asText()).isEqualTo("127.0.0.0");
        assertThat(event.toString()).doesNotContain("198.51.100");
    }
}
