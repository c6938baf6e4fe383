package io.clickstream.gateway.ingest;

/**
 * A user agent the gateway puts into an event itself (the request's header, Segment's {@code context.userAgent}) is
 * cut to the contract's limit: some in-app browsers send longer ones, and the whole event would be refused for it.
 */
public final class UserAgents {
    /** {@code maxLength} of {@code context.user_agent} in the event schema. */
    public static final int MAX_LENGTH = SchemaLimits.maxLength("/properties/context/properties/user_agent");

    private UserAgents() {
    }

    public static String bounded(String userAgent) {
        return SchemaLimits.cut(userAgent, MAX_LENGTH);
    }
}
