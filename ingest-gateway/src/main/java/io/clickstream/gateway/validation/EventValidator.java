package io.clickstream.gateway.validation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Checks one event against the contract (JSON Schema) and the gateway's sanity rules, and stamps the accepted
 * ones: event id when missing, receive time, skew-corrected event time, anonymized IP.
 */
@ApplicationScoped
public class EventValidator {
    private static final int MAX_MESSAGES = 5;

    private final JsonSchema schema;
    private final ObjectMapper json;
    private final Duration maxAge;
    private final Duration maxDrift;

    public EventValidator(GatewayConfig config, @Named("events") ObjectMapper json) {
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
        this.json = json;
        this.maxAge = config.limits().maxEventAge();
        this.maxDrift = config.limits().maxClientClockDrift();
    }

    /** The outcome for one event: either {@code event} or {@code rejection} is set. */
    public record Result(ClickEvent event, Rejection rejection) {
        static Result ok(ClickEvent e) {
            return new Result(e, null);
        }

        static Result rejected(RejectReason reason, String message) {
            return new Result(null, Rejection.of(reason, message));
        }
    }

    public Result validate(JsonNode node, Site site, Instant receivedAt, String anonymizedIp) {
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
        ClickEvent parsed;
        try {
            parsed = json.treeToValue(event, ClickEvent.class);
        } catch (JsonProcessingException e) {
            return Result.rejected(RejectReason.INVALID_EVENT, e.getOriginalMessage());
        }
        Instant occurred = parsed.occurredAt();
        Instant sent = parsed.sentAt();
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
        String id = parsed.eventId() != null ? parsed.eventId().toLowerCase(java.util.Locale.ROOT) : UUID.randomUUID().toString();
        return Result.ok(parsed.stamped(id, receivedAt, corrected.truncatedTo(java.time.temporal.ChronoUnit.MILLIS), anonymizedIp));
    }
}
