package io.clickstream.gateway.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.contract.EventType;
import io.clickstream.gateway.ingest.SchemaLimits;
import io.clickstream.gateway.ingest.UserAgents;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
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
    /** Segment's e-commerce v2 spec names for our standard types, and the v1 names older integrations still send. */
    static final Map<String, EventType> ECOMMERCE = Map.ofEntries(
            Map.entry("product viewed", EventType.PRODUCT_VIEW),
            Map.entry("product clicked", EventType.CLICK),
            Map.entry("product added", EventType.ADD_TO_CART),
            Map.entry("product removed", EventType.REMOVE_FROM_CART),
            Map.entry("checkout started", EventType.CHECKOUT_START),
            Map.entry("order completed", EventType.PURCHASE),
            Map.entry("viewed product", EventType.PRODUCT_VIEW),
            Map.entry("clicked product", EventType.CLICK),
            Map.entry("added product", EventType.ADD_TO_CART),
            Map.entry("removed product", EventType.REMOVE_FROM_CART),
            Map.entry("started order", EventType.CHECKOUT_START),
            Map.entry("completed order", EventType.PURCHASE));
    /** Calls about one product, whose properties are that product: e-commerce v1 names it by {@code id}. */
    private static final Set<String> PRODUCT_CALLS = Set.of("product viewed", "product clicked", "product added",
            "product removed", "viewed product", "clicked product", "added product", "removed product");
    private static final Pattern UUID_PATTERN = Pattern.compile(
            "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
    private static final Set<String> PRODUCT_FIELDS = Set.of("product_id", "sku", "name", "category", "price", "quantity");
    private static final Set<String> PAGE_FIELDS = Set.of("url", "path", "title", "referrer");
    private static final Pattern CURRENCY = Pattern.compile("^[A-Za-z]{3}$");
    private static final Pattern WHOLE_NUMBER = Pattern.compile("^[0-9]{1,9}$");
    // Text longer than the contract allows is cut to fit (SchemaLimits); ids are not.
    private static final Map<String, Integer> PAGE_LIMITS = Map.of(
            "url", limit("page/properties/url"), "path", limit("page/properties/path"),
            "title", limit("page/properties/title"), "referrer", limit("page/properties/referrer"));
    private static final int PRODUCT_NAME_LIMIT = limit("commerce/properties/products/items/properties/name");
    private static final int PRODUCT_CATEGORY_LIMIT = limit("commerce/properties/products/items/properties/category");
    private static final int LOCALE_LIMIT = limit("context/properties/locale");
    private static final int TIMEZONE_LIMIT = limit("context/properties/timezone");
    /**
     * The text fields kept of {@code context}'s objects, as "object/field". Of a native app's device, its type (the
     * SDK's platform), maker and model: not its id or advertising id, which would follow a person across apps.
     */
    private static final Map<String, Integer> CONTEXT_LIMITS = contextLimits("library/name", "library/version",
            "os/name", "os/version", "device/type", "device/manufacturer", "device/model", "app/name", "app/version",
            "app/build");
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
        return map(message, type, siteId, sentAt, shared, 0);
    }

    /** @param position the message's index in its batch (0 for a single call) */
    public ObjectNode map(JsonNode message, String type, String siteId, JsonNode sentAt, JsonNode shared, int position) {
        if (!(message instanceof ObjectNode msg)) {
            throw new UnmappableException("a Segment message must be a JSON object");
        }
        String call = type != null ? type : text(msg, "type");
        if (call == null) {
            throw new UnmappableException("message has no type (track, page, screen, identify, group or alias)");
        }
        call = call.toLowerCase(Locale.ROOT);
        ObjectNode out = nodes.objectNode();
        String messageId = text(msg, "messageId");
        out.put("event_id", messageId != null ? eventId(siteId, messageId) : contentEventId(siteId, msg, position));
        out.put("event_type", eventType(call, msg));
        out.put("site_id", siteId);
        // RudderStack's browser SDK sends "userId": "" for a visitor it has not identified: no user id.
        String anonymousId = nonBlank(text(msg, "anonymousId"));
        String userId = nonBlank(text(msg, "userId"));
        out.put("anonymous_id", anonymousId != null ? anonymousId : userId);
        putIfPresent(out, "user_id", userId);
        String sent = text(msg, "sentAt");
        if (sent == null && sentAt != null && !sentAt.isNull() && !sentAt.isContainerNode()) {
            sent = sentAt.asText();
        }
        putIfPresent(out, "sent_at", sent);
        // originalTimestamp is the client's own clock (timestamp may already be corrected); with neither, the event
        // happened when it was sent, and the skew correction then gives the time it was received.
        String occurred = firstText(msg, "originalTimestamp", "timestamp");
        out.put("occurred_at", occurred != null ? occurred : sent != null ? sent : Instant.now().toString());

        ObjectNode context = mergedContext(shared, msg.path("context"));
        boolean pageCall = "page".equals(call) || "screen".equals(call);
        JsonNode properties = "identify".equals(call) || "group".equals(call) ? traits(call, msg, context) : msg.path("properties");
        // A page call describes its page in its properties; any other call's page is context.page (the url property
        // of Product Viewed is the product's, not the page's).
        ObjectNode page = page(pageCall ? properties : null, context.path("page"));
        if (page.size() > 0) {
            out.set("page", page);
        }
        ObjectNode ctx = context(context);
        if (ctx.size() > 0) {
            out.set("context", ctx);
        }
        Set<String> mapped = new HashSet<>();
        if (pageCall) {
            mapped.addAll(PAGE_FIELDS);
        }
        String name = "track".equals(call) ? text(msg, "event") : null;
        boolean productCall = name != null && PRODUCT_CALLS.contains(name.trim().toLowerCase(Locale.ROOT));
        ObjectNode commerce = commerce(properties, productCall, mapped);
        if (commerce.size() > 0) {
            out.set("commerce", commerce);
        }
        ObjectNode rest = rest(properties, call, msg, mapped);
        if (rest.size() > 0) {
            out.set("properties", rest);
        }
        return out;
    }

    /**
     * The end user's address, as Segment's and RudderStack's collectors read it: {@code context.ip} (the message's
     * own, else the batch's) when the sender set it, which server-side sources do; else {@code null}, and the
     * connection's address stands.
     */
    public static String endUserIp(JsonNode message, JsonNode shared) {
        JsonNode own = message.path("context").path("ip");
        JsonNode ip = own.isTextual() ? own : shared == null ? null : shared.path("ip");
        return ip != null && ip.isTextual() && !ip.asText().isBlank() ? ip.asText().trim() : null;
    }

    /** The batch's context with the message's own fields over it. */
    private ObjectNode mergedContext(JsonNode shared, JsonNode own) {
        ObjectNode merged = nodes.objectNode();
        if (shared != null && shared.isObject()) {
            merged.setAll((ObjectNode) shared);
        }
        if (own.isObject()) {
            merged.setAll((ObjectNode) own);
        }
        return merged;
    }

    /**
     * Without a messageId (curl, hand-made clients): a name-based UUID of the message as sent but for its
     * {@code sentAt} (a retry renews it), and of its position in the batch. A retried batch keeps its ids, so silver
     * keeps one copy; two identical calls in one batch stay two events.
     */
    static String contentEventId(String siteId, ObjectNode message, int position) {
        ObjectNode content = message.deepCopy();
        content.remove("sentAt");
        return UUID.nameUUIDFromBytes((siteId + '/' + position + '/' + content).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** A messageId that is not a UUID becomes a name-based UUID, the same on every retry, so dedup still works. */
    static String eventId(String siteId, String messageId) {
        if (UUID_PATTERN.matcher(messageId).matches()) {
            return messageId.toLowerCase(Locale.ROOT);
        }
        return UUID.nameUUIDFromBytes((siteId + '/' + messageId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String eventType(String call, JsonNode msg) {
        return switch (call) {
            case "page" -> EventType.PAGE_VIEW.wireName();
            case "screen" -> EventType.SCREEN_VIEW.wireName();
            case "identify", "group", "alias" -> call; // EventType.PROFILE_CALLS
            case "track" -> {
                String name = text(msg, "event");
                if (name == null || name.isBlank()) {
                    throw new UnmappableException("a track call needs an event name");
                }
                EventType standard = ECOMMERCE.get(name.trim().toLowerCase(Locale.ROOT));
                yield standard != null ? standard.wireName() : customType(name);
            }
            default -> throw new UnmappableException("unknown Segment call type '" + call + "'");
        };
    }

    /**
     * A custom event's type: its name in snake case, unless that is a standard type or a profile call's: then
     * {@code custom_} first. Only Segment's spec names are standard events: a custom "Page View" taken for a page view
     * would count the site's pages twice (beside its page calls), and a custom "Identify" would be no activity.
     */
    static String customType(String name) {
        String type = snakeCase(name);
        if (EventType.fromWire(type).isPresent() || EventType.PROFILE_CALLS.contains(type)) {
            type = "custom_" + type;
        }
        return type;
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
            if (v == null) {
                v = text(contextPage, f);
            }
            putIfPresent(page, f, SchemaLimits.cut(v, PAGE_LIMITS.get(f)));
        }
        return page;
    }

    private ObjectNode context(JsonNode context) {
        ObjectNode ctx = nodes.objectNode();
        if (context == null || !context.isObject()) {
            return ctx;
        }
        putIfPresent(ctx, "user_agent", UserAgents.bounded(text(context, "userAgent")));
        putIfPresent(ctx, "locale", SchemaLimits.cut(text(context, "locale"), LOCALE_LIMIT));
        putIfPresent(ctx, "timezone", SchemaLimits.cut(text(context, "timezone"), TIMEZONE_LIMIT));
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
        // RudderStack's browser SDK names itself as the app (and sends an empty OS): that is the library, not an app.
        String appName = text(context.path("app"), "name");
        boolean appIsTheSdk = appName != null && appName.equals(text(context.path("library"), "name"));
        CONTEXT_LIMITS.forEach((field, limit) -> {
            String[] objectAndField = field.split("/");
            String value = SchemaLimits.cut(text(context.path(objectAndField[0]), objectAndField[1]), limit);
            if (value != null && !value.isBlank() && !(appIsTheSdk && objectAndField[0].equals("app"))) {
                ObjectNode object = ctx.has(objectAndField[0]) ? (ObjectNode) ctx.get(objectAndField[0])
                        : ctx.putObject(objectAndField[0]);
                object.put(objectAndField[1], value);
            }
        });
        return ctx;
    }

    private static Map<String, Integer> contextLimits(String... fields) {
        Map<String, Integer> limits = new LinkedHashMap<>();
        for (String f : fields) {
            limits.put(f, limit("context/properties/" + f.replace("/", "/properties/")));
        }
        return Collections.unmodifiableMap(limits);
    }

    /** The commerce part of {@code properties}; the names it took are added to {@code mapped}. */
    private ObjectNode commerce(JsonNode properties, boolean productCall, Set<String> mapped) {
        ObjectNode commerce = nodes.objectNode();
        if (!properties.isObject()) {
            return commerce;
        }
        if (properties.path("products").isArray()) {
            var products = commerce.putArray("products");
            properties.path("products").forEach(p -> products.add(product(p)));
            mapped.add("products");
        } else if (properties.has("sku") || properties.has("product_id") || productCall && properties.has("id")) {
            commerce.putArray("products").add(product(properties));
            PRODUCT_FIELDS.stream().filter(properties::has).forEach(mapped::add);
            if (productCall && !properties.has("sku") && !properties.has("product_id")) {
                mapped.add("id");
            }
        }
        // order_id, or e-commerce v1's orderId
        String orderField = text(properties, "order_id") != null ? "order_id" : "orderId";
        if (text(properties, orderField) != null) {
            commerce.put("order_id", text(properties, orderField));
            mapped.add(orderField);
        }
        // Segment's revenue excludes shipping and taxes; total is the fallback when an order has no revenue.
        String revenueField = amount(properties.get("revenue")) != null ? "revenue" : "total";
        BigDecimal revenue = amount(properties.get(revenueField));
        if (revenue != null) {
            commerce.put("revenue", revenue);
            mapped.add(revenueField);
        }
        // "usd" is USD; anything else that is no currency code ("", "US$") stays in properties instead of failing the
        // whole order.
        String currency = text(properties, "currency");
        if (currency != null && CURRENCY.matcher(currency.trim()).matches()) {
            commerce.put("currency", currency.trim().toUpperCase(Locale.ROOT));
            mapped.add("currency");
        }
        return commerce;
    }

    /** A number, or a string holding one ("25.00", as some SDKs send amounts); anything else is left in properties. */
    private static BigDecimal amount(JsonNode v) {
        if (v == null) {
            return null;
        }
        if (v.isNumber()) {
            if (v.isFloatingPointNumber() && !Double.isFinite(v.doubleValue())) {
                // 1e400: Jackson reads it as infinity, which no amount is
                throw new UnmappableException("amount " + v.asText() + " is out of range");
            }
            return v.decimalValue();
        }
        if (v.isTextual()) {
            try {
                return new BigDecimal(v.asText().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private ObjectNode product(JsonNode p) {
        ObjectNode out = nodes.objectNode();
        // Segment makes both ids optional; e-commerce v1 and GA-style products carry an id; a product named only by
        // its name is still a product line of the order (without any, the contract refuses it, with a reason).
        putIfPresent(out, "sku", firstText(p, "sku", "product_id", "id", "name"));
        putIfPresent(out, "name", SchemaLimits.cut(text(p, "name"), PRODUCT_NAME_LIMIT));
        putIfPresent(out, "category", SchemaLimits.cut(text(p, "category"), PRODUCT_CATEGORY_LIMIT));
        BigDecimal price = amount(p.get("price"));
        if (price != null) {
            out.put("price", price);
        }
        JsonNode quantity = p.path("quantity");
        if (quantity.isNumber() && quantity.canConvertToExactIntegral() && quantity.canConvertToInt()) {
            out.put("quantity", quantity.asInt()); // 2.0 too: an integer to JavaScript, where it came from
        } else if (quantity.isTextual() && WHOLE_NUMBER.matcher(quantity.asText().trim()).matches()) {
            out.put("quantity", Integer.parseInt(quantity.asText().trim())); // "2", as some SDKs send numbers
        }
        return out;
    }

    /** What is left of properties/traits after mapping, bounded; identify keeps its traits here. */
    private ObjectNode rest(JsonNode properties, String call, JsonNode msg, Set<String> mapped) {
        ObjectNode rest = nodes.objectNode();
        switch (call) {
            case "track" -> {
                String name = text(msg, "event");
                if (name != null && ECOMMERCE.get(name.trim().toLowerCase(Locale.ROOT)) == null) {
                    rest.put("event_name", name);
                }
            }
            case "page", "screen" -> putIfPresent(rest, "name", text(msg, "name"));
            // The ids these calls exist for: the identity an alias merges, the account a group call joins.
            case "alias" -> putIfPresent(rest, "previous_id", text(msg, "previousId"));
            case "group" -> putIfPresent(rest, "group_id", text(msg, "groupId"));
            default -> {
            }
        }
        if (!properties.isObject()) {
            return rest;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = properties.fields();
        while (fields.hasNext() && rest.size() < MAX_PROPERTIES) {
            Map.Entry<String, JsonNode> f = fields.next();
            String key = f.getKey();
            if (mapped.contains(key) || rest.has(key) || key.length() > 64) {
                continue;
            }
            rest.set(key, f.getValue());
        }
        return rest;
    }

    private static int limit(String field) {
        return SchemaLimits.maxLength("/properties/" + field);
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

    /**
     * An identify or group call's traits: Segment's SDKs send them as {@code traits}; RudderStack's send an identify's
     * in {@code context.traits} only. A group's are its own: {@code context.traits} are the user's.
     */
    private static JsonNode traits(String call, JsonNode msg, JsonNode context) {
        JsonNode traits = msg.path("traits");
        return traits.isObject() && !traits.isEmpty() || !"identify".equals(call) ? traits : context.path("traits");
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value;
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
