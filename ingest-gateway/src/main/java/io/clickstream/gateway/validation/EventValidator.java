package io.clickstream.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.NonValidationKeyword;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import io.clickstream.contract.ClickEvent;
import io.clickstream.contract.EventSchema;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.site.SiteRegistry.Site;
import jakarta.inject.Singleton;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.Locale;
import java.util.UUID;
import java.time.DateTimeException;
import java.time.ZoneOffset;
import com.ethlo.time.ITU;
import java.time.temporal.ChronoUnit;
import java.util.stream.Collectors;

/**
 * Checks one event against the contract (JSON Schema) and the gateway's sanity rules, and stamps the accepted
 * ones: event id when missing, receive time, skew-corrected event time, anonymized IP.
 */
@Singleton
public class EventValidator {
    private static final int MAX_MESSAGES = 5;

    private final JsonSchema schema;
    private final IntegerFields integers = IntegerFields.ofContract();
    private final Duration maxAge;
    private final Duration maxDrift;

    public EventValidator(GatewayConfig config) {
        SchemaValidatorsConfig validators = SchemaValidatorsConfig.builder()
                .formatAssertionsEnabled(true)
                .failFast(false)
                .build();
        // x-sql-type is an annotation for the Spark jobs' reader, not a validation keyword.
        JsonMetaSchema meta = JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                .keyword(new NonValidationKeyword("x-sql-type"))
                .build();
        this.schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012, b -> b.metaSchema(meta))
                .getSchema(EventSchema.open(), validators);
        this.maxAge = config.limits().maxEventAge();
        this.maxDrift = config.limits().maxClientClockDrift();
    }

    /** The outcome for one event: either {@code event} or {@code rejection} is set. */
    public record Result(ValidEvent event, Rejection rejection) {
        static Result ok(ValidEvent e) {
            return new Result(e, null);
        }

        static Result rejected(RejectReason reason, String message) {
            return new Result(null, Rejection.of(reason, message));
        }
    }

    /**
     * {@code position}: the event's index in its request. {@code receivedAtText} is {@link #format(Instant)
     * format(receivedAt)}, formatted once per request.
     */
    public Result validate(JsonNode node, int position, Site site, Instant receivedAt, String receivedAtText, String anonymizedIp) {
        if (!(node instanceof ObjectNode event)) {
            return Result.rejected(RejectReason.INVALID_EVENT, "an event must be a JSON object");
        }
        JsonNode siteId = event.get("site_id");
        if (siteId == null || siteId.isNull()) {
            event.put("site_id", site.id()); // the write key already names the site
        } else if (!site.id().equals(siteId.asText())) {
            return Result.rejected(RejectReason.SITE_MISMATCH,
                    "site_id '" + siteId.asText() + "' does not belong to this write key");
        }
        Set<ValidationMessage> errors = schema.validate(event);
        if (!errors.isEmpty()) {
            return Result.rejected(RejectReason.INVALID_EVENT, errors.stream().limit(MAX_MESSAGES)
                    .map(ValidationMessage::getMessage).sorted().collect(Collectors.joining("; ")));
        }
        String infinite = nonFiniteNumber(event, "$");
        if (infinite != null) {
            return Result.rejected(RejectReason.INVALID_EVENT, infinite + ": number out of range");
        }
        integers.normalize(event);
        Instant occurred;
        Instant sent;
        try {
            occurred = instant(event.get("occurred_at"));
            sent = instant(event.get("sent_at"));
        } catch (DateTimeException e) {
            return Result.rejected(RejectReason.INVALID_EVENT, "timestamps must be RFC 3339 date-times: " + e.getMessage());
        }
        if (sent != null && occurred.isAfter(sent.plus(maxDrift))) {
            return Result.rejected(RejectReason.TIMESTAMP_OUT_OF_RANGE, "occurred_at is after sent_at");
        }
        // Segment's clock-skew correction: the client's clock may be off, the interval between its own stamps is not.
        Instant corrected = sent == null ? occurred : receivedAt.minus(Duration.between(occurred, sent));
        if (corrected.isBefore(receivedAt.minus(maxAge))) {
            return Result.rejected(RejectReason.TIMESTAMP_OUT_OF_RANGE,
                    "event is older than " + maxAge.toDays() + " days");
        }
        if (corrected.isAfter(receivedAt.plus(maxDrift))) {
            return Result.rejected(RejectReason.TIMESTAMP_OUT_OF_RANGE, "occurred_at is in the future");
        }
        stamp(event, position, occurred, sent, receivedAtText, corrected.truncatedTo(ChronoUnit.MILLIS), anonymizedIp);
        return Result.ok(new ValidEvent(event, site.id(), event.get("anonymous_id").asText(), receivedAt, receivedAtText));
    }

    /** What the gateway adds: contract version, an id when the client sent none, its clock, and the kept IP. */
    private static void stamp(ObjectNode event, int position, Instant occurred, Instant sent, String receivedAt, Instant eventTime,
                              String ip) {
        JsonNode id = event.get("event_id");
        event.put("event_id", id == null || id.isNull() ? contentId(event, position) : id.asText().toLowerCase(Locale.ROOT));
        event.put("schema_version", ClickEvent.SCHEMA_VERSION);
        // Timestamps leave the gateway in one form (UTC, 'Z'), whatever offset the client used.
        event.put("occurred_at", format(occurred));
        if (sent != null) {
            event.put("sent_at", format(sent));
        }
        event.put("received_at", receivedAt);
        event.put("event_time", format(eventTime));
        JsonNode context = event.get("context");
        ObjectNode ctx = context instanceof ObjectNode c ? c : event.putObject("context");
        if (ip == null) {
            ctx.remove("ip");
        } else {
            ctx.put("ip", ip);
        }
    }

    /**
     * An id for an event sent without one, named by its content but for {@code sent_at}, and by its position in the
     * request: sent again (a retry after a 503, when Kafka may have taken it after all), it gets the same id, and
     * silver keeps one copy; two identical events in one request stay two.
     */
    static String contentId(ObjectNode event, int position) {
        JsonNode sent = event.remove("sent_at");
        byte[] content = (position + "/" + event).getBytes(StandardCharsets.UTF_8);
        if (sent != null) {
            event.set("sent_at", sent);
        }
        return UUID.nameUUIDFromBytes(content).toString();
    }

    /**
     * The path of a number too large for a double ({@code 1e400}), which Jackson reads as infinity and the schema
     * takes for a number: published, it would become the string "Infinity". Else {@code null}.
     */
    private static String nonFiniteNumber(JsonNode node, String path) {
        if (node.isFloatingPointNumber()) {
            return Double.isFinite(node.doubleValue()) ? null : path;
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                String found = nonFiniteNumber(field.getValue(), path + "." + field.getKey());
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = nonFiniteNumber(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The instants RFC 3339 can write in UTC, years 0000 to 9999: outside, a year would not fit its four digits. */
    private static final Instant FIRST_WRITABLE = Instant.parse("0000-01-01T00:00:00Z");
    private static final Instant LAST_WRITABLE = Instant.parse("9999-12-31T23:59:59.999Z");

    private static Instant instant(JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        Instant instant = ITU.parseDateTime(value.asText()).toInstant();
        if (instant.isAfter(LAST_WRITABLE) || instant.isBefore(FIRST_WRITABLE)) {
            throw new DateTimeException(value.asText() + " is outside the years 0000 to 9999 in UTC");
        }
        return instant;
    }

    /** UTC with milliseconds, e.g. 2026-11-23T10:00:00.120Z: one form for every timestamp the gateway writes. */
    public static String format(Instant instant) {
        return ITU.formatUtcMilli(instant.atOffset(ZoneOffset.UTC));
    }
}
