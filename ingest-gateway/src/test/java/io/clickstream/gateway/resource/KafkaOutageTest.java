package io.clickstream.gateway.resource;

import io.clickstream.contract.Topics;
import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.LocalKafkaResource;
import io.clickstream.gateway.support.TopicReader;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/**
 * Kafka goes away mid-test: requests get a bounded 503 with Retry-After, readiness goes down, and both the events and
 * the dead-letter paths recover by themselves.
 */
@QuarkusTest
class KafkaOutageTest {

    @Test
    void answers503WithinTheTimeoutWhileKafkaIsDownAndRecoversByItself() {
        String anon = "anon-" + UUID.randomUUID();
        send(anon).then().statusCode(202);
        given().when().get("/q/health/ready").then().statusCode(200);

        String marker = "outage-" + UUID.randomUUID();
        String invalid = "{\"event_type\":\"page_view\",\"properties\":{\"marker\":\"" + marker + "\"}}";
        double rejectedBefore = rejectedInvalid();
        LocalKafkaResource.broker().stop();
        try {
            long start = System.nanoTime();
            Response down = send(anon);
            long tookMs = Duration.ofNanos(System.nanoTime() - start).toMillis();
            down.then().statusCode(503).header("Retry-After", "2").body("errors[0].reason", equalTo("unavailable"));
            // publish-timeout is 3 s in tests: no request hangs on a dead broker.
            assertThat(tookMs).isLessThan(8_000);
            awaitStatus("/q/health/ready", 503, Duration.ofSeconds(15));
            // An invalid event cannot be kept as a dead letter either: 503, so the client sends it again later.
            sendInvalid(invalid).then().statusCode(503);
        } finally {
            LocalKafkaResource.broker().start();
        }

        // Recovery needs no restart of the gateway: keep sending until Kafka takes events again.
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        int status = 0;
        while (System.nanoTime() < deadline && status != 202) {
            status = send(anon).statusCode();
        }
        assertThat(status).isEqualTo(202);
        awaitStatus("/q/health/ready", 200, Duration.ofSeconds(30));
        assertThat(TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 2, Duration.ofSeconds(30)))
                .hasSizeGreaterThanOrEqualTo(2);

        // The dead-letter producer recovers too: the invalid event is refused with 400 now, and kept.
        while (System.nanoTime() < deadline && status != 400) {
            status = sendInvalid(invalid).statusCode();
        }
        assertThat(status).isEqualTo(400);
        assertThat(rejectedInvalid()).as("refused once, however many times it was sent").isEqualTo(rejectedBefore + 1);
        assertThat(TopicReader.readUntil(Topics.DEAD_LETTERS, Duration.ofSeconds(30),
                all -> all.stream().anyMatch(r -> r.value().path("payload").asText().contains(marker))))
                .anySatisfy(r -> assertThat(r.value().path("payload").asText()).contains(marker));
        assertThat(io.clickstream.gateway.support.MetricsText.value(
                given().when().get("/q/metrics").then().statusCode(200).extract().asString(),
                "clickstream_gateway_unavailable_total{route=\"events\"}")).isGreaterThanOrEqualTo(1);
    }

    private static Response sendInvalid(String body) {
        return given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(body).when().post("/v1/events");
    }

    private static double rejectedInvalid() {
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        String series = "clickstream_gateway_events_rejected_total{reason=\"invalid_event\",site=\"demo\"}";
        return io.clickstream.gateway.support.MetricsText.countOrZero(metrics, series);
    }

    private static Response send(String anon) {
        return given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key").body(Events.pageView(anon))
                .when().post("/v1/events");
    }

    private static void awaitStatus(String path, int expected, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int last = -1;
        while (System.nanoTime() < deadline) {
            last = given().when().get(path).statusCode();
            if (last == expected) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertThat(last).as(path + " status").isEqualTo(expected);
    }
}
