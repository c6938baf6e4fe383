package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a JSON body into a tree, turning every way it can be unreadable into a {@link Rejection}. */
public final class BodyReader {

    public sealed interface Read permits Tree, Refused {
    }

    public record Tree(JsonNode node) implements Read {
    }

    public record Refused(Rejection rejection) implements Read {
    }

    private BodyReader() {
    }

    public static Read read(ObjectMapper json, byte[] body) {
        if (body == null || body.length == 0 || isBlank(body)) {
            return new Refused(Rejection.of(RejectReason.EMPTY_BODY, "the request body is empty"));
        }
        try (JsonParser parser = json.createParser(body)) {
            JsonNode node = json.readTree(parser);
            if (node == null || node.isMissingNode()) {
                return new Refused(Rejection.of(RejectReason.EMPTY_BODY, "the request body is empty"));
            }
            if (parser.nextToken() != null) {
                return new Refused(trailingContent());
            }
            return new Tree(node);
        } catch (StreamConstraintsException e) {
            return new Refused(Rejection.of(RejectReason.MALFORMED_JSON, "body exceeds a JSON limit: " + e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            return new Refused(Rejection.of(RejectReason.MALFORMED_JSON, "body is not valid JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return new Refused(Rejection.of(RejectReason.MALFORMED_JSON, "body could not be read: " + e.getMessage()));
        }
    }

    /** A body read as events (one, or each element of an array), or refused as a whole. */
    public record Events(List<RawEvent> events, Rejection rejection) {
    }

    /**
     * {@link #read} then {@link #events}, in one pass: same events, same rejections and messages, same raw text for
     * refused events. It parses each element of an array on its own and remembers where its text lies in the body,
     * so an event's raw text (what {@code node.toString()} gave before anyone touched the node) is re-created from
     * those bytes only when the event is refused, and the size limit needs no serialization unless the event's text
     * is anywhere near it.
     */
    public static Events readEvents(ObjectMapper json, byte[] body, int maxEventBytes) {
        return readEvents(json, body, maxEventBytes, Integer.MAX_VALUE);
    }

    /**
     * {@link #readEvents(ObjectMapper, byte[], int)}, refusing the body as {@code too_many_events} as soon as it holds
     * more than {@code maxEvents}: a few hundred bytes of gzip can hold a hundred thousand events.
     */
    public static Events readEvents(ObjectMapper json, byte[] body, int maxEventBytes, int maxEvents) {
        if (body == null || body.length == 0 || isBlank(body)) {
            return new Events(List.of(), Rejection.of(RejectReason.EMPTY_BODY, "the request body is empty"));
        }
        try (JsonParser parser = json.createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                return new Events(List.of(), Rejection.of(RejectReason.EMPTY_BODY, "the request body is empty"));
            }
            List<RawEvent> out = new ArrayList<>();
            if (first != JsonToken.START_ARRAY) {
                out.add(element(json, parser, body, 0, maxEventBytes));
            } else {
                int index = 0;
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    if (index == maxEvents) {
                        return new Events(List.of(), Rejection.of(RejectReason.TOO_MANY_EVENTS,
                                "more than " + maxEvents + " events: the limit is " + maxEvents + " per request"));
                    }
                    out.add(element(json, parser, body, index++, maxEventBytes));
                }
            }
            if (parser.nextToken() != null) {
                return new Events(List.of(), trailingContent());
            }
            return new Events(out, null);
        } catch (StreamConstraintsException e) {
            return new Events(List.of(), Rejection.of(RejectReason.MALFORMED_JSON, "body exceeds a JSON limit: " + e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            return new Events(List.of(), Rejection.of(RejectReason.MALFORMED_JSON, "body is not valid JSON: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return new Events(List.of(), Rejection.of(RejectReason.MALFORMED_JSON, "body could not be read: " + e.getMessage()));
        }
    }

    /**
     * Content after the first value (e.g. newline-delimited events) would otherwise be dropped without a word while
     * the first event is accepted.
     */
    private static Rejection trailingContent() {
        return Rejection.of(RejectReason.MALFORMED_JSON,
                "body is not valid JSON: content after the first value (send one event, or one array of events)");
    }

    /** The value at the parser's current token, with its place in the body. */
    private static RawEvent element(ObjectMapper json, JsonParser parser, byte[] body, int index, int maxEventBytes) throws IOException {
        long start = parser.currentTokenLocation().getByteOffset();
        JsonNode node = json.readTree(parser);
        long end = parser.currentLocation().getByteOffset();
        if (node == null || start < 0 || end > body.length || end <= start) {
            return sized(index, node == null ? json.nullNode() : node, maxEventBytes); // never expected: the old way
        }
        // Serializing a parsed value never takes more than 3 bytes per byte of its text (whitespace goes, escapes
        // shrink; only a number like 1e6 -> 1000000.0 grows, threefold): a value of at most a quarter of the limit
        // cannot exceed it. Anything bigger gets the exact check on its serialized form, as before.
        if ((end - start) * 4 > maxEventBytes) {
            return sized(index, node, maxEventBytes);
        }
        int from = (int) start;
        int length = (int) (end - start);
        return RawEvent.of(index, node, () -> rawText(json, body, from, length));
    }

    /** What {@code node.toString()} gave for the untouched value: the same bytes parse to an equal tree. */
    private static String rawText(ObjectMapper json, byte[] body, int from, int length) {
        try {
            return json.readTree(body, from, length).toString();
        } catch (IOException e) {
            return new String(body, from, length, StandardCharsets.UTF_8);
        }
    }

    /** Splits a body that is one event or an array of events into its events, keeping each one's raw text. */
    public static List<RawEvent> events(JsonNode body, int maxEventBytes) {
        List<RawEvent> out = new ArrayList<>();
        if (body.isArray()) {
            for (int i = 0; i < body.size(); i++) {
                out.add(sized(i, body.get(i), maxEventBytes));
            }
        } else {
            out.add(sized(0, body, maxEventBytes));
        }
        return out;
    }

    /** The event with its raw text, or refused as event_too_large. */
    public static RawEvent sized(int index, JsonNode node, int maxEventBytes) {
        String raw = node.toString();
        if (raw.length() > maxEventBytes / 4 && raw.getBytes(StandardCharsets.UTF_8).length > maxEventBytes) {
            return RawEvent.refused(index, raw.substring(0, Math.min(raw.length(), maxEventBytes)),
                    Rejection.of(RejectReason.EVENT_TOO_LARGE, "event is larger than " + maxEventBytes + " bytes"));
        }
        return RawEvent.of(index, node, raw);
    }

    private static boolean isBlank(byte[] body) {
        for (byte b : body) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
        }
        return true;
    }
}
