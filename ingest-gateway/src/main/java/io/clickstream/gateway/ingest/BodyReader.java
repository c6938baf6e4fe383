package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.core.JsonProcessingException;
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
        try {
            JsonNode node = json.readTree(body);
            if (node == null || node.isMissingNode()) {
                return new Refused(Rejection.of(RejectReason.EMPTY_BODY, "the request body is empty"));
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
