package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.contract.EventSchema;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A user agent the gateway puts into an event itself (the request's header, Segment's {@code context.userAgent}) is
 * cut to the contract's limit: some in-app browsers send longer ones, and the whole event would be refused for it.
 */
public final class UserAgents {
    /** {@code maxLength} of {@code context.user_agent} in the event schema. */
    public static final int MAX_LENGTH = schemaLimit();

    private UserAgents() {
    }

    public static String bounded(String userAgent) {
        return userAgent == null || userAgent.length() <= MAX_LENGTH ? userAgent : userAgent.substring(0, MAX_LENGTH);
    }

    private static int schemaLimit() {
        try {
            int limit = new ObjectMapper().readTree(EventSchema.text())
                    .at("/properties/context/properties/user_agent/maxLength").asInt();
            if (limit <= 0) {
                throw new IllegalStateException("the event schema sets no maxLength for context.user_agent");
            }
            return limit;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
