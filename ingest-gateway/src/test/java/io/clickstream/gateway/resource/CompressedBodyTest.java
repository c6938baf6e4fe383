package io.clickstream.gateway.resource;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.MetricsText;
import io.clickstream.gateway.support.TopicReader;
import io.clickstream.gateway.support.TopicReader.Record;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Bodies sent with a Content-Encoding, as server SDKs send them (RudderStack's gzip by default). */
@QuarkusTest
class CompressedBodyTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TestHTTPResource("/")
    URL gateway;

    @Test
    void gzipAndDeflateBodiesAreDecompressedAndTheirEventsStored() {
        String gzipped = "gz-" + UUID.randomUUID();
        String zlib = "zlib-" + UUID.randomUUID();
        String rawDeflate = "deflate-" + UUID.randomUUID();
        post("gzip", gzip(Events.pageView(gzipped))).then().statusCode(202).body("accepted", equalTo(1));
        post("deflate", deflate(Events.pageView(zlib), false)).then().statusCode(202).body("accepted", equalTo(1));
        post("deflate", deflate(Events.pageView(rawDeflate), true)).then().statusCode(202).body("accepted", equalTo(1));
        for (String anon : List.of(gzipped, zlib, rawDeflate)) {
            JsonNode event = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value();
            assertThat(event.at("/page/path").asText()).isEqualTo("/p/1");
        }
    }

    @Test
    void aSegmentBatchGzippedWithItsWriteKeyInsideIsAccepted() {
        String anon = "seg-gz-" + UUID.randomUUID();
        String batch = """
                {"writeKey":"demo-write-key","batch":[{"type":"track","event":"Product Viewed","messageId":"%s",
                  "anonymousId":"%s","timestamp":"%s","properties":{"sku":"G-32","price":18.99}}]}"""
                .formatted(UUID.randomUUID(), anon, Instant.now());
        given().contentType(ContentType.JSON).header("Content-Encoding", "gzip").body(gzip(batch))
                .when().post("/v1/batch").then().statusCode(200).body("accepted", equalTo(1));
        assertThat(TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT).get(0).value()
                .get("event_type").asText()).isEqualTo("product_view");
    }

    @Test
    void aSegmentBatchSentAsAFormIsReadAsJsonEvenWithPercentSignsInIt() throws Exception {
        // RudderStack's Node SDK sends its gzipped batches as application/x-www-form-urlencoded. A '%' not followed by
        // two hex digits is no valid form data: read as a form, such a batch was refused without a reason.
        String anon = "seg-form-" + UUID.randomUUID();
        String batch = """
                {"batch":[{"type":"page","messageId":"%s","anonymousId":"%s","timestamp":"%s",
                  "properties":{"url":"https://shop.example/?q=100%%zz","path":"/"}}]}"""
                .formatted(UUID.randomUUID(), anon, Instant.now());
        for (byte[] body : List.of(batch.getBytes(StandardCharsets.UTF_8), gzip(batch))) {
            // RestAssured would encode the body as a form itself: sent as is with the JDK's client.
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(gateway + "v1/batch"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("Authorization", "Basic " + Base64.getEncoder().encodeToString("demo-write-key:".getBytes(StandardCharsets.UTF_8)))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (body[0] != '{') {
                request.header("Content-Encoding", "gzip");
            }
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.body()).contains("\"accepted\":1");
        }
        List<Record> events = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 2, WAIT);
        assertThat(events).allSatisfy(e -> assertThat(e.value().at("/page/url").asText()).isEqualTo("https://shop.example/?q=100%zz"));
    }

    @Test
    void aBodyThatDecompressesPastTheLimitIsRefusedCountedAndKeptDecodedWithAddressesAnonymized() {
        // 2,100 events (~1 MB of JSON) gzip to a few KB: the limit applies to what they decompress to.
        String marker = "bomb-" + UUID.randomUUID();
        String event = Events.pageView(marker).replace("\"page\":", "\"context\":{\"ip\":\"203.0.113.77\"},\"page\":");
        String big = "[" + String.join(",", java.util.Collections.nCopies(2100, event)) + "]";
        byte[] compressed = gzip(big);
        assertThat(compressed.length).isLessThan(64_000);
        double before = rejected("body_too_large");
        post("gzip", compressed).then().statusCode(413).body("errors[0].reason", equalTo("body_too_large"))
                .body("message", containsString("once decompressed"));
        assertThat(rejected("body_too_large")).isEqualTo(before + 1);
        // Kept as the text it decompressed to (its first 65,536 characters), so that its addresses are anonymized.
        String payload = deadLetterWith(marker);
        assertThat(payload).hasSize(65_536).startsWith("[{").contains("\"ip\":\"203.0.113.0\"").doesNotContain("203.0.113.77");
    }

    @Test
    void aBodyThatIsNotValidGzipIsRefusedAndWhatDidDecodeKept() {
        String marker = "broken-" + UUID.randomUUID();
        String events = "[" + String.join(",", java.util.Collections.nCopies(50, Events.pageView(marker))) + "]";
        byte[] whole = gzip(events);
        byte[] broken = Arrays.copyOf(whole, whole.length * 2 / 3);
        post("gzip", broken).then().statusCode(400).body("errors[0].reason", equalTo("malformed_json"))
                .body("message", containsString("not valid gzip data"));
        String payload = deadLetterWith(marker);
        assertThat(events).startsWith(payload);
        assertThat(payload.length()).isLessThan(events.length());
    }

    @Test
    void aGzippedSegmentBatchOfAHundredThousandMessagesIsRefusedBeforeAnyIsMapped() {
        String batch = "{\"batch\":[" + String.join(",", java.util.Collections.nCopies(100_000, "{}")) + "]}";
        byte[] compressed = gzip(batch);
        assertThat(compressed.length).isLessThan(2_000);
        given().contentType(ContentType.JSON).header("Content-Encoding", "gzip").auth().preemptive().basic("demo-write-key", "")
                .body(compressed).when().post("/v1/batch")
                .then().statusCode(413).body("errors[0].reason", equalTo("too_many_events"));
    }

    @Test
    void anEncodingTheGatewayCannotDecodeIs415() {
        double before = rejected("unsupported_media_type");
        post("br", new byte[] {11, 2, -128, 123, 125, 3})
                .then().statusCode(415).body("errors[0].reason", equalTo("unsupported_media_type"))
                .body("message", containsString("content encoding br is not supported"));
        assertThat(rejected("unsupported_media_type")).isEqualTo(before + 1);
    }

    private static String deadLetterWith(String marker) {
        return TopicReader.readUntil(Topics.DEAD_LETTERS, WAIT,
                        all -> all.stream().anyMatch(r -> r.value().path("payload").asText().contains(marker)))
                .stream().map(r -> r.value().path("payload").asText()).filter(p -> p.contains(marker)).findFirst().orElseThrow();
    }

    private static io.restassured.response.Response post(String encoding, byte[] body) {
        return given().contentType(ContentType.JSON).header("Content-Encoding", encoding).queryParam("writeKey", "demo-write-key")
                .body(body).when().post("/v1/events");
    }

    private static double rejected(String reason) {
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        return MetricsText.countOrZero(metrics, "clickstream_gateway_events_rejected_total{reason=\"" + reason + "\",site=\"demo\"}");
    }

    private static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(String text, boolean raw) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (DeflaterOutputStream deflater = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            deflater.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
