package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.gateway.validation.Rejection;

/**
 * One event of a request before validation: its index in the request, the canonical JSON it maps to, and the raw
 * text to keep if it is refused. An endpoint that could not even map it sets {@code rejection} instead of {@code node}.
 */
public record RawEvent(int index, JsonNode node, String raw, Rejection rejection) {

    public static RawEvent of(int index, JsonNode node, String raw) {
        return new RawEvent(index, node, raw, null);
    }

    public static RawEvent refused(int index, String raw, Rejection rejection) {
        return new RawEvent(index, null, raw, rejection);
    }
}
