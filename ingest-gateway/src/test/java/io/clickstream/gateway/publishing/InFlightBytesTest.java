package io.clickstream.gateway.publishing;

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
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/**
 * The bytes waiting for Kafka are bounded as well as their count: a slow Kafka with large events would otherwise hold
 * them in the heap. Here the budget is a few events' worth, so one batch passes it.
 */
@QuarkusTest
@TestProfile(InFlightBytesTest.SmallBudget.class)
class InFlightBytesTest {

    public static class SmallBudget implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("clickstream.kafka.max-in-flight-bytes", "3000");
        }
    }

    @Test
    void aRequestPastTheBudgetGets503AtOnceAndSendsNoMoreOfItsEvents() {
        String anon = "budget-" + UUID.randomUUID();
        String now = Instant.now().toString();
        String batch = IntStream.range(0, 20).mapToObj(i -> Events.pageView(UUID.randomUUID().toString(), anon, now))
                .collect(Collectors.joining(",", "[", "]"));
        given().contentType(ContentType.JSON).header("X-Write-Key", "demo-write-key").body(batch)
                .when().post("/v1/events")
                .then().statusCode(503).header("Retry-After", notNullValue()).body("errors[0].reason", equalTo("unavailable"));
        // What went out before the budget ran out reaches Kafka (the client sends the batch again, with the same ids);
        // the events after it were never sent.
        var records = TopicReader.readUntil(Topics.EVENTS, Duration.ofSeconds(5), all -> false).stream()
                .filter(r -> anon.equals(r.value().path("anonymous_id").asText())).toList();
        assertThat(records).hasSizeLessThan(10);

        // Refused again and again, the requests hand back all they took of the budget: a byte kept by each would have
        // used it up within these rounds, and the request after them would get a 503 too.
        for (int round = 0; round < 8; round++) {
            given().contentType(ContentType.JSON).header("X-Write-Key", "demo-write-key").body(batch)
                    .when().post("/v1/events").then().statusCode(503);
        }
        // The budget is back once Kafka acknowledged: a request within it is taken.
        given().contentType(ContentType.JSON).header("X-Write-Key", "demo-write-key").body(Events.pageView(anon))
                .when().post("/v1/events")
                .then().statusCode(202).body("accepted", equalTo(1));
        assertThat(MetricsText.value(given().get("/q/metrics").asString(), "clickstream_gateway_kafka_inflight_sends"))
                .isZero();
    }
}
