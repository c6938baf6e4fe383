package io.clickstream.gateway.resource;

import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.TopicReader;
import io.clickstream.gateway.support.TopicReader.Record;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/**
 * A page on an origin no site allows: its preflights get no CORS headers, and its simple requests (the tracker's
 * text/plain beacons) are refused with a 403 the page can read, so the tracker drops them instead of retrying a
 * "network error" for ever. The refused events are kept on the dead-letter topic: a site that forgot to list one of
 * its origins can replay them once it has.
 */
@QuarkusTest
@TestProfile(DisallowedOriginTest.NoWildcardSite.class)
class DisallowedOriginTest {

    public static class NoWildcardSite implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clickstream.sites.demo.allowed-origins", "https://demo.example");
        }
    }

    @Test
    void anOriginNoSiteAllowsReadsItsRefusalButGetsNoPreflight() {
        given().header("Origin", "https://elsewhere.example").header("Access-Control-Request-Method", "POST")
                .when().options("/v1/events")
                .then().header("Access-Control-Allow-Origin", nullValue());
        given().header("Origin", "https://elsewhere.example").contentType("text/plain").queryParam("writeKey", "demo-write-key")
                .body(Events.pageView("x"))
                .when().post("/v1/events")
                .then().statusCode(403).body("errors[0].reason", equalTo("origin_not_allowed"))
                .header("Access-Control-Allow-Origin", "https://elsewhere.example")
                .header("Access-Control-Allow-Credentials", nullValue());
        given().header("Origin", "https://demo.example").contentType("text/plain").queryParam("writeKey", "demo-write-key")
                .body(Events.pageView("y"))
                .when().post("/v1/events")
                .then().statusCode(202).header("Access-Control-Allow-Origin", "https://demo.example")
                .header("Access-Control-Allow-Credentials", "true");
    }

    @Test
    void eventsFromAnOriginTheSiteDoesNotAllowAreKeptAsDeadLetters() {
        String anon = "elsewhere-" + UUID.randomUUID();
        String body = Events.pageView(anon);
        given().header("Origin", "https://elsewhere.example").contentType("text/plain").queryParam("writeKey", "demo-write-key")
                .body(body)
                .when().post("/v1/events")
                .then().statusCode(403).body("errors[0].reason", equalTo("origin_not_allowed"));
        List<Record> letters = TopicReader.readUntil(Topics.DEAD_LETTERS, Duration.ofSeconds(20),
                all -> all.stream().anyMatch(r -> r.value().path("payload").asText().contains(anon)));
        assertThat(letters).filteredOn(r -> r.value().path("payload").asText().contains(anon)).singleElement().satisfies(r -> {
            assertThat(r.value().get("payload").asText()).isEqualTo(body);
            assertThat(r.value().get("reason").asText()).isEqualTo("origin_not_allowed");
            assertThat(r.value().get("site_id").asText()).isEqualTo("demo");
            assertThat(r.value().get("detail").asText()).contains("https://elsewhere.example");
        });
    }
}
