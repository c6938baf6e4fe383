package io.clickstream.contract;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

class ContractTest {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    private static final JsonSchema SCHEMA = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
            .getSchema(EventSchema.open());

    @Test
    void javaTypeAndSchemaNameTheSameFieldsAtEveryLevel() throws Exception {
        JsonNode schema = JSON.readTree(EventSchema.text());
        List<String> mismatches = new ArrayList<>();
        compare("", schema, ClickEvent.class, mismatches);
        assertThat(mismatches).isEmpty();
    }

    @Test
    void aFullEventSerializesToValidJson() {
        ClickEvent event = new ClickEvent("1", "0b7c6c86-3c1a-4a3e-9d7c-0f1f7b6d2a11", "purchase", "demo", "anon-1", "user-9",
                "s-1", Instant.parse("2026-11-23T10:00:00.120Z"), Instant.parse("2026-11-23T10:00:01Z"),
                Instant.parse("2026-11-23T10:00:02Z"), Instant.parse("2026-11-23T10:00:01.120Z"),
                new ClickEvent.Page("https://shop.example/checkout?utm_source=x", "/checkout", "Checkout", "https://google.com/"),
                new ClickEvent.Context("Mozilla/5.0", "en-US", "Europe/Paris", new ClickEvent.Screen(1920, 1080),
                        "203.0.113.0", new ClickEvent.Library("analytics-swift", "1.5.0"),
                        new ClickEvent.Os("iOS", "17.4"), new ClickEvent.Device("ios", "Apple", "iPhone15,2"),
                        new ClickEvent.App("Shop", "3.2.0", "412")),
                new ClickEvent.Commerce(List.of(new ClickEvent.Product("SKU-1", "Mug", "Kitchen", new BigDecimal("12.50"), 2)),
                        "order-1", new BigDecimal("25.00"), "EUR"),
                Map.of("coupon", "WELCOME", "step", 3));
        JsonNode json = JSON.valueToTree(event);
        Set<ValidationMessage> errors = SCHEMA.validate(json);
        assertThat(errors).isEmpty();
        assertThat(json.get("occurred_at").asText()).isEqualTo("2026-11-23T10:00:00.120Z");
        assertThat(json.at("/context/device/model").asText()).isEqualTo("iPhone15,2");
    }

    @Test
    void schemaRejectsUnknownFieldsAndMissingRequiredOnes() throws Exception {
        JsonNode bad = JSON.readTree("{\"event_type\":\"Page View\",\"site_id\":\"demo\",\"occurred_at\":\"2026-11-23T10:00:00Z\",\"colour\":\"red\"}");
        Set<ValidationMessage> errors = SCHEMA.validate(bad);
        assertThat(errors).extracting(ValidationMessage::getMessage)
                .anyMatch(m -> m.contains("anonymous_id"))
                .anyMatch(m -> m.contains("colour"))
                .anyMatch(m -> m.contains("event_type"));
    }

    @Test
    void standardEventTypesAreValidWireNames() {
        for (EventType type : EventType.values()) {
            assertThat(type.wireName()).matches("^[a-z][a-z0-9_]{0,63}$");
            assertThat(EventType.fromWire(type.wireName())).contains(type);
        }
    }

    private static void compare(String path, JsonNode schemaNode, Class<?> type, List<String> mismatches) {
        Set<String> inSchema = new TreeSet<>();
        schemaNode.get("properties").fieldNames().forEachRemaining(inSchema::add);
        Set<String> inJava = new TreeSet<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String name = c.getAccessor().getAnnotation(JsonProperty.class) != null
                    ? c.getAccessor().getAnnotation(JsonProperty.class).value()
                    : c.getAnnotation(JsonProperty.class) != null ? c.getAnnotation(JsonProperty.class).value() : c.getName();
            inJava.add(name);
            JsonNode child = schemaNode.get("properties").get(name);
            if (child == null) {
                continue;
            }
            Class<?> nested = nestedRecord(c.getGenericType());
            if (nested != null) {
                JsonNode objectSchema = child.has("items") ? child.get("items") : child;
                compare(path + name + ".", objectSchema, nested, mismatches);
            }
        }
        if (!inSchema.equals(inJava)) {
            mismatches.add(path + ": schema " + inSchema + " vs java " + inJava);
        }
    }

    private static Class<?> nestedRecord(Type t) {
        if (t instanceof Class<?> c && c.isRecord()) {
            return c;
        }
        if (t instanceof ParameterizedType p && p.getRawType() == List.class) {
            return nestedRecord(p.getActualTypeArguments()[0]);
        }
        return null;
    }
}
