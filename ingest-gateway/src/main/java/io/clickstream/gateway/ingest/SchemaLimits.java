package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.contract.EventSchema;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The contract's length limits, for text the gateway maps into an event itself (a request's User-Agent header, a
 * Segment call's page or product fields): cut to fit instead of refusing the whole event for a long URL or title.
 * Identifiers are never cut, since a shortened id would name something else.
 */
public final class SchemaLimits {
    private static final JsonNode SCHEMA = read();

    private SchemaLimits() {
    }

    /** {@code maxLength} of the string field at this JSON pointer of the event schema. */
    public static int maxLength(String fieldPointer) {
        int limit = SCHEMA.at(fieldPointer + "/maxLength").asInt();
        if (limit <= 0) {
            throw new IllegalStateException("the event schema sets no maxLength at " + fieldPointer);
        }
        return limit;
    }

    /** The value cut to {@code max} characters, never between the two halves of a surrogate pair. */
    public static String cut(String value, int max) {
        if (value == null || value.length() <= max) {
            return value;
        }
        int end = Character.isHighSurrogate(value.charAt(max - 1)) ? max - 1 : max;
        return value.substring(0, end);
    }

    private static JsonNode read() {
        try {
            return new ObjectMapper().readTree(EventSchema.text());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
