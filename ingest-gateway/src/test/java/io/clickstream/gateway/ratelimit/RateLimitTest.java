package io.clickstream.gateway.ratelimit;

import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.MetricsText;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@TestProfile(RateLimitTest.TightLimits.class)
class RateLimitTest {

    public static class TightLimits implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "clickstream.rate-limit.per-ip-per-second", "1",
                    "clickstream.rate-limit.per-ip-burst", "20",
                    "clickstream.rate-limit.per-site-per-second", "1",
                    "clickstream.rate-limit.per-site-burst", "1000",
                    "clickstream.sites.flood.write-key", "flood-write-key");
        }
    }

    @Test
    void aClientAboveItsBucketGets429WithRetryAfterAndItIsCounted() {
        int accepted = 0;
        int limited = 0;
        String retryAfter = null;
        long start = System.nanoTime();
        for (int i = 0; i < 40; i++) {
            var response = given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                    .body(Events.pageView("rl-" + i)).when().post("/v1/events");
            if (response.statusCode() == 202) {
                accepted++;
            } else {
                assertThat(response.statusCode()).isEqualTo(429);
                response.then().body("errors[0].reason", equalTo("rate_limited"));
                retryAfter = response.header("Retry-After");
                assertThat(response.header("X-RateLimit-Reset")).as("Segment's SDKs wait this long").isEqualTo(retryAfter);
                limited++;
            }
        }
        // A burst of 20, refilled at 1 per second: the loop gets the burst plus what refilled while it ran.
        long elapsedSeconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(accepted).isBetween(20, 21 + (int) elapsedSeconds);
        assertThat(limited).isEqualTo(40 - accepted).isPositive();
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 2);
        assertThat(MetricsText.value(given().when().get("/q/metrics").then().extract().asString(),
                "clickstream_gateway_rate_limited_total{scope=\"ip\"}")).isGreaterThanOrEqualTo(limited);
    }

    @Test
    void aBatchLargerThanTheSitesBurstIsRefusedAsTooManyEventsNotToldToWait() {
        String event = "{\"event_type\":\"click\",\"anonymous_id\":\"burst\",\"occurred_at\":\"" + java.time.Instant.now() + "\"}";
        String batch = "[" + String.join(",", java.util.Collections.nCopies(1001, event)) + "]";
        var response = given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                .header("X-Forwarded-For", "203.0.113.99").body(batch).when().post("/v1/events");
        response.then().statusCode(413).body("errors[0].reason", equalTo("too_many_events"))
                .body("errors[0].message", equalTo("1001 events exceed the site's rate-limit burst of 1000 per request"));
        assertThat(response.header("Retry-After")).isNull();
    }

    @Test
    void refusedBodiesDrawOnTheSitesBucketAndAreNotKeptOnceItIsEmpty() {
        // A site of its own, so its bucket is this test's alone: 999 of its 1,000 events, then refused bodies.
        String event = "{\"event_type\":\"click\",\"anonymous_id\":\"flood\",\"occurred_at\":\"" + Instant.now() + "\"}";
        given().contentType(ContentType.JSON).header("X-Write-Key", "flood-write-key").header("X-Forwarded-For", "203.0.113.50")
                .body("[" + String.join(",", Collections.nCopies(999, event)) + "]").when().post("/v1/events")
                .then().statusCode(202);
        String marker = "flood-" + UUID.randomUUID();
        double notKeptBefore = MetricsText.countOrZero(metrics(), "clickstream_gateway_rate_limited_total{scope=\"dead_letter\"}");
        // The token left, and those that refill meanwhile (one a second), let the first refusals through to be kept.
        int sent = 0;
        double notKept = 0;
        while (notKept == 0 && sent < 15) {
            given().contentType(ContentType.JSON).header("X-Write-Key", "flood-write-key")
                    .header("X-Forwarded-For", "203.0.113." + (60 + sent)).body("{\"event_type\":\"" + marker + "-" + sent + "\",")
                    .when().post("/v1/events")
                    .then().statusCode(400).body("errors[0].reason", equalTo("malformed_json")).header("Retry-After", (String) null);
            sent++;
            notKept = MetricsText.countOrZero(metrics(), "clickstream_gateway_rate_limited_total{scope=\"dead_letter\"}") - notKeptBefore;
        }
        assertThat(notKept).as("a refusal past the site's bucket").isEqualTo(1);
        int kept = sent - 1;
        assertThat(kept).isPositive();
        List<TopicReader.Record> letters = TopicReader.readUntil(Topics.DEAD_LETTERS, Duration.ofSeconds(20),
                all -> all.stream().filter(r -> r.value().path("payload").asText().contains(marker)).count() >= kept);
        assertThat(letters.stream().filter(r -> r.value().path("payload").asText().contains(marker)).count()).isEqualTo(kept);
        assertThat(MetricsText.value(metrics(), "clickstream_gateway_events_rejected_total{reason=\"malformed_json\",site=\"flood\"}"))
                .isEqualTo(sent);
    }

    private static String metrics() {
        return given().when().get("/q/metrics").then().extract().asString();
    }

    @Test
    void visitorsBehindOneProxyEachHaveTheirOwnBucket() {
        // Every request arrives from the same proxy (the test client on loopback, trusted): one visitor above its
        // burst of 20 is limited, while the next visitor behind the same proxy is not.
        int limited = 0;
        for (int i = 0; i < 25; i++) {
            int status = beaconFrom("203.0.113.10", "proxied-a-" + i);
            assertThat(status).isIn(202, 429);
            limited += status == 429 ? 1 : 0;
        }
        assertThat(limited).isPositive();
        assertThat(beaconFrom("203.0.113.77", "proxied-b")).isEqualTo(202);
    }

    @Test
    void aForwardedAddressThatIsNoIpIsStillLimited() {
        // Some proxies forward "unknown": such a client is limited under that name, not let through unlimited.
        int limited = 0;
        for (int i = 0; i < 25; i++) {
            limited += beaconFrom("unknown", "proxied-unknown-" + i) == 429 ? 1 : 0;
        }
        assertThat(limited).isPositive();
    }

    private static int beaconFrom(String clientIp, String anonymousId) {
        return given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                .header("X-Forwarded-For", clientIp)
                .body(Events.pageView(anonymousId)).when().post("/v1/events").statusCode();
    }
}
