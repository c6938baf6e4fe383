package io.clickstream.gateway.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.contract.EventType;
import io.clickstream.gateway.ingest.UserAgents;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Maps a message of Segment's HTTP Tracking API (track, page, screen, identify, group, alias) to the canonical
 * event, so Segment and RudderStack SDKs can send here unchanged. E-commerce v2 event names become our event
 * types; other names become snake_case custom types. The result still goes through the contract's validation.
 */
public final class SegmentMapper {
    /** Segment's e-commerce v2 spec names for our standard types. */
    static final Map<String, EventType> ECOMMERCE = Map.of(
            "product viewed", EventType.PRODUCT_VIEW,
            "product clicked", EventType.CLICK,
            "product added", EventType.ADD_TO_CART,
            "product removed", EventType.REMOVE_FROM_CART,
            "checkout started", EventType.CHECKOUT_START,
            "order completed", EventType.PURCHASE);
    private static final Pattern UUID_PATTERN = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Set<String> PRODUCT_FIELDS = Set.of("product_id", "sku", "name", "category", "price", "quantity");
    private static final Set<String> ORDER_FIELDS = Set.of("order_id", "checkout_id", "revenue", "total", "currency", "products");
    private static final Set<String> PAGE_FIELDS = Set.of("url", "path", "title", "referrer");
    private static final int MAX_PROPERTIES = 50;

    private final JsonNodeFactory nodes = JsonNodeFactory.instance;

    /** Thrown for a message that cannot be read as any Segment call. */
    public static final class UnmappableException extends RuntimeException {
        public UnmappableException(String message) {
            super(message);
        }
    }

    /**
     * @param type     the call type: from the endpoint (/v1/track) or the message's {@code type} (/v1/batch)
     * @param sentAt   the batch's {@code sentAt}, used when the message has none
     * @param shared   the batch's {@code context}, merged under the message's own
     */
    public ObjectNode map(JsonNode message, String type, String siteId, JsonNode sentAt, JsonNode shared) {
        if (!(message instanceof ObjectNode msg)) {
            throw new UnmappableException("a Segment message must be a JSON object");
        }
        String call = type != null ? type : text(msg, "type");
        if (call == null) {
            throw new UnmappableException("message has no type (track, page, screen, identify, group or alias)");
        }
        ObjectNode out = nodes.objectNode();
        out.put("event_id", eventId(siteId, text(msg, "messageId")));
        out.put("event_type", eventType(call.toLowerCase(Locale.ROOT), msg));
        out.put("site_id", siteId);
        String anonymousId = text(msg, "anonymousId");
        String userId = text(msg, "userId");
        out.put("anonymous_id", anonymousId != null ? anonymousId : userId);
        putIfPresent(out, "user_id", userId);
        putIfPresent(out, "occurred_at", firstText(msg, "timestamp", "originalTimestamp"));
        String sent = text(msg, "sentAt");
        putIfPresent(out, "sent_at", sent != null ? sent : sentAt == null || sentAt.isNull() ? null : sentAt.asText());

        JsonNode context = msg.path("context");
        JsonNode properties = "identify".equalsIgnoreCase(call) || "group".equalsIgnoreCase(call) ? msg.path("traits") : msg.path("properties");
        ObjectNode page = page(properties, context.path("page").isObject() ? context.path("page") : shared == null ? null : shared.path("page"));
        if (page.size() > 0) {
            out.set("page", page);
        }
        ObjectNode ctx = context(context.isObject() ? context : shared);
        if (ctx.size() > 0) {
            out.set("context", ctx);
        }
        ObjectNode commerce = commerce(properties);
        if (commerce.size() > 0) {
            out.set("commerce", commerce);
        }
        ObjectNode rest = rest(properties, call, msg);
        if (rest.size() > 0) {
            out.set("properties", rest);
        }
        return out;
    }

    /** A messageId that is not a UUID becomes a name-based UUID, the same on every retry, so dedup still works. */
    static String eventId(String siteId, String messageId) {
        if (messageId == null) {
            return UUID.randomUUID().toString();
        }
        if (UUID_PATTERN.matcher(messageId).matches()) {
            return messageId.toLowerCase(Locale.ROOT);
        }
        return UUID.nameUUIDFromBytes((siteId + '/' + messageId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String eventType(String call, JsonNode msg) {
        return switch (call) {
            case "page" -> EventType.PAGE_VIEW.wireName();
            case "screen" -> "screen_view";
            case "identify", "group", "alias" -> call;
            case "track" -> {
                String name = text(msg, "event");
                if (name == null || name.isBlank()) {
                    throw new UnmappableException("a track call needs an event name");
                }
                EventType standard = ECOMMERCE.get(name.trim().toLowerCase(Locale.ROOT));
                yield standard != null ? standard.wireName() : snakeCase(name);
            }
            default -> throw new UnmappableException("unknown Segment call type '" + call + "'");
        };
    }

    /** "Signed Up" → signed_up; the result must still match the contract's pattern. */
    static String snakeCase(String name) {
        String s = name.trim().replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
        if (s.isEmpty() || !Character.isLetter(s.charAt(0))) {
            s = "e_" + s;
        }
        return s.length() > 64 ? s.substring(0, 64) : s;
    }

    private ObjectNode page(JsonNode properties, JsonNode contextPage) {
        ObjectNode page = nodes.objectNode();
        for (String f : PAGE_FIELDS) {
            String v = text(properties, f);
            if (v == null && contextPage != null) {
                v = text(contextPage, f);
            }
            putIfPresent(page, f, v);
        }
        return page;
    }

    private ObjectNode context(JsonNode context) {
        ObjectNode ctx = nodes.objectNode();
        if (context == null || !context.isObject()) {
            return ctx;
        }
        putIfPresent(ctx, "user_agent", UserAgents.bounded(text(context, "userAgent")));
        putIfPresent(ctx, "locale", text(context, "locale"));
        putIfPresent(ctx, "timezone", text(context, "timezone"));
        JsonNode screen = context.path("screen");
        if (screen.isObject() && (screen.path("width").canConvertToInt() || screen.path("height").canConvertToInt())) {
            ObjectNode s = ctx.putObject("screen");
            if (screen.path("width").isIntegralNumber()) {
                s.put("width", screen.path("width").asInt());
            }
            if (screen.path("height").isIntegralNumber()) {
                s.put("height", screen.path("height").asInt());
            }
        }
        JsonNode library = context.path("library");
        if (library.isObject()) {
            ObjectNode l = ctx.putObject("library");
            putIfPresent(l, "name", text(library, "name"));
            putIfPresent(l, "version", text(library, "version"));
        }
        return ctx;
    }

    private ObjectNode commerce(JsonNode properties) {
        ObjectNode commerce = nodes.objectNode();
        if (!properties.isObject()) {
            return commerce;
        }
        if (properties.path("products").isArray()) {
            var products = commerce.putArray("products");
            properties.path("products").forEach(p -> products.add(product(p)));
        } else if (properties.has("sku") || properties.has("product_id")) {
            commerce.putArray("products").add(product(properties));
        }
        putIfPresent(commerce, "order_id", text(properties, "order_id"));
        JsonNode revenue = properties.has("revenue") ? properties.get("revenue") : properties.get("total");
        if (revenue != null && revenue.isNumber()) {
            commerce.put("revenue", revenue.decimalValue());
        }
        putIfPresent(commerce, "currency", text(properties, "currency"));
        return commerce;
    }

    private ObjectNode product(JsonNode p) {
        ObjectNode out = nodes.objectNode();
        String sku = text(p, "sku");
        putIfPresent(out, "sku", sku != null ? sku : text(p, "product_id"));
        putIfPresent(out, "name", text(p, "name"));
        putIfPresent(out, "category", text(p, "category"));
        if (p.path("price").isNumber()) {
            out.put("price", p.path("price").decimalValue());
        }
        if (p.path("quantity").canConvertToInt() && p.path("quantity").isIntegralNumber()) {
            out.put("quantity", p.path("quantity").asInt());
        }
        return out;
    }

    /** What is left of properties/traits after mapping, bounded; identify keeps its traits here. */
    private ObjectNode rest(JsonNode properties, String call, JsonNode msg) {
        ObjectNode rest = nodes.objectNode();
        if ("track".equalsIgnoreCase(call)) {
            String name = text(msg, "event");
            if (name != null && ECOMMERCE.get(name.trim().toLowerCase(Locale.ROOT)) == null) {
                rest.put("event_name", name);
            }
        } else if ("page".equalsIgnoreCase(call) || "screen".equalsIgnoreCase(call)) {
            putIfPresent(rest, "name", text(msg, "name"));
        }
        if (!properties.isObject()) {
            return rest;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
        while (fields.hasNext() && rest.size() < MAX_PROPERTIES) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = f.getKey();
            if (PAGE_FIELDS.contains(key) || ORDER_FIELDS.contains(key) || PRODUCT_FIELDS.contains(key) || key.length() > 64) {
                continue;
            }
            rest.set(key, f.getValue());
        }
        return rest;
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String f : fields) {
            String v = text(node, f);
            if (v != null) {
                return v;
            }
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        if (node == null) {
            return null;
        }
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
