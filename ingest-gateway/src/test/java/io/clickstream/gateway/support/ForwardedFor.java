package io.clickstream.gateway.support;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.contract.Topics;
import io.restassured.http.ContentType;

import java.time.Duration;
import java.util.UUID;

import static io.restassured.RestAssured.given;

/** A page view sent with an X-Forwarded-For header, as a proxy in front of the gateway passes it on. */
public final class ForwardedFor {
    private ForwardedFor() {
    }

    /** The event as the gateway published it. */
    public static JsonNode send(String forwardedFor) {
        String anon = "anon-" + UUID.randomUUID();
        given().contentType(ContentType.JSON).queryParam("writeKey", "demo-write-key")
                .header("X-Forwarded-For", forwardedFor)
                .body(Events.pageView(anon))
                .when().post("/v1/events").then().statusCode(202);
        return TopicReader.awaitMatching(Topics.EVENTS, "anonymous_id", anon, 1, Duration.ofSeconds(20)).get(0).value();
    }
}
