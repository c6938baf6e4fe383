package io.clickstream.gateway.ingest;

import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * A request body as it came over the wire and as its events are read: decompressed when the client sent it with a
 * {@code Content-Encoding}. RudderStack's SDKs gzip every batch by default and Segment's server SDKs can; a gateway
 * that read those bytes as JSON would refuse every batch as malformed, and the SDK would drop it.
 *
 * @param wireLength the size sent, which the body size limit applies to
 * @param bytes      what the events are read from: the decoded body, or the body as sent when it was not encoded
 * @param refusal    why the body could not be decoded (then {@link #kept()} keeps it, base64-encoded), or null
 */
public record RequestBody(int wireLength, byte[] bytes, Rejection refusal) {
    private static final byte[] EMPTY = new byte[0];

    public static RequestBody plain(byte[] body) {
        byte[] bytes = body == null ? EMPTY : body;
        return new RequestBody(bytes.length, bytes, null);
    }

    /**
     * {@code wire} decoded as its {@code Content-Encoding} says: none or identity, gzip, or deflate. The decoded body
     * may be at most {@code limit} bytes: decompression stops there, so a small body that inflates to gigabytes costs
     * no more than one that fills the limit.
     */
    public static RequestBody decode(String contentEncoding, byte[] wire, int limit) {
        byte[] bytes = wire == null ? EMPTY : wire;
        String encoding = contentEncoding == null || bytes.length == 0 ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        switch (encoding) {
            case "", "identity" -> {
                return plain(bytes);
            }
            case "gzip", "x-gzip" -> {
                return inflate(bytes, limit, encoding, false);
            }
            case "deflate" -> {
                return inflate(bytes, limit, encoding, true);
            }
            default -> {
                return refused(bytes, Rejection.of(RejectReason.UNSUPPORTED_MEDIA_TYPE, "content encoding "
                        + contentEncoding + " is not supported: send the body uncompressed, or with gzip or deflate"));
            }
        }
    }

    /** The body as a dead letter keeps it: its text, or base64 of the bytes sent when they could not be decoded. */
    public String kept() {
        return refusal == null ? new String(bytes, StandardCharsets.UTF_8) : Base64.getEncoder().encodeToString(bytes);
    }

    private static RequestBody inflate(byte[] wire, int limit, String encoding, boolean deflate) {
        try {
            byte[] decoded;
            try {
                decoded = readAtMost(deflate ? new InflaterInputStream(new ByteArrayInputStream(wire)) : new GZIPInputStream(new ByteArrayInputStream(wire)), limit);
            } catch (ZipException e) {
                if (!deflate) {
                    throw e;
                }
                // HTTP's deflate is a zlib stream, but some clients send raw deflate data without the zlib header.
                decoded = readAtMost(new InflaterInputStream(new ByteArrayInputStream(wire), new Inflater(true)), limit);
            }
            if (decoded == null) {
                return refused(wire, Rejection.of(RejectReason.BODY_TOO_LARGE,
                        "body exceeds the limit of " + limit + " bytes once decompressed"));
            }
            return new RequestBody(wire.length, decoded, null);
        } catch (IOException e) {
            return refused(wire, Rejection.of(RejectReason.MALFORMED_JSON,
                    "body is not valid " + encoding + " data (Content-Encoding: " + encoding + "): " + e.getMessage()));
        }
    }

    /** The stream's bytes, or null when there are more than {@code limit}. */
    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
            byte[] chunk = new byte[8192];
            int total = 0;
            for (int n; (n = in.read(chunk)) > 0; ) {
                total += n;
                if (total > limit) {
                    return null;
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        }
    }

    private static RequestBody refused(byte[] wire, Rejection refusal) {
        return new RequestBody(wire.length, wire, refusal);
    }
}
