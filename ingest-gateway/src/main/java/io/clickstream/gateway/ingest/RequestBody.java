package io.clickstream.gateway.ingest;

import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import java.util.zip.ZipException;

/**
 * A request body as it came over the wire and as its events are read: decompressed when the client sent it with a
 * {@code Content-Encoding}. RudderStack's SDKs gzip every batch by default and Segment's server SDKs can; a gateway
 * that read those bytes as JSON would refuse every batch as malformed, and the SDK would drop it.
 * <p>
 * Decoding waits until the body is first read ({@link #bytes}, {@link #refusal}, {@link #kept}), which
 * {@link IngestService} does only once the request passed its rate limit and its write key was found: half a KB of
 * gzip can inflate to the whole body limit.
 */
public final class RequestBody {
    private static final byte[] EMPTY = new byte[0];

    private final int wireLength;
    private final byte[] wire;
    private final String encoding;
    private final int limit;
    private Decoded decoded;

    /** What the body decoded to: its bytes, or why it could not be (then what did decode, if anything). */
    private record Decoded(byte[] bytes, Rejection refusal) {
    }

    private RequestBody(int wireLength, byte[] wire, String encoding, int limit, Decoded decoded) {
        this.wireLength = wireLength;
        this.wire = wire;
        this.encoding = encoding;
        this.limit = limit;
        this.decoded = decoded;
    }

    /** A body sent as it is. */
    public static RequestBody plain(byte[] body) {
        byte[] bytes = body == null ? EMPTY : body;
        return new RequestBody(bytes.length, bytes, "", 0, new Decoded(bytes, null));
    }

    /** A body of {@code wireLength} bytes sent, kept as {@code kept} (a pixel's base64 data, decoded). */
    public static RequestBody keptAs(int wireLength, byte[] kept) {
        return new RequestBody(wireLength, kept, "", 0, new Decoded(kept, null));
    }

    /**
     * {@code wire}, to be decoded as its {@code Content-Encoding} says: none or identity, gzip, or deflate. The decoded
     * body may be at most {@code limit} bytes: decompression stops there, so a small body that inflates to gigabytes
     * costs no more than one that fills the limit.
     */
    public static RequestBody encoded(String contentEncoding, byte[] wire, int limit) {
        byte[] bytes = wire == null ? EMPTY : wire;
        String encoding = contentEncoding == null || bytes.length == 0 ? "" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        if (encoding.isEmpty() || encoding.equals("identity")) {
            return plain(bytes);
        }
        return new RequestBody(bytes.length, bytes, encoding, limit, null);
    }

    /** The size sent, which the body size limit applies to. */
    public int wireLength() {
        return wireLength;
    }

    /** What the events are read from: the decoded body (empty when it could not be decoded, see {@link #refusal}). */
    public byte[] bytes() {
        return decoded().refusal() == null ? decoded().bytes() : EMPTY;
    }

    /** Why the body could not be decoded, or null. */
    public Rejection refusal() {
        return decoded().refusal();
    }

    /**
     * The body as a dead letter keeps it: as text, decoded. Of a body that could not be decoded, only what did decode
     * (a corrupt stream's start, the first {@code limit} bytes of one too large): the compressed bytes themselves
     * would hide from the address anonymization every {@code "ip"} member in them.
     */
    public String kept() {
        return new String(decoded().bytes(), StandardCharsets.UTF_8);
    }

    private Decoded decoded() {
        if (decoded == null) {
            decoded = decode();
        }
        return decoded;
    }

    private Decoded decode() {
        return switch (encoding) {
            case "gzip", "x-gzip" -> inflate(false);
            case "deflate" -> inflate(true);
            default -> new Decoded(EMPTY, Rejection.of(RejectReason.UNSUPPORTED_MEDIA_TYPE, "content encoding " + encoding
                    + " is not supported: send the body uncompressed, or with gzip or deflate (the payload is not kept)"));
        };
    }

    private Decoded inflate(boolean deflate) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, 64 * 1024));
        try {
            boolean whole;
            if (!deflate) {
                whole = readAtMost(new GZIPInputStream(new ByteArrayInputStream(wire)), out);
            } else {
                try {
                    whole = readAtMost(new InflaterInputStream(new ByteArrayInputStream(wire)), out);
                } catch (ZipException e) {
                    if (out.size() > 0) {
                        throw e;
                    }
                    // HTTP's deflate is a zlib stream, but some clients send raw deflate data without the zlib header.
                    Inflater raw = new Inflater(true);
                    try {
                        whole = readAtMost(new InflaterInputStream(new ByteArrayInputStream(wire), raw), out);
                    } finally {
                        raw.end();
                    }
                }
            }
            if (!whole) {
                return new Decoded(out.toByteArray(), Rejection.of(RejectReason.BODY_TOO_LARGE,
                        "body exceeds the limit of " + limit + " bytes once decompressed"));
            }
            return new Decoded(out.toByteArray(), null);
        } catch (IOException e) {
            return new Decoded(out.toByteArray(), Rejection.of(RejectReason.MALFORMED_JSON,
                    "body is not valid " + encoding + " data (Content-Encoding: " + encoding + "): " + e.getMessage()));
        }
    }

    /** Reads the stream into {@code out} up to {@link #limit} bytes: false when there was more. */
    private boolean readAtMost(InputStream in, ByteArrayOutputStream out) throws IOException {
        try (in) {
            byte[] chunk = new byte[8192];
            for (int n; (n = in.read(chunk)) > 0; ) {
                int room = limit - out.size();
                if (n > room) {
                    out.write(chunk, 0, room);
                    return false;
                }
                out.write(chunk, 0, n);
            }
            return true;
        }
    }
}
