package io.clickstream.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;

/**
 * A rejected event kept on the dead-letter topic: why it was rejected and the payload exactly as received
 * (as text; at most the gateway's event size limit).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeadLetter(
        @JsonProperty("site_id") String siteId,
        @JsonProperty("reason") String reason,
        @JsonProperty("detail") String detail,
        @JsonProperty("endpoint") String endpoint,
        @JsonProperty("index") Integer index,
        @JsonProperty("received_at") Instant receivedAt,
        @JsonProperty("payload") String payload) {
}
