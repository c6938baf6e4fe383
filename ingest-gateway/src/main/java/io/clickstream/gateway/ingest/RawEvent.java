package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.gateway.validation.Rejection;

import java.util.function.Supplier;

/**
 * One event of a request before validation: its index in the request, the canonical JSON it maps to, and the raw
 * text to keep if it is refused. An endpoint that could not even map it sets {@code rejection} instead of {@code node}.
 * <p>
 * The raw text is only needed for refused events (their dead letter), so it may be given as a supplier that
 * computes it on first use: accepted events never pay for it.
 * <p>
 * {@code namedIp} is the end user's address as the sender named it (Segment's {@code context.ip}, which server-side
 * sources set because the connection's own address is the server's), still raw: the gateway keeps it only as it keeps
 * any address.
 */
public final class RawEvent {
    private final int index;
    private final JsonNode node;
    private final Rejection rejection;
    private final String namedIp;
    private Supplier<String> rawSupplier;
    private String raw;

    private RawEvent(int index, JsonNode node, String raw, Supplier<String> rawSupplier, Rejection rejection,
                     String namedIp) {
        this.index = index;
        this.node = node;
        this.raw = raw;
        this.rawSupplier = rawSupplier;
        this.rejection = rejection;
        this.namedIp = namedIp;
    }

    public static RawEvent of(int index, JsonNode node, String raw) {
        return new RawEvent(index, node, raw, null, null, null);
    }

    /** {@code raw} must give the same text whenever it is called, whatever happened to {@code node} since. */
    public static RawEvent of(int index, JsonNode node, Supplier<String> raw) {
        return new RawEvent(index, node, null, raw, null, null);
    }

    public static RawEvent refused(int index, String raw, Rejection rejection) {
        return new RawEvent(index, null, raw, null, rejection, null);
    }

    /** This event, with the end user's address its sender named ({@code null}: none, keep the connection's). */
    public RawEvent withNamedIp(String ip) {
        return new RawEvent(index, node, raw, rawSupplier, rejection, ip);
    }

    public String namedIp() {
        return namedIp;
    }

    public int index() {
        return index;
    }

    public JsonNode node() {
        return node;
    }

    public String raw() {
        if (raw == null && rawSupplier != null) {
            raw = rawSupplier.get();
            rawSupplier = null;
        }
        return raw;
    }

    public Rejection rejection() {
        return rejection;
    }

    @Override
    public String toString() {
        return "RawEvent[index=" + index + ", rejection=" + rejection + "]";
    }
}
