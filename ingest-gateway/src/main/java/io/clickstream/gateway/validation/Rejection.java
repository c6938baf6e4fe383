package io.clickstream.gateway.validation;

/** A refused event (or request) with a message a developer can act on. */
public record Rejection(RejectReason reason, String message) {

    public static Rejection of(RejectReason reason, String message) {
        return new Rejection(reason, message);
    }
}
