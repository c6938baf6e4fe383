package io.clickstream.gateway.validation;

import java.util.Locale;

/** Why an event or a request was refused. A bounded set: each is a metric label and an error code for developers. */
public enum RejectReason {
    MALFORMED_URI(400),
    UNAUTHORIZED(401),
    ORIGIN_NOT_ALLOWED(403),
    RATE_LIMITED(429),
    UNSUPPORTED_MEDIA_TYPE(415),
    BODY_TOO_LARGE(413),
    BODY_TIMEOUT(408),
    TOO_MANY_EVENTS(413),
    EMPTY_BODY(400),
    MALFORMED_JSON(400),
    EVENT_TOO_LARGE(413),
    INVALID_EVENT(400),
    SITE_MISMATCH(400),
    TIMESTAMP_OUT_OF_RANGE(400),
    UNMAPPABLE_MESSAGE(400);

    private final int status;

    RejectReason(int status) {
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The code in responses, metrics and dead letters, e.g. {@code invalid_event}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
