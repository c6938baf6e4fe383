package io.clickstream.gateway.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.contract.EventSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The contract's integer fields (a screen's size, a product line's quantity), read from its schema. JSON Schema takes
 * {@code 2.0} for an integer, as JavaScript does, but the Spark jobs' JSON reader takes only {@code 2} for one and would
 * mark the whole event unreadable: an accepted event's integral {@code 2.0} is written as {@code 2}.
 */
final class IntegerFields {
    /** Each field's path from the event's root; {@code *} stands for every item of an array. */
    private final List<List<String>> paths;

    private IntegerFields(List<List<String>> paths) {
        this.paths = paths;
    }

    static IntegerFields ofContract() {
        try (var in = EventSchema.open()) {
            List<List<String>> paths = new ArrayList<>();
            collect(new ObjectMapper().readTree(in), new ArrayList<>(), paths);
            return new IntegerFields(List.copyOf(paths));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    List<List<String>> paths() {
        return paths;
    }

    private static void collect(JsonNode schema, List<String> path, List<List<String>> out) {
        JsonNode type = schema.path("type");
        boolean integer = type.isArray() ? type.toString().contains("\"integer\"") : type.asText().equals("integer");
        if (integer) {
            out.add(List.copyOf(path));
        }
        schema.path("properties").fields().forEachRemaining(field -> {
            path.add(field.getKey());
            collect(field.getValue(), path, out);
            path.remove(path.size() - 1);
        });
        if (schema.has("items")) {
            path.add("*");
            collect(schema.get("items"), path, out);
            path.remove(path.size() - 1);
        }
    }

    /** Rewrites the integral floating-point values of the integer fields of a valid event as integers. */
    void normalize(ObjectNode event) {
        for (List<String> path : paths) {
            normalize(event, path, 0);
        }
    }

    private static void normalize(JsonNode parent, List<String> path, int at) {
        String step = path.get(at);
        boolean last = at == path.size() - 1;
        if (step.equals("*")) {
            for (int i = 0; i < parent.size(); i++) {
                if (last) {
                    JsonNode value = integral(parent.get(i));
                    if (value != null) {
                        ((ArrayNode) parent).set(i, value);
                    }
                } else {
                    normalize(parent.get(i), path, at + 1);
                }
            }
            return;
        }
        JsonNode child = parent.get(step);
        if (child == null) {
            return;
        }
        if (!last) {
            normalize(child, path, at + 1);
        } else if (parent instanceof ObjectNode object) {
            JsonNode value = integral(child);
            if (value != null) {
                object.set(step, value);
            }
        }
    }

    /** {@code 2.0} → {@code 2}; {@code null} when the value is already an integer or is none. */
    private static JsonNode integral(JsonNode value) {
        return value != null && value.isFloatingPointNumber() && value.canConvertToExactIntegral() && value.canConvertToLong()
                ? LongNode.valueOf(value.longValue()) : null;
    }
}
