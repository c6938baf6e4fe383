package io.clickstream.spark.schema;

import io.clickstream.contract.EventSchema;
import org.apache.spark.sql.types.StructType;

/** The Spark read schema of a click event, derived once from the contract's JSON Schema. */
public final class EventSchemas {
    private static final StructType EVENT = JsonSchemaConverter.toStructType(EventSchema.text());

    private EventSchemas() {
    }

    public static StructType event() {
        return EVENT;
    }
}
