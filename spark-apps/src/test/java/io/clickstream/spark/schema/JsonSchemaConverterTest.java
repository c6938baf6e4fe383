package io.clickstream.spark.schema;

import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonSchemaConverterTest {

    @Test
    void mapsEachJsonSchemaConstructToItsSparkType() {
        StructType t = JsonSchemaConverter.toStructType("""
                {"type":"object","properties":{
                  "s":{"type":"string"},
                  "ts":{"type":["string","null"],"format":"date-time"},
                  "i":{"type":["integer","null"]},
                  "d":{"type":"number"},
                  "money":{"type":["number","null"],"x-sql-type":"decimal(18,2)"},
                  "free":{"type":["object","null"]},
                  "nested":{"type":"object","properties":{"a":{"type":"string"}}},
                  "list":{"type":["array","null"],"items":{"type":"object","properties":{"n":{"type":"integer"}}}}
                }}""");

        assertThat(t.fieldNames()).containsExactly("s", "ts", "i", "d", "money", "free", "nested", "list");
        assertThat(t.apply("s").dataType()).isEqualTo(DataTypes.StringType);
        assertThat(t.apply("ts").dataType()).isEqualTo(DataTypes.TimestampType);
        assertThat(t.apply("i").dataType()).isEqualTo(DataTypes.LongType);
        assertThat(t.apply("d").dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(t.apply("money").dataType()).isEqualTo(DataTypes.createDecimalType(18, 2));
        assertThat(t.apply("free").dataType()).isEqualTo(new MapType(DataTypes.StringType, DataTypes.StringType, true));
        assertThat(((StructType) t.apply("nested").dataType()).fieldNames()).containsExactly("a");
        ArrayType list = (ArrayType) t.apply("list").dataType();
        assertThat(((StructType) list.elementType()).apply("n").dataType()).isEqualTo(DataTypes.LongType);
    }

    @Test
    void rejectsWhatItCannotMap() {
        assertThatThrownBy(() -> JsonSchemaConverter.toStructType("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":[\"string\",\"integer\"]}}}"))
                .hasMessageContaining("$.x");
        assertThatThrownBy(() -> JsonSchemaConverter.toStructType("{\"type\":\"object\",\"properties\":{\"x\":{\"type\":\"number\",\"x-sql-type\":\"money\"}}}"))
                .hasMessageContaining("x-sql-type");
    }

    @Test
    void theContractReadsAsTheEventStruct() {
        StructType event = EventSchemas.event();

        assertThat(event.fieldNames()).contains("event_id", "event_type", "site_id", "anonymous_id", "event_time",
                "page", "context", "commerce", "properties");
        assertThat(event.apply("event_time").dataType()).isEqualTo(DataTypes.TimestampType);
        StructType commerce = (StructType) event.apply("commerce").dataType();
        assertThat(commerce.apply("revenue").dataType()).isEqualTo(DataTypes.createDecimalType(18, 2));
        StructType product = (StructType) ((ArrayType) commerce.apply("products").dataType()).elementType();
        assertThat(product.apply("price").dataType()).isEqualTo(DataTypes.createDecimalType(18, 2));
        assertThat(product.apply("quantity").dataType()).isEqualTo(DataTypes.LongType);
        StructType screen = (StructType) ((StructType) event.apply("context").dataType()).apply("screen").dataType();
        assertThat(screen.fieldNames()).containsExactly("width", "height");
        assertThat(event.apply("properties").dataType()).isInstanceOf(MapType.class);
    }
}
