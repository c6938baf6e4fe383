package io.clickstream.contract;

/** Kafka names shared by the gateway (producer) and the Spark jobs (consumer): defaults, overridable in each one's config. */
public final class Topics {
    /** Accepted events, canonical JSON, keyed by anonymous_id. */
    public static final String EVENTS = "clickstream.events";
    /** Rejected events attributable to a site, as {@link DeadLetter} JSON. */
    public static final String DEAD_LETTERS = "clickstream.events.dlq";

    /** Record headers set by the gateway on every event. */
    public static final String HEADER_SITE_ID = "site_id";
    public static final String HEADER_SCHEMA_VERSION = "schema_version";
    public static final String HEADER_RECEIVED_AT = "received_at";
    public static final String HEADER_REASON = "reason";

    private Topics() {
    }
}
