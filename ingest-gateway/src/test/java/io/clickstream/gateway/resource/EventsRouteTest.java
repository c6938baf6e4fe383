package io.clickstream.gateway.resource;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.TopicReader;
import io.clickstream.gateway.support.TopicReader.Record;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
class EventsRouteTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void oneEventIsAcknowledgedOnlyOnceKafkaHasItWithKeyHeadersAndGatewayStamps() {
        String anon = "anon-" + UUID.randomUUID();
        String eventId = UUID.randomUUID().toString();
        Instant before = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0")
                .header("X-Forwarded-For", "198.51.100.7")
                .body(Events.pageView(eventId, anon, Instant.now().toString()))
                .when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("rejected", equalTo(0));

        List<Record> records = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT);
        assertThat(records).hasSize(1);
        Record r = records.get(0);
        assertThat(r.key()).isEqualTo(anon);
        assertThat(r.headers()).containsEntry(Topics.HEADER_SITE_ID, "demo").containsEntry(Topics.HEADER_SCHEMA_VERSION, "1");
        JsonNode e = r.value();
        assertThat(e.get("event_id").asText()).isEqualTo(eventId);
        assertThat(e.get("schema_version").asText()).isEqualTo("1");
        assertThat(Instant.parse(e.get("received_at").asText())).isBetween(before, Instant.now());
        assertThat(r.headers().get(Topics.HEADER_RECEIVED_AT)).isEqualTo(e.get("received_at").asText());
        assertThat(e.at("/context/user_agent").asText()).contains("Chrome/120.0");
        // The client's address comes from X-Forwarded-For (the test client on loopback is a trusted proxy), and the raw
        // address never leaves the gateway: it is kept as its /24, and the proxy's address not at all.
        assertThat(e.at("/context/ip").asText()).isEqualTo("198.51.100.0");
        assertThat(e.toString()).doesNotContain("198.51.100.7").doesNotContain("127.0.0");
    }

    @Test
    void clientClockSkewIsCorrectedTheWaySegmentDoes() {
        String anon = "anon-" + UUID.randomUUID();
        // The client's clock is 2 hours behind; the event happened 3 s before it was sent.
        Instant clientNow = Instant.now().minus(2, ChronoUnit.HOURS);
        String body = """
                {"event_type":"click","site_id":"demo","anonymous_id":"%s","occurred_at":"%s","sent_at":"%s"}"""
                .formatted(anon, clientNow.minusSeconds(3), clientNow);
        given().contentType("text/plain;charset=UTF-8").header("X-Write-Key", "demo-write-key").body(body)
                .when().post("/v1/events").then().statusCode(202);

        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
        Instant received = Instant.parse(e.get("received_at").asText());
        assertThat(Instant.parse(e.get("event_time").asText())).isEqualTo(received.minusSeconds(3));
        // Timestamps leave the gateway as UTC with milliseconds, whatever precision the client sent.
        assertThat(e.get("occurred_at").asText()).matches("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}Z");
        assertThat(Instant.parse(e.get("occurred_at").asText())).isEqualTo(clientNow.minusSeconds(3).truncatedTo(ChronoUnit.MILLIS));
        assertThat(e.get("event_id").asText()).matches("[0-9a-f-]{36}"); // assigned by the gateway
    }

    @Test
    void anEventSentWithoutAnIdGetsTheSameIdWhenSentAgain() {
        String anon = "anon-" + UUID.randomUUID();
        Instant occurred = Instant.now().minusSeconds(5);
        String event = "{\"event_type\":\"click\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + occurred + "\",\"sent_at\":\"%s\"}";
        for (Instant sent : List.of(occurred.plusSeconds(1), occurred.plusSeconds(4))) {
            given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(event.formatted(sent))
                    .when().post("/v1/events").then().statusCode(202);
        }
        String another = "{\"event_type\":\"click\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + occurred.plusMillis(1) + "\"}";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(another)
                .when().post("/v1/events").then().statusCode(202);
        // Two identical clicks in one request (a double click, time in whole seconds) are two events, sent again or not.
        String twice = "[" + another + "," + another + "]";
        for (int i = 0; i < 2; i++) {
            given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(twice)
                    .when().post("/v1/events").then().statusCode(202);
        }

        List<String> ids = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 7, WAIT).stream()
                .sorted(java.util.Comparator.comparingLong(Record::offset)).map(r -> r.value().get("event_id").asText()).toList();
        assertThat(ids).hasSize(7);
        assertThat(ids.get(0)).matches("[0-9a-f-]{36}").isEqualTo(ids.get(1)).isNotEqualTo(ids.get(2));
        assertThat(ids.subList(3, 7)).doesNotContain(ids.get(0));
        assertThat(ids.get(3)).isEqualTo(ids.get(5)).isNotEqualTo(ids.get(4));
        assertThat(ids.get(4)).isEqualTo(ids.get(6));
    }

    @Test
    void aBatchWithBadEventsAcceptsTheGoodOnesAndListsEachRejectionWhichGoesToTheDeadLetterTopic() {
        String anon = "anon-" + UUID.randomUUID();
        String batch = "[" + Events.pageView(anon) + ","
                + "{\"event_type\":\"Page View\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"2026-01-01T00:00:00Z\"},"
                + Events.purchase(anon, "order-" + anon) + ","
                + "{\"event_type\":\"click\",\"site_id\":\"other-site\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + Instant.now() + "\"},"
                + "{\"event_type\":\"click\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + Instant.now().minus(30, ChronoUnit.DAYS) + "\"}"
                + "]";
        given().contentType(ContentType.JSON).auth().preemptive().basic("demo-write-key", "").body(batch)
                .when().post("/v1/events")
                .then().statusCode(202)
                .body("accepted", equalTo(2)).body("rejected", equalTo(3))
                .body("errors", hasSize(3))
                .body("errors[0].index", equalTo(1)).body("errors[0].reason", equalTo("invalid_event"))
                .body("errors[0].message", containsString("event_type"))
                .body("errors[1].index", equalTo(3)).body("errors[1].reason", equalTo("site_mismatch"))
                .body("errors[2].index", equalTo(4)).body("errors[2].reason", equalTo("timestamp_out_of_range"));

        assertThat(TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 2, WAIT))
                .extracting(r -> r.value().get("event_type").asText()).containsExactly("page_view", "purchase");
        List<Record> letters = TopicReader.readUntil(Topics.DEAD_LETTERS, WAIT,
                all -> all.stream().filter(r -> r.value().path("payload").asText().contains(anon)).count() >= 3)
                .stream().filter(r -> r.value().path("payload").asText().contains(anon)).toList();
        assertThat(letters).extracting(r -> r.value().get("reason").asText())
                .containsExactlyInAnyOrder("invalid_event", "site_mismatch", "timestamp_out_of_range");
        assertThat(letters).allSatisfy(r -> {
            assertThat(r.value().get("site_id").asText()).isEqualTo("demo");
            assertThat(r.value().get("endpoint").asText()).isEqualTo("events");
            assertThat(r.headers()).containsKey(Topics.HEADER_REASON);
        });
    }

    @Test
    void purchaseKeepsExactMoney() {
        String anon = "anon-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(Events.purchase(anon, "o-1"))
                .when().post("/v1/events").then().statusCode(202);
        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
        assertThat(e.at("/commerce/revenue").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(e.at("/commerce/products/0/price").decimalValue()).isEqualByComparingTo("12.50");
        assertThat(e.at("/commerce/products/0/quantity").asInt()).isEqualTo(2);
        assertThat(e.get("site_id").asText()).isEqualTo("demo"); // filled in from the write key
    }

    @Test
    void aNumberTooLargeForADoubleIsRefusedNotPublishedAsInfinity() {
        String anon = "anon-" + UUID.randomUUID();
        String batch = "[" + Events.pageView(anon) + ","
                + "{\"event_type\":\"purchase\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + Instant.now() + "\","
                + "\"commerce\":{\"revenue\":1e400,\"currency\":\"EUR\",\"products\":[{\"sku\":\"x\",\"price\":1}]}},"
                + "{\"event_type\":\"click\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + Instant.now() + "\","
                + "\"properties\":{\"scores\":[1,-1e999]}}]";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(batch)
                .when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1)).body("rejected", equalTo(2))
                .body("errors[0].index", equalTo(1)).body("errors[0].reason", equalTo("invalid_event"))
                .body("errors[0].message", containsString("/commerce/revenue: must have an exclusive maximum value"))
                .body("errors[1].index", equalTo(2)).body("errors[1].message", equalTo("$.properties.scores[1]: number out of range"));

        assertThat(TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT))
                .extracting(r -> r.value().get("event_type").asText()).containsExactly("page_view");
    }

    @Test
    void amountsAndQuantitiesTheTablesCannotHoldAreRefused() {
        String anon = "anon-" + UUID.randomUUID();
        String purchase = "{\"event_type\":\"purchase\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + Instant.now() + "\","
                + "\"commerce\":{\"currency\":\"EUR\",%s}}";
        String batch = "[" + purchase.formatted("\"revenue\":9999999999999.5")
                + "," + purchase.formatted("\"revenue\":1e16")
                + "," + purchase.formatted("\"products\":[{\"sku\":\"x\",\"price\":-12345678901234567}]")
                + "," + purchase.formatted("\"products\":[{\"sku\":\"x\",\"quantity\":99999999999999999999}]")
                + "," + purchase.formatted("\"products\":[{\"sku\":\"x\",\"quantity\":9223372036854775807}]") + "]";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(batch)
                .when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(2)).body("rejected", equalTo(3))
                .body("errors.index", contains(1, 2, 3)).body("errors.reason", everyItem(equalTo("invalid_event")))
                .body("errors[0].message", containsString("revenue")).body("errors[1].message", containsString("price"))
                .body("errors[2].message", containsString("quantity"));

        assertThat(TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 2, WAIT)).hasSize(2);
    }

    @Test
    void aTimestampOutsideYears0000To9999InUtcIsRefusedNotMiswrittenOrA500() {
        // Both stamps equal: skew correction puts the event at the receive time, so no age check would catch it.
        // Year 10000 was written as year 1000; year -1 failed the whole request with a 500.
        for (String stamp : List.of("9999-12-31T23:59:59.999-00:01", "0000-01-01T00:00:00+00:01")) {
            String body = """
                    {"event_type":"click","site_id":"demo","anonymous_id":"a-%s","occurred_at":"%s","sent_at":"%s"}"""
                    .formatted(UUID.randomUUID(), stamp, stamp);
            given().contentType(ContentType.JSON).header("X-Write-Key", "demo-write-key").body(body)
                    .when().post("/v1/events")
                    .then().statusCode(400).body("errors[0].reason", equalTo("invalid_event"))
                    .body("errors[0].message", containsString("outside the years 0000 to 9999"));
        }
    }

    @Test
    void integralNumbersInIntegerFieldsArePublishedAsIntegers() {
        String anon = "anon-" + UUID.randomUUID();
        String event = "{\"event_type\":\"add_to_cart\",\"anonymous_id\":\"" + anon + "\",\"occurred_at\":\"" + Instant.now() + "\","
                + "\"context\":{\"screen\":{\"width\":1440.0,\"height\":900}},"
                + "\"commerce\":{\"products\":[{\"sku\":\"a\",\"price\":2.0,\"quantity\":2.0},{\"sku\":\"b\",\"quantity\":1e1}]}}";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(event)
                .when().post("/v1/events").then().statusCode(202);

        String published = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value().toString();
        assertThat(published).contains("\"width\":1440,", "\"quantity\":2}", "\"quantity\":10}")
                .contains("\"price\":2.0"); // a price is a number, not an integer: left as sent
    }

    @Test
    void allRejectedIs400WithReasons() {
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                .body("[{\"event_type\":\"click\"}]")
                .when().post("/v1/events")
                .then().statusCode(400).body("accepted", equalTo(0)).body("rejected", equalTo(1))
                .body("errors[0].reason", equalTo("invalid_event"))
                .body("errors[0].message", containsString("anonymous_id"));
    }

    @Test
    void missingOrUnknownWriteKeyIs401() {
        given().contentType(ContentType.JSON).body(Events.pageView("a")).when().post("/v1/events")
                .then().statusCode(401).body("errors[0].reason", equalTo("unauthorized"))
                .body("message", containsString("write key"));
        given().contentType(ContentType.JSON).queryParam("writeKey", "nope").body(Events.pageView("a")).when().post("/v1/events")
                .then().statusCode(401).body("message", equalTo("invalid write key: no site has this key"));
    }

    @Test
    void onlyAClientThatTriedBasicAuthIsChallengedForIt() {
        // curl -u, server SDKs: the challenge says how to authenticate.
        given().auth().preemptive().basic("nope", "").contentType(ContentType.JSON).body(Events.pageView("a"))
                .when().post("/v1/events")
                .then().statusCode(401).header("WWW-Authenticate", equalTo("Basic realm=\"clickstream\""));
        // A browser would answer a challenge with a login dialog for the site's visitor (RevokedKeyBrowserTest).
        given().auth().preemptive().basic("nope", "").header("Sec-Fetch-Mode", "cors").contentType(ContentType.JSON)
                .body(Events.pageView("a")).when().post("/v1/events")
                .then().statusCode(401).header("WWW-Authenticate", nullValue());
        given().auth().preemptive().basic("nope", "").header("Origin", "http://shop.example").contentType(ContentType.JSON)
                .body(Events.pageView("a")).when().post("/v1/events")
                .then().statusCode(401).header("WWW-Authenticate", nullValue());
        given().queryParam("writeKey", "nope").contentType(ContentType.TEXT).body(Events.pageView("a"))
                .when().post("/v1/events")
                .then().statusCode(401).header("WWW-Authenticate", nullValue());
    }

    @Test
    void unsupportedMediaTypeIs415() {
        given().contentType("application/xml").queryParam("writeKey", "demo-write-key").body("<event/>")
                .when().post("/v1/events")
                .then().statusCode(415).body("errors[0].reason", equalTo("unsupported_media_type"));
    }

    @Test
    void malformedJsonIs400AndKeptAsADeadLetter() {
        String marker = "broken-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body("{\"event_type\": \"" + marker)
                .when().post("/v1/events")
                .then().statusCode(400).body("errors[0].reason", equalTo("malformed_json"));
        List<Record> letters = TopicReader.readUntil(Topics.DEAD_LETTERS, WAIT,
                all -> all.stream().anyMatch(r -> r.value().path("payload").asText().contains(marker)));
        assertThat(letters).anySatisfy(r -> {
            assertThat(r.value().get("payload").asText()).isEqualTo("{\"event_type\": \"" + marker);
            assertThat(r.value().get("reason").asText()).isEqualTo("malformed_json");
        });
    }

    @Test
    void aDeadLetterCutInsideAnAddressKeepsNoPartOfTheRawAddress() {
        String marker = "cut-" + UUID.randomUUID();
        String head = "[{\"event_type\":\"" + marker + "\",\"pad\":\"";
        String member = "\",\"context\":{\"ip\":\"198.51.100.77\"}";
        // the cut at 65,536 characters falls inside the address's last byte: 198.51.100.7|7
        String body = head + "x".repeat(65_536 - head.length() - member.indexOf("198") - 12) + member + ",oops";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(body)
                .when().post("/v1/events")
                .then().statusCode(400).body("errors[0].reason", equalTo("malformed_json"));
        String payload = deadLetterPayload(marker);
        assertThat(payload).hasSize(65_536).startsWith(head).endsWith("\"ip\":\"198.51.100.0").doesNotContain("198.51.100.7");
    }

    /** The payload of the dead letter that holds {@code marker}, once it is in the topic. */
    private static String deadLetterPayload(String marker) {
        return TopicReader.readUntil(Topics.DEAD_LETTERS, WAIT,
                        all -> all.stream().anyMatch(r -> r.value().path("payload").asText().contains(marker)))
                .stream().map(r -> r.value().path("payload").asText()).filter(p -> p.contains(marker)).findFirst().orElseThrow();
    }

    @Test
    void aRefusedBodyWithALongAddressIsAnsweredWithItsReasonAndKept() {
        String marker = "long-ip-" + UUID.randomUUID();
        String body = "{\"event_type\":\"" + marker + "\",\"context\":{\"ip\":\"" + "1".repeat(20_000) + "\"}";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(body)
                .when().post("/v1/events")
                .then().statusCode(400).body("errors[0].reason", equalTo("malformed_json"));
        String payload = deadLetterPayload(marker);
        assertThat(payload).isEqualTo("{\"event_type\":\"" + marker + "\",\"context\":{\"ip\":null}");
    }

    @Test
    void eventsAfterTheFirstJsonValueRefuseTheWholeBodyInsteadOfBeingDropped() {
        String marker = "ndjson-" + UUID.randomUUID();
        String body = Events.pageView(marker + "-1") + "\n" + Events.pageView(marker + "-2") + "\n";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(body)
                .when().post("/v1/events")
                .then().statusCode(400).body("errors[0].reason", equalTo("malformed_json"))
                .body("message", containsString("content after the first value"));
        List<Record> letters = TopicReader.readUntil(Topics.DEAD_LETTERS, WAIT,
                all -> all.stream().anyMatch(r -> r.value().path("payload").asText().contains(marker)));
        assertThat(letters).anySatisfy(r -> {
            assertThat(r.value().get("payload").asText()).isEqualTo(body);
            assertThat(r.value().get("reason").asText()).isEqualTo("malformed_json");
        });
    }

    @Test
    void aUserAgentHeaderLongerThanTheContractAllowsIsCutNotRefused() {
        String anon = "anon-" + UUID.randomUUID();
        String header = "Mozilla/5.0 (Linux; Android 14) InApp/" + "x".repeat(600);
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").header("User-Agent", header)
                .body(Events.pageView(anon))
                .when().post("/v1/events").then().statusCode(202);
        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
        assertThat(e.at("/context/user_agent").asText()).isEqualTo(header.substring(0, 512));
    }

    @Test
    void emptyBodyIs400() {
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body("  ")
                .when().post("/v1/events").then().statusCode(400).body("errors[0].reason", equalTo("empty_body"));
    }

    @Test
    void bodyOverTheLimitIs413() {
        String big = "[" + String.join(",", java.util.Collections.nCopies(2100, Events.pageView("big"))) + "]";
        assertThat(big.length()).isGreaterThan(512_000);
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(big)
                .when().post("/v1/events").then().statusCode(413).body("errors[0].reason", equalTo("body_too_large"));
    }

    @Test
    void aBodyFarOverTheLimitIsRefusedWithAReasonAndCounted() {
        // Bodies past twice the limit are not even read: refused while they arrive (the HTTP layer's own limit included).
        for (int size : new int[] {1_030_000, 1_200_000}) {
            double before = rejectedBodyTooLarge();
            String huge = "[\"" + "x".repeat(size) + "\"]";
            given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(huge)
                    .when().post("/v1/events")
                    .then().statusCode(413).body("errors[0].reason", equalTo("body_too_large"))
                    .body("message", containsString("limit of 512000"));
            assertThat(rejectedBodyTooLarge()).as("counted, body of %d bytes", size).isEqualTo(before + 1);
        }
    }

    private static double rejectedBodyTooLarge() {
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        String series = "clickstream_gateway_events_rejected_total{reason=\"body_too_large\",site=\"demo\"}";
        return io.clickstream.gateway.support.MetricsText.countOrZero(metrics, series);
    }

    /** A client that sends its headers and then trickles its body gets 408 at the deadline, and its connection closed. */
    @Test
    void aBodyThatDoesNotArriveInTimeIs408AndTheConnectionIsClosed() throws Exception {
        assertThat(slowUpload(true)).startsWith("HTTP/1.1 408").contains("\"reason\":\"body_timeout\"")
                .containsIgnoringCase("connection: close");
    }

    /** The same for one that sends its headers and part of the body, then nothing more. */
    @Test
    void aBodyThatStopsComingIs408AndTheConnectionIsClosed() throws Exception {
        assertThat(slowUpload(false)).startsWith("HTTP/1.1 408").contains("\"reason\":\"body_timeout\"");
    }

    /** The gateway's whole answer to a body of which 15 of 1,000 bytes came, then a byte a second or nothing. */
    private static String slowUpload(boolean trickle) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/events?writeKey=demo-write-key HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 1000\r\n\r\n[{\"event_type\":").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            // Each byte well within the idle timeout: only the body's deadline (3 s in tests) ends it.
            InputStream in = socket.getInputStream();
            for (int i = 0; trickle && i < 6 && in.available() == 0; i++) {
                Thread.sleep(1_000);
                try {
                    out.write(' ');
                    out.flush();
                } catch (java.io.IOException closed) {
                    break;
                }
            }
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8); // to the end: the gateway closed it
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
            return answer;
        }
    }

    @Test
    void tooManyEventsIs413() {
        String many = "[" + String.join(",", java.util.Collections.nCopies(2501, "{}")) + "]";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(many)
                .when().post("/v1/events").then().statusCode(413).body("errors[0].reason", equalTo("too_many_events"));
    }

    @Test
    void anEventOverTheEventLimitIs413() {
        String event = Events.pageView("anon-large").replace("\"title\":\"Mug\"", "\"title\":\"" + "x".repeat(33_000) + "\"");
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(event)
                .when().post("/v1/events").then().statusCode(413).body("errors[0].reason", equalTo("event_too_large"));
    }

    @Test
    void tooDeepJsonIsRefusedWhileParsing() {
        String deep = "{\"properties\":{\"a\":" + "[".repeat(50) + "]".repeat(50) + "}}";
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(deep)
                .when().post("/v1/events").then().statusCode(400).body("errors[0].reason", equalTo("malformed_json"))
                .body("message", containsString("nesting depth"));
    }

    @Test
    void corsAnswersPreflightsOnlyForAllowedOriginsAndTheSiteChecksItsOwn() {
        given().header("Origin", "https://shop.example").header("Access-Control-Request-Method", "POST")
                .when().options("/v1/events")
                .then().statusCode(204).header("Access-Control-Allow-Origin", "https://shop.example");
        // Origin not allowed for the 'shop' site: refused, even though 'demo' (allows '*') makes CORS answer.
        given().header("Origin", "https://evil.example").contentType(ContentType.JSON)
                .queryParam("writeKey", "shop-write-key").body(Events.pageView("x").replace("\"demo\"", "\"shop\""))
                .when().post("/v1/events").then().statusCode(403).body("errors[0].reason", equalTo("origin_not_allowed"));
        given().header("Origin", "https://shop.example").contentType(ContentType.JSON)
                .queryParam("writeKey", "shop-write-key").body(Events.pageView("x").replace("\"demo\"", "\"shop\""))
                .when().post("/v1/events").then().statusCode(202)
                .header("Access-Control-Allow-Origin", "https://shop.example");
    }

    @Test
    void corsAllowsTheHeadersSdksAddToTheirRequests() {
        // analytics.js 2.0 adds X-Retry-Count to each retry; RudderStack's browser SDK AnonymousId and SentAt always.
        given().header("Origin", "https://shop.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "anonymousid,authorization,content-type,sentat,x-retry-count")
                .when().options("/v1/t")
                .then().statusCode(204)
                .header("Access-Control-Allow-Headers", containsString("anonymousid,authorization,content-type,sentat,x-retry-count"));
        // Anything but a list of header names is not echoed.
        given().header("Origin", "https://shop.example").header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "x-a;b=<c>")
                .when().options("/v1/t")
                .then().statusCode(204).header("Access-Control-Allow-Headers", equalTo("Content-Type, Authorization, X-Write-Key"));
    }
}
