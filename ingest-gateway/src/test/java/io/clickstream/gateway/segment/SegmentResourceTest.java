package io.clickstream.gateway.segment;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Payloads as Segment's analytics.js / analytics-node send them. */
@QuarkusTest
class SegmentResourceTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aBatchFromASegmentSdkMapsToCanonicalEventsWithWriteKeyInTheBody() {
        String anon = "seg-" + UUID.randomUUID();
        String now = Instant.now().toString();
        String viewId = UUID.randomUUID().toString();
        String batch = """
                {"writeKey":"demo-write-key","sentAt":"%2$s","batch":[
                  {"type":"page","messageId":"ajs-next-1700000000000-%1$s","anonymousId":"%1$s","timestamp":"%2$s","name":"Home",
                   "properties":{"url":"https://shop.example/?utm_source=ads","path":"/","title":"Home","referrer":""},
                   "context":{"userAgent":"Mozilla/5.0 (Macintosh) Safari/605.1.15","locale":"en-US","timezone":"Europe/Berlin",
                              "screen":{"width":1440,"height":900},"library":{"name":"analytics.js","version":"next-1.53.0"}}},
                  {"type":"track","event":"Product Viewed","messageId":"%3$s","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"product_id":"507f1f77","sku":"G-32","category":"Games","name":"Monopoly","price":18.99,"quantity":1}},
                  {"type":"track","event":"Order Completed","messageId":"m-3","anonymousId":"%1$s","userId":"u-42","timestamp":"%2$s",
                   "properties":{"order_id":"50314b8e","total":27.50,"revenue":25.00,"currency":"USD","coupon":"hasbros",
                     "products":[{"product_id":"507f1f77","sku":"45790-32","name":"Monopoly","price":19,"quantity":1,"category":"Games"},
                                 {"product_id":"505bd76785","name":"Uno","price":3,"quantity":2,"category":"Games"}]}},
                  {"type":"identify","messageId":"m-4","anonymousId":"%1$s","userId":"u-42","timestamp":"%2$s","traits":{"plan":"pro"}},
                  {"type":"track","event":"Signed Up","messageId":"m-5","anonymousId":"%1$s","timestamp":"%2$s","properties":{"plan":"pro"}},
                  {"type":"track","messageId":"m-6","anonymousId":"%1$s","timestamp":"%2$s"}
                ]}""".formatted(anon, now, viewId);
        given().contentType(ContentType.JSON).body(batch).when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(5)).body("rejected", equalTo(1))
                .body("errors[0].index", equalTo(5)).body("errors[0].reason", equalTo("unmappable_message"));

        List<JsonNode> events = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 5, WAIT)
                .stream().map(TopicReader.Record::value).toList();
        assertThat(events).extracting(e -> e.get("event_type").asText())
                .containsExactly("page_view", "product_view", "purchase", "identify", "signed_up");
        JsonNode page = events.get(0);
        assertThat(page.at("/page/url").asText()).isEqualTo("https://shop.example/?utm_source=ads");
        assertThat(page.at("/context/user_agent").asText()).contains("Safari");
        assertThat(page.at("/context/screen/width").asInt()).isEqualTo(1440);
        assertThat(page.at("/context/library/name").asText()).isEqualTo("analytics.js");
        assertThat(page.at("/properties/name").asText()).isEqualTo("Home");
        // A non-UUID messageId becomes a stable name-based UUID: a retried message dedups in silver.
        assertThat(page.get("event_id").asText())
                .isEqualTo(SegmentMapper.eventId("demo", "ajs-next-1700000000000-" + anon));
        assertThat(events.get(1).get("event_id").asText()).isEqualTo(viewId);
        assertThat(events.get(1).at("/commerce/products/0/sku").asText()).isEqualTo("G-32");
        JsonNode order = events.get(2);
        assertThat(order.get("user_id").asText()).isEqualTo("u-42");
        assertThat(order.at("/commerce/order_id").asText()).isEqualTo("50314b8e");
        assertThat(order.at("/commerce/revenue").decimalValue()).isEqualByComparingTo("25.00");
        assertThat(order.at("/commerce/currency").asText()).isEqualTo("USD");
        assertThat(order.at("/commerce/products/1/sku").asText()).isEqualTo("505bd76785"); // product_id when no sku
        assertThat(order.at("/commerce/products/1/quantity").asInt()).isEqualTo(2);
        assertThat(order.at("/properties/coupon").asText()).isEqualTo("hasbros");
        assertThat(events.get(3).at("/properties/plan").asText()).isEqualTo("pro");
        assertThat(events.get(4).at("/properties/event_name").asText()).isEqualTo("Signed Up");
    }

    @Test
    void nativeAppsKeepTheirOsDeviceAndAppButNotTheirDeviceIds() {
        String android = "and-" + UUID.randomUUID();
        String ios = "ios-" + UUID.randomUUID();
        String now = Instant.now().toString();
        // As analytics-kotlin (Android) and analytics-swift (iOS) send them: Android's app build is a number.
        String batch = """
                {"sentAt":"%3$s","batch":[
                  {"type":"screen","name":"Cart","messageId":"%4$s","anonymousId":"%1$s","timestamp":"%3$s",
                   "context":{"app":{"name":"Shop","version":"3.2.0","namespace":"com.example.shop","build":412},
                              "device":{"id":"8d5e6a91-android-device-id","manufacturer":"Google","model":"Pixel 8","name":"shiba",
                                        "type":"android","advertisingId":"38400000-8cf0-11bd-b23e-10b96e40000d","adTrackingEnabled":true},
                              "os":{"name":"Android","version":"14"},"network":{"wifi":true,"carrier":"T-Mobile"},
                              "screen":{"width":1080,"height":2400,"density":2.625},"locale":"en-US","timezone":"America/New_York",
                              "userAgent":"Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP1A.240405.002)",
                              "library":{"name":"analytics-kotlin","version":"1.16.0"}}},
                  {"type":"track","event":"Product Added","messageId":"%5$s","anonymousId":"%2$s","timestamp":"%3$s",
                   "properties":{"product_id":"sku-1","price":9.5,"quantity":1},
                   "context":{"app":{"name":"Shop","version":"3.2.0","build":"412"},
                              "device":{"id":"E621E1F8-C36C-495A-93FC-0C247A3E6E5F","manufacturer":"Apple","model":"iPhone15,2","type":"ios"},
                              "os":{"name":"iOS","version":"17.4.1"},"library":{"name":"analytics-swift","version":"1.5.0"}}}
                ]}""".formatted(android, ios, now, UUID.randomUUID(), UUID.randomUUID());
        given().contentType(ContentType.JSON).auth().preemptive().basic("demo-write-key", "").body(batch)
                .when().post("/v1/batch").then().statusCode(200).body("accepted", equalTo(2));

        JsonNode screen = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", android, 1, WAIT).get(0).value();
        assertThat(screen.get("event_type").asText()).isEqualTo("screen_view");
        assertThat(screen.at("/context/os").toString()).isEqualTo("{\"name\":\"Android\",\"version\":\"14\"}");
        assertThat(screen.at("/context/device").toString())
                .isEqualTo("{\"type\":\"android\",\"manufacturer\":\"Google\",\"model\":\"Pixel 8\"}");
        assertThat(screen.at("/context/app").toString()).isEqualTo("{\"name\":\"Shop\",\"version\":\"3.2.0\",\"build\":\"412\"}");
        JsonNode added = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", ios, 1, WAIT).get(0).value();
        assertThat(added.get("event_type").asText()).isEqualTo("add_to_cart");
        assertThat(added.at("/context/os/version").asText()).isEqualTo("17.4.1");
        assertThat(added.at("/context/device/model").asText()).isEqualTo("iPhone15,2");
        assertThat(added.at("/context/user_agent").isMissingNode()).isTrue();
        // ids that follow a person across apps are not kept
        assertThat(screen.toString()).doesNotContain("8d5e6a91", "38400000", "shiba");
        assertThat(added.toString()).doesNotContain("E621E1F8");
    }

    @Test
    void aMessageWithAnAmountOutOfRangeIsRefusedAndTheRestOfTheBatchAccepted() {
        String anon = "seg-" + UUID.randomUUID();
        String now = Instant.now().toString();
        String batch = """
                {"writeKey":"demo-write-key","batch":[
                  {"type":"track","event":"Order Completed","messageId":"%3$s","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"order_id":"o-1","revenue":1e400,"currency":"USD"}},
                  {"type":"track","event":"Product Added","messageId":"%4$s","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"sku":"s-1","price":-1e999}},
                  {"type":"track","event":"Signed Up","messageId":"%5$s","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"score":1e400}},
                  {"type":"page","messageId":"%6$s","anonymousId":"%1$s","timestamp":"%2$s","properties":{"path":"/"}}
                ]}""".formatted(anon, now, UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
        given().contentType(ContentType.JSON).body(batch).when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(1)).body("rejected", equalTo(3))
                .body("errors.index", contains(0, 1, 2))
                .body("errors.reason", contains("unmappable_message", "unmappable_message", "invalid_event"));

        assertThat(TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, WAIT))
                .extracting(r -> r.value().get("event_type").asText()).containsExactly("page_view");
    }

    @Test
    void anAddressNamedInARefusedPayloadIsKeptOnlyAsTheGatewayKeepsAddresses() {
        // Server-side sources name the end user's address in context.ip; refused payloads are kept as dead letters.
        String anon = "seg-ip-" + UUID.randomUUID();
        String batch = """
                {"writeKey":"demo-write-key","batch":[
                  {"type":"track","messageId":"m-ip-1","anonymousId":"%1$s","context":{"ip":"203.0.113.77","userAgent":"x"}},
                  {"type":"track","messageId":"m-ip-2","anonymousId":"%1$s","context":{"ip":"2001:db8:85a3:8d3:1319:8a2e:370:7348"}},
                  {"type":"track","messageId":"m-ip-3","anonymousId":"%1$s","context":{"ip":"\\u0031.2.3.4"}}
                ]}""".formatted(anon);
        // Each message refused on its own and kept: 200, as Segment answers, so that no SDK sends it again.
        given().contentType(ContentType.JSON).body(batch).when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(0)).body("rejected", equalTo(3));
        // A body that is not JSON at all is kept as received, addresses aside.
        String broken = """
                {"batch":[{"type":"track","anonymousId":"%1$s","context":{"ip" : "198.51.100.23"},"properties":{"ip":"\\u0031.2.3.4"}}""".formatted(anon);
        given().contentType(ContentType.JSON).auth().preemptive().basic("demo-write-key", "").body(broken).when().post("/v1/batch")
                .then().statusCode(400).body("errors[0].reason", equalTo("malformed_json"));

        List<String> payloads = TopicReader.readUntil(Topics.DEAD_LETTERS, WAIT,
                        all -> all.stream().filter(r -> r.value().path("payload").asText().contains(anon)).count() >= 4)
                .stream().map(r -> r.value().path("payload").asText()).filter(p -> p.contains(anon)).toList();
        assertThat(payloads).hasSize(4);
        String all = String.join("\n", payloads);
        assertThat(all).contains("\"ip\":\"203.0.113.0\"", "\"ip\":\"2001:db8:85a3:0:0:0:0:0\"", "\"ip\":\"1.2.3.0\"",
                        "\"ip\" : \"198.51.100.0\"", "\"ip\":null")
                .doesNotContain("203.0.113.77", "7348", "198.51.100.23", "u0031");
    }

    @Test
    void theEndUsersAddressASenderNamesIsKeptInsteadOfTheConnectionsAsAddressesAreKept() {
        // A server-side source (analytics-node, RudderStack's server SDKs) connects from its own server and names the
        // end user's address in context.ip: the message's own, else the batch's.
        String anon = "seg-named-ip-" + UUID.randomUUID();
        String batch = """
                {"writeKey":"demo-write-key","context":{"ip":"198.51.100.23"},"batch":[
                  {"type":"track","event":"Own","messageId":"%1$s-1","anonymousId":"%1$s","context":{"ip":"203.0.113.77"}},
                  {"type":"track","event":"V6","messageId":"%1$s-2","anonymousId":"%1$s","context":{"ip":"2001:db8:85a3:8d3:1319:8a2e:370:7348"}},
                  {"type":"track","event":"Shared","messageId":"%1$s-3","anonymousId":"%1$s"},
                  {"type":"track","event":"Not An Address","messageId":"%1$s-4","anonymousId":"%1$s","context":{"ip":"cafe"}}
                ]}""".formatted(anon);
        given().contentType(ContentType.JSON).body(batch).when().post("/v1/batch")
                .then().statusCode(200).body("accepted", equalTo(4));
        given().contentType(ContentType.JSON).auth().preemptive().basic("demo-write-key", "")
                .body("""
                        {"event":"Plain","messageId":"%1$s-5","anonymousId":"%1$s"}""".formatted(anon))
                .when().post("/v1/track").then().statusCode(200);

        List<JsonNode> events = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 5, WAIT)
                .stream().map(TopicReader.Record::value).toList();
        assertThat(events).extracting(e -> e.at("/properties/event_name").asText() + " " + e.at("/context/ip").asText())
                .containsExactly("Own 203.0.113.0", "V6 2001:db8:85a3:0:0:0:0:0", "Shared 198.51.100.0",
                        // no address: the connection's, as for any call that names none
                        "Not An Address 127.0.0.0", "Plain 127.0.0.0");
    }

    @Test
    void rudderStacksBrowserSdkCallsWithAnEmptyUserIdAndTraitsInTheContextAreKept() {
        String anon = "rs-" + UUID.randomUUID();
        given().contentType("application/json;charset=UTF-8").auth().preemptive().basic("demo-write-key", "")
                .body("""
                        {"type":"track","event":"Signed Up","anonymousId":"%s","userId":"","channel":"web",
                         "messageId":"%s","originalTimestamp":"%s","properties":{"plan":"pro"},
                         "context":{"app":{"build":"1.0.0","name":"RudderLabs JavaScript SDK","namespace":"com.rudderlabs.javascript",
                                           "version":"3.11.0"},
                                    "library":{"name":"RudderLabs JavaScript SDK","version":"3.11.0"},"os":{"name":"","version":""},
                                    "userAgent":"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/131.0 Safari/537.36"}}"""
                        .formatted(anon, UUID.randomUUID(), Instant.now()))
                .when().post("/v1/track").then().statusCode(200).body("accepted", equalTo(1));
        given().contentType("application/json;charset=UTF-8").auth().preemptive().basic("demo-write-key", "")
                .body("""
                        {"type":"identify","anonymousId":"%s","userId":"u-42","messageId":"%s",
                         "context":{"traits":{"plan":"pro","email":"x@shop.example"}}}""".formatted(anon, UUID.randomUUID()))
                .when().post("/v1/identify").then().statusCode(200).body("accepted", equalTo(1));
        // a group call's properties are the group's traits, never the user's in context.traits
        given().contentType("application/json;charset=UTF-8").auth().preemptive().basic("demo-write-key", "")
                .body("""
                        {"type":"group","groupId":"acme","anonymousId":"%s","userId":"u-42","messageId":"%s","traits":{},
                         "context":{"traits":{"plan":"pro","email":"x@shop.example"}}}""".formatted(anon, UUID.randomUUID()))
                .when().post("/v1/group").then().statusCode(200).body("accepted", equalTo(1));
        List<JsonNode> events = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 3, WAIT)
                .stream().map(TopicReader.Record::value).toList();
        assertThat(events.get(0).has("user_id")).isFalse();
        // the browser SDK's empty OS and its own name as the app describe no native app
        assertThat(events.get(0).get("context").has("os")).isFalse();
        assertThat(events.get(0).get("context").has("app")).isFalse();
        assertThat(events.get(0).at("/context/library/name").asText()).isEqualTo("RudderLabs JavaScript SDK");
        assertThat(events.get(1).get("user_id").asText()).isEqualTo("u-42");
        assertThat(events.get(1).at("/properties/plan").asText()).isEqualTo("pro");
        assertThat(events.get(2).at("/properties/group_id").asText()).isEqualTo("acme");
        assertThat(events.get(2).at("/properties").has("email")).isFalse();
    }

    @Test
    void batchesPostedToTheImportPathAndToRudderStacksBeaconPathAreAccepted() {
        String anon = "paths-" + UUID.randomUUID();
        String batch = """
                {"writeKey":"demo-write-key","batch":[{"type":"track","event":"Product Viewed","messageId":"%s",
                  "anonymousId":"%s","properties":{"sku":"G-32"}}]}""";
        // Segment's Java SDK posts to /v1/import/, its Ruby SDK to /v1/import
        for (String path : List.of("/v1/import/", "/v1/import")) {
            given().contentType("application/json; charset=utf-8").body(batch.formatted(UUID.randomUUID(), anon))
                    .when().post(path).then().statusCode(200).body("accepted", equalTo(1));
        }
        given().contentType("text/plain;charset=UTF-8").queryParam("writeKey", "demo-write-key")
                .body(batch.formatted(UUID.randomUUID(), anon).replace("\"writeKey\":\"demo-write-key\",", ""))
                .when().post("/beacon/v1/batch").then().statusCode(200).body("accepted", equalTo(1));
        assertThat(TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 3, WAIT)).hasSize(3);
    }

    @Test
    void singleTrackWithBasicAuthAndUserIdOnly() {
        String user = "user-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).auth().preemptive().basic("demo-write-key", "")
                .body("{\"userId\":\"" + user + "\",\"event\":\"Product Added\",\"timestamp\":\"" + Instant.now()
                        + "\",\"properties\":{\"sku\":\"S-1\",\"price\":5,\"quantity\":3}}")
                .when().post("/v1/track").then().statusCode(200).body("accepted", equalTo(1));
        JsonNode e = TopicReader.awaitMatching(Topics.EVENTS, "user_id", user, 1, WAIT).get(0).value();
        assertThat(e.get("event_type").asText()).isEqualTo("add_to_cart");
        assertThat(e.get("anonymous_id").asText()).isEqualTo(user);
        assertThat(e.at("/commerce/products/0/quantity").asInt()).isEqualTo(3);
    }

    @Test
    void overLongTextIsCutToFitAndOlderShapesOfAnOrderAreUnderstood() {
        String anon = "seg-" + UUID.randomUUID();
        String now = Instant.now().toString();
        String url = "https://shop.example/search?q=" + "x".repeat(3_000);
        String batch = """
                {"writeKey":"demo-write-key","sentAt":"%2$s","batch":[
                  {"type":"page","messageId":"p-1","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"url":"%3$s","title":"%4$s"},"context":{"library":{"name":"analytics.js","version":"%5$s"}}},
                  {"type":"track","event":"Completed Order","messageId":"o-1","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"order_id":"o-1","revenue":"30","currency":"eur",
                     "products":[{"id":"P-1","name":"%6$s","price":10,"quantity":"3"}]}},
                  {"type":"track","event":"Added Product","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"sku":"P-2","currency":"","quantity":1}},
                  {"type":"track","event":"Added Product","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"sku":"P-2","currency":"","quantity":1}},
                  {"type":"track","event":"Viewed Product","messageId":"v-1","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"id":"P-9","name":"Mug"}},
                  {"type":"track","event":"Started Order","messageId":"s-1","anonymousId":"%1$s","timestamp":"%2$s",
                   "properties":{"orderId":"o-9","products":[{"id":"P-9","price":4}]}}
                ]}""".formatted(anon, now, url, "T".repeat(600), "1." + "0".repeat(40), "N".repeat(300));
        // The two Added Product calls have no messageId: two events all the same, and a retry keeps their ids.
        for (int attempt = 0; attempt < 2; attempt++) {
            given().contentType(ContentType.JSON).body(batch).when().post("/v1/batch")
                    .then().statusCode(200).body("accepted", equalTo(6)).body("rejected", equalTo(0));
        }

        List<JsonNode> events = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 12, WAIT)
                .stream().map(TopicReader.Record::value).toList();
        assertThat(events).extracting(e -> e.get("event_type").asText()).containsExactly(
                "page_view", "purchase", "add_to_cart", "add_to_cart", "product_view", "checkout_start",
                "page_view", "purchase", "add_to_cart", "add_to_cart", "product_view", "checkout_start");
        JsonNode page = events.get(0);
        assertThat(page.at("/page/url").asText()).hasSize(2_048).startsWith("https://shop.example/search?q=xxx");
        assertThat(page.at("/page/title").asText()).hasSize(512);
        assertThat(page.at("/context/library/version").asText()).hasSize(32);
        JsonNode order = events.get(1).get("commerce");
        assertThat(order.at("/products/0/sku").asText()).isEqualTo("P-1");
        assertThat(order.at("/products/0/name").asText()).hasSize(256);
        assertThat(order.at("/products/0/quantity").asInt()).isEqualTo(3);
        assertThat(order.get("currency").asText()).isEqualTo("EUR");
        assertThat(order.get("revenue").decimalValue()).isEqualByComparingTo("30");
        JsonNode added = events.get(2);
        assertThat(added.has("commerce") && added.get("commerce").has("currency")).isFalse();
        assertThat(added.at("/properties/currency").asText()).isEmpty();
        assertThat(added.get("event_id").asText()).isNotEqualTo(events.get(3).get("event_id").asText())
                .isEqualTo(events.get(8).get("event_id").asText());
        assertThat(events.get(3).get("event_id").asText()).isEqualTo(events.get(9).get("event_id").asText());
        JsonNode viewed = events.get(4);
        assertThat(viewed.at("/commerce/products/0/sku").asText()).isEqualTo("P-9");
        assertThat(viewed.has("properties") && viewed.get("properties").has("id")).isFalse();
        assertThat(events.get(5).at("/commerce/order_id").asText()).isEqualTo("o-9");
        assertThat(events.get(5).at("/commerce/products/0/sku").asText()).isEqualTo("P-9");
    }

    @Test
    void aBatchFarOverTheLimitIs413WithAReason() {
        String huge = "{\"batch\":[{\"type\":\"track\",\"event\":\"" + "x".repeat(1_200_000) + "\"}]}";
        given().contentType(ContentType.JSON).auth().preemptive().basic("demo-write-key", "").body(huge)
                .when().post("/v1/batch")
                .then().statusCode(413).body("errors[0].reason", equalTo("body_too_large"));
    }

    @Test
    void aBodyOverTheLimitIsNotParsedForItsWriteKey() {
        // Between the limit and twice it the body is read, but not parsed to look for a key: 413, not 401.
        String big = "{\"batch\":[{\"type\":\"track\",\"event\":\"" + "x".repeat(600_000) + "\"}]}";
        given().contentType(ContentType.JSON).body(big).when().post("/v1/batch")
                .then().statusCode(413).body("errors[0].reason", equalTo("body_too_large"));
    }

    @Test
    void withoutAWriteKeyItIs401AndAMissingBatchArrayIs400() {
        given().contentType(ContentType.JSON).body("{\"batch\":[]}").when().post("/v1/batch").then().statusCode(401);
        // code and message, as Segment's errors have them (its Python SDK reads both to give up instead of retrying);
        // "invalid write key" is what RudderStack's Android SDK looks for to stop sending.
        given().contentType(ContentType.JSON).auth().preemptive().basic("no-such-key", "").body("{\"batch\":[]}")
                .when().post("/v1/batch").then().statusCode(401)
                .body("code", equalTo("unauthorized")).body("message", containsString("invalid write key"));
        given().contentType(ContentType.JSON).body("{\"writeKey\":\"demo-write-key\",\"events\":[]}").when().post("/v1/batch")
                .then().statusCode(400).body("errors[0].reason", equalTo("unmappable_message"));
    }

    @Test
    void analyticsJs2PostsToOneLetterPathsAsTextPlain() {
        String anon = "ajs2-" + UUID.randomUUID();
        // As @segment/analytics-next sends them: /v1/<first letter of the type>, text/plain, writeKey in the body,
        // and /v1/b for its batching strategy. No timestamp on the batched one: it happened when sent.
        given().contentType("text/plain").body("""
                        {"type":"page","anonymousId":"%s","writeKey":"demo-write-key","timestamp":"%s","sentAt":"%2$s",
                         "properties":{"url":"https://shop.example/","path":"/","title":"Home"}}""".formatted(anon, Instant.now()))
                .when().post("/v1/p").then().statusCode(200).body("accepted", equalTo(1));
        given().contentType("text/plain").body("""
                        {"type":"track","event":"Product Viewed","anonymousId":"%s","writeKey":"demo-write-key","timestamp":"%s",
                         "sentAt":"%2$s","properties":{"product_id":"p-1","price":3}}""".formatted(anon, Instant.now()))
                .when().post("/v1/t").then().statusCode(200).body("accepted", equalTo(1));
        given().contentType("text/plain").body("""
                        {"writeKey":"demo-write-key","sentAt":"%s","batch":[{"type":"identify","anonymousId":"%s","userId":"u-7"}]}"""
                        .formatted(Instant.now(), anon))
                .when().post("/v1/b").then().statusCode(200).body("accepted", equalTo(1));
        List<JsonNode> events = TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 3, WAIT)
                .stream().map(TopicReader.Record::value).toList();
        assertThat(events).extracting(e -> e.get("event_type").asText())
                .containsExactly("page_view", "product_view", "identify");
        assertThat(events.get(1).at("/commerce/products/0/sku").asText()).isEqualTo("p-1");
        assertThat(Duration.between(Instant.parse(events.get(2).get("event_time").asText()),
                Instant.parse(events.get(2).get("received_at").asText())).abs()).isLessThan(Duration.ofSeconds(1));
    }
}
