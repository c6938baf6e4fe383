package io.clickstream.spark.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a JSON Schema (the subset the event contract uses) into the Spark type {@code from_json} reads with,
 * so the jobs never keep a second copy of the fields.
 * <ul>
 *   <li>{@code string} → string, or timestamp with {@code format: date-time}</li>
 *   <li>{@code integer} → long; {@code number} → double, or the {@code x-sql-type} decimal</li>
 *   <li>object with {@code properties} → struct; free-form object → map&lt;string,string&gt;</li>
 *   <li>{@code array} → array of its {@code items}</li>
 * </ul>
 */
public final class JsonSchemaConverter {
    private static final Pattern DECIMAL = Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)");
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonSchemaConverter() {
    }

    public static StructType toStructType(String schemaJson) {
        JsonNode root;
        try {
            root = JSON.readTree(schemaJson);
        } catch (IOException e) {
            throw new UncheckedIOException("not a JSON document", e);
        }
        DataType type = convert(root, "$");
        if (!(type instanceof StructType struct)) {
            throw new IllegalArgumentException("the schema's root must be an object with properties");
        }
        return struct;
    }

    static DataType convert(JsonNode node, String where) {
        String type = mainType(node, where);
        return switch (type) {
            case "string" -> "date-time".equals(node.path("format").asText()) ? DataTypes.TimestampType : DataTypes.StringType;
            case "integer" -> DataTypes.LongType;
            case "number" -> number(node, where);
            case "boolean" -> DataTypes.BooleanType;
            case "array" -> {
                if (!node.has("items")) {
                    throw new IllegalArgumentException(where + ": array without items");
                }
                yield DataTypes.createArrayType(convert(node.get("items"), where + "[]"), true);
            }
            case "object" -> node.has("properties") ? struct(node.get("properties"), where)
                    : DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, true);
            default -> throw new IllegalArgumentException(where + ": unsupported JSON Schema type '" + type + "'");
        };
    }

    private static StructType struct(JsonNode properties, String where) {
        List<StructField> fields = new ArrayList<>();
        Iterator<Map.Entry<String, JsonNode>> it = properties.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> p = it.next();
            // Every field nullable: required-ness is the gateway's and silver's business, not the reader's.
            fields.add(DataTypes.createStructField(p.getKey(), convert(p.getValue(), where + "." + p.getKey()), true));
        }
        return DataTypes.createStructType(fields);
    }

    private static DataType number(JsonNode node, String where) {
        JsonNode sqlType = node.get("x-sql-type");
        if (sqlType == null) {
            return DataTypes.DoubleType;
        }
        Matcher m = DECIMAL.matcher(sqlType.asText().trim().toLowerCase(java.util.Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(where + ": unsupported x-sql-type '" + sqlType.asText() + "'");
        }
        return DataTypes.createDecimalType(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** The type of a node, ignoring {@code "null"} in a type union such as {@code ["string", "null"]}. */
    private static String mainType(JsonNode node, String where) {
        JsonNode type = node.get("type");
        if (type == null) {
            throw new IllegalArgumentException(where + ": no type");
        }
        if (type.isTextual()) {
            return type.asText();
        }
        List<String> nonNull = new ArrayList<>();
        type.forEach(t -> {
            if (!"null".equals(t.asText())) {
                nonNull.add(t.asText());
            }
        });
        if (nonNull.size() != 1) {
            throw new IllegalArgumentException(where + ": type union " + type + " has no single non-null type");
        }
        return nonNull.get(0);
    }
}
