package io.clickstream.contract;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.Map;

/**
 * The canonical click event, the Java face of {@code clickstream/event.schema.json}.
 * {@link ContractTest} keeps the two in step: every property of the schema is a component here and back.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ClickEvent(
        @JsonProperty("schema_version") String schemaVersion,
        @JsonProperty("event_id") String eventId,
        @JsonProperty("event_type") String eventType,
        @JsonProperty("site_id") String siteId,
        @JsonProperty("anonymous_id") String anonymousId,
        @JsonProperty("user_id") String userId,
        @JsonProperty("session_id") String sessionId,
        @JsonProperty("occurred_at") Instant occurredAt,
        @JsonProperty("sent_at") Instant sentAt,
        @JsonProperty("received_at") Instant receivedAt,
        @JsonProperty("event_time") Instant eventTime,
        @JsonProperty("page") Page page,
        @JsonProperty("context") Context context,
        @JsonProperty("commerce") Commerce commerce,
        @JsonProperty("properties") Map<String, Object> properties) {

    public static final String SCHEMA_VERSION = "1";

    /** A copy stamped by the gateway: id, receive time, skew-corrected event time and truncated IP. */
    public ClickEvent stamped(String id, Instant received, Instant correctedTime, String truncatedIp) {
        Context ctx = context == null ? new Context(null, null, null, null, truncatedIp, null) : context.withIp(truncatedIp);
        return new ClickEvent(SCHEMA_VERSION, id, eventType, siteId, anonymousId, userId, sessionId,
                occurredAt, sentAt, received, correctedTime, page, ctx, commerce, properties);
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Page(
            @JsonProperty("url") String url,
            @JsonProperty("path") String path,
            @JsonProperty("title") String title,
            @JsonProperty("referrer") String referrer) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Context(
            @JsonProperty("user_agent") String userAgent,
            @JsonProperty("locale") String locale,
            @JsonProperty("timezone") String timezone,
            @JsonProperty("screen") Screen screen,
            @JsonProperty("ip") String ip,
            @JsonProperty("library") Library library,
            @JsonProperty("os") Os os,
            @JsonProperty("device") Device device,
            @JsonProperty("app") App app) {

        /** A browser's context: native apps' {@code os}, {@code device} and {@code app} are absent. */
        public Context(String userAgent, String locale, String timezone, Screen screen, String ip, Library library) {
            this(userAgent, locale, timezone, screen, ip, library, null, null, null);
        }

        public Context withIp(String newIp) {
            return new Context(userAgent, locale, timezone, screen, newIp, library, os, device, app);
        }
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Os(@JsonProperty("name") String name, @JsonProperty("version") String version) {
    }

    /** {@code type}: the SDK's platform ({@code ios}, {@code android}), as Segment's SDKs send it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Device(@JsonProperty("type") String type, @JsonProperty("manufacturer") String manufacturer,
                         @JsonProperty("model") String model) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record App(@JsonProperty("name") String name, @JsonProperty("version") String version,
                      @JsonProperty("build") String build) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Screen(@JsonProperty("width") Integer width, @JsonProperty("height") Integer height) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Library(@JsonProperty("name") String name, @JsonProperty("version") String version) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Commerce(
            @JsonProperty("products") java.util.List<Product> products,
            @JsonProperty("order_id") String orderId,
            @JsonProperty("revenue") java.math.BigDecimal revenue,
            @JsonProperty("currency") String currency) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Product(
            @JsonProperty("sku") String sku,
            @JsonProperty("name") String name,
            @JsonProperty("category") String category,
            @JsonProperty("price") java.math.BigDecimal price,
            @JsonProperty("quantity") Integer quantity) {
    }
}
