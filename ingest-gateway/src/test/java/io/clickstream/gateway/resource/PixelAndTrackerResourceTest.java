package io.clickstream.gateway.resource;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.MetricsText;
import io.clickstream.gateway.support.RawHttp;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

@QuarkusTest
class PixelAndTrackerResourceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL base;

    @Test
    void pixelWithFlatParametersPublishesAPageViewAndReturnsAGif() {
        String anon = "pixel-" + UUID.randomUUID();
        byte[] gif = given().queryParam("writeKey", "demo-write-key").queryParam("anonymous_id", anon)
                .queryParam("url", "https://shop.example/newsletter?utm_source=mail").queryParam("title", "Newsletter")
                .header("User-Agent", "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X)")
                .when().get("/v1/p.gif")
                .then().statusCode(200).contentType("image/gif").header("Cache-Control", containsString("no-store"))
                .extract().asByteArray();
        assertThat(new String(gif, 0, 6, StandardCharsets.US_ASCII)).isEqualTo("GIF89a");

        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
        assertThat(e.get("event_type").asText()).isEqualTo("page_view");
        assertThat(e.at("/page/title").asText()).isEqualTo("Newsletter");
        assertThat(e.at("/context/user_agent").asText()).contains("iPhone");
        assertThat(e.get("site_id").asText()).isEqualTo("demo");
    }

    @Test
    void pixelWithAWholeEventInData() {
        String anon = "pixel-" + UUID.randomUUID();
        String event = "{\"event_type\":\"click\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + java.time.Instant.now()
                + "\",\"properties\":{\"link\":\"cta\"}}";
        given().queryParam("writeKey", "demo-write-key")
                .queryParam("data", Base64.getUrlEncoder().withoutPadding().encodeToString(event.getBytes(StandardCharsets.UTF_8)))
                .when().get("/v1/p.gif").then().statusCode(200);
        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
        assertThat(e.get("event_type").asText()).isEqualTo("click");
        assertThat(e.at("/properties/link").asText()).isEqualTo("cta");
    }

    @Test
    void aPixelWithoutOccurredAtHappenedWhenReceivedWhateverItsSentAtSays() {
        // The server's clock stands in for occurred_at: a client clock ten minutes off in sent_at must not shift the
        // event (nor refuse it as occurring after it was sent).
        for (long offsetMinutes : new long[] {-10, 10}) {
            String anon = "pixel-" + UUID.randomUUID();
            given().queryParam("writeKey", "demo-write-key").queryParam("anonymous_id", anon)
                    .queryParam("sent_at", java.time.Instant.now().plus(Duration.ofMinutes(offsetMinutes)).toString())
                    .when().get("/v1/p.gif").then().statusCode(200).header("X-Clickstream-Error", org.hamcrest.Matchers.nullValue());
            JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
            Duration shift = Duration.between(java.time.Instant.parse(e.get("event_time").asText()),
                    java.time.Instant.parse(e.get("received_at").asText()));
            assertThat(shift.abs()).isLessThan(Duration.ofSeconds(2));
        }
    }

    @Test
    void aPixelIsReadAsBrowsersSendItsHandWrittenQuery() {
        // What Chromium sends for <img src=".../v1/p.gif?...&title=Shoes | Shop {50% off}">: only the spaces escaped.
        String anon = "pixel-" + UUID.randomUUID();
        String answer = RawHttp.get(base, "/v1/p.gif?writeKey=demo-write-key&anonymous_id=" + anon
                + "&title=Shoes%20|%20Shop%20{50%%20off}^&url=https://shop.example/a?b=%ZZ");
        assertThat(answer).startsWith("HTTP/1.1 200").contains("image/gif").doesNotContain("X-Clickstream-Error");
        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
        assertThat(e.at("/page/title").asText()).isEqualTo("Shoes | Shop {50% off}^");
        assertThat(e.at("/page/url").asText()).isEqualTo("https://shop.example/a?b=%ZZ");
    }

    @Test
    void aMalformedUriElsewhereIsStillRefusedBeforeAnyRoute() {
        String series = "clickstream_gateway_events_rejected_total{reason=\"malformed_uri\",site=\"unknown\"}";
        double before = MetricsText.countOrZero(given().get("/q/metrics").asString(), series);
        assertThat(RawHttp.get(base, "/q/health?x=%ZZ")).startsWith("HTTP/1.1 400");
        // Ingest calls get a reason and a count.
        assertThat(RawHttp.get(base, "/v1/events?writeKey=a|b")).startsWith("HTTP/1.1 400").contains("malformed_uri");
        assertThat(RawHttp.get(base, "/v1/p.gif/x?a=%ZZ")).startsWith("HTTP/1.1 400").contains("malformed_uri");
        assertThat(RawHttp.get(base, "/q/health")).startsWith("HTTP/1.1 200");
        assertThat(MetricsText.value(given().get("/q/metrics").asString(), series)).isEqualTo(before + 2);
    }

    @Test
    void aRefusedPixelEventKeepsNoRawAddressInItsDeadLetter() {
        String marker = "pixel-ip-" + UUID.randomUUID();
        String broken = "{\"event_type\":\"page_view\",\"anonymous_id\":\"" + marker + "\",\"context\":{\"ip\":\"203.0.113.77\"}";
        given().queryParam("writeKey", "demo-write-key")
                .queryParam("data", Base64.getUrlEncoder().withoutPadding().encodeToString(broken.getBytes(StandardCharsets.UTF_8)))
                .when().get("/v1/p.gif").then().statusCode(400).header("X-Clickstream-Error", startsWith("malformed_json"));
        String payload = TopicReader.readUntil(Topics.DEAD_LETTERS, WAIT,
                        all -> all.stream().anyMatch(r -> r.value().path("payload").asText().contains(marker)))
                .stream().map(r -> r.value().path("payload").asText()).filter(p -> p.contains(marker)).findFirst().orElseThrow();
        assertThat(payload).isEqualTo(broken.replace("203.0.113.77", "203.0.113.0"));
    }

    @Test
    void aPixelWithoutAnonymousIdCountsTheBrowserUnderADailyIdOfItsOwn() {
        String page = "https://shop.example/noscript/" + UUID.randomUUID();
        String chrome = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36";
        String[][] visits = {{"198.51.100.7", chrome}, {"198.51.100.7", chrome}, {"198.51.100.8", chrome},
                {"198.51.100.7", chrome + " Edg/131.0"}};
        for (int i = 0; i < visits.length; i++) {
            // The test connects from loopback, a trusted proxy: X-Forwarded-For names the visitor's address.
            var pixel = given().queryParam("writeKey", "demo-write-key").queryParam("url", page).queryParam("title", "visit " + i);
            if (i == 3) {
                pixel.queryParam("anonymous_id", ""); // a blank merge field of an e-mail: no id at all
            }
            pixel.header("X-Forwarded-For", visits[i][0]).header("User-Agent", visits[i][1])
                    .when().get("/v1/p.gif").then().statusCode(200).contentType("image/gif");
        }
        Map<String, JsonNode> byVisit = TopicReader.readUntil(Topics.EVENTS, WAIT,
                        all -> all.stream().filter(r -> r.value().at("/page/url").asText().equals(page)).count() >= 4)
                .stream().map(TopicReader.Record::value).filter(v -> v.at("/page/url").asText().equals(page))
                .collect(Collectors.toMap(v -> v.at("/page/title").asText(), v -> v));
        assertThat(byVisit).hasSize(4);
        List<String> ids = IntStream.range(0, 4).mapToObj(i -> byVisit.get("visit " + i).get("anonymous_id").asText()).toList();
        assertThat(ids).allMatch(id -> id.matches("px-[0-9a-f]{32}"));
        assertThat(ids.get(1)).as("the same browser again").isEqualTo(ids.get(0));
        assertThat(ids.subList(1, 4)).as("another address, another browser").doesNotHaveDuplicates();
        assertThat(byVisit.values()).allSatisfy(v -> assertThat(v.toString()).doesNotContain("198.51.100.7", "198.51.100.8"));
    }

    @Test
    void pixelRefusalsStillReturnTheImageWithTheReasonInAHeader() {
        given().queryParam("writeKey", "demo-write-key").queryParam("anonymous_id", "x").queryParam("event_type", "9 lives")
                .when().get("/v1/p.gif")
                .then().statusCode(400).contentType("image/gif")
                .header("X-Clickstream-Error", startsWith("invalid_event: ")).header("X-Clickstream-Error", containsString("event_type"));
        given().when().get("/v1/p.gif?anonymous_id=x").then().statusCode(401).contentType("image/gif");
    }

    @Test
    void aRefusalQuotingAControlCharacterStillAnswersWithTheImage() {
        given().queryParam("writeKey", "demo-write-key").queryParam("anonymous_id", "x").queryParam("event_type", "page_view")
                .queryParam("site_id", "a\r\nSet-Cookie: b")
                .when().get("/v1/p.gif")
                .then().statusCode(400).contentType("image/gif").header("Set-Cookie", (String) null)
                .header("X-Clickstream-Error", startsWith("site_mismatch: ")).header("X-Clickstream-Error", containsString("a??Set-Cookie: b"));
    }


    @Test
    void trackerIsServedWithAVersionAndRevalidates() {
        String version = given().when().get("/tracker.js")
                .then().statusCode(200).contentType(containsString("javascript"))
                .header("Cache-Control", equalTo("public, max-age=300"))
                .extract().header("X-Tracker-Version");
        String etag = given().when().get("/tracker.js").then().extract().header("ETag");
        given().header("If-None-Match", etag).when().get("/tracker.js").then().statusCode(304);
        given().when().get("/tracker/" + version + ".js")
                .then().statusCode(200).header("Cache-Control", containsString("immutable"));
        given().when().get("/tracker/000000000000.js").then().statusCode(404);
    }

    @Test
    void metricsAndHealthAreExposed() {
        given().queryParam("writeKey", "demo-write-key").queryParam("anonymous_id", "m-" + UUID.randomUUID())
                .when().get("/v1/p.gif").then().statusCode(200);
        given().when().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'kafka' }.status", equalTo("UP"));
        given().when().get("/q/health/live").then().statusCode(200);
        String metrics = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("clickstream_gateway_events_received_total{site=\"demo\"}")
                .contains("clickstream_gateway_events_accepted_total{site=\"demo\"}")
                .contains("clickstream_gateway_request_seconds_bucket{route=\"pixel\"")
                .contains("clickstream_gateway_kafka_publish_seconds_bucket")
                .contains("clickstream_gateway_kafka_inflight_sends")
                .contains("clickstream_gateway_request_body_bytes_bucket")
                .contains("jvm_memory_used_bytes");
    }
}
