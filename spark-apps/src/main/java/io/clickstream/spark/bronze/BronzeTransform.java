package io.clickstream.spark.bronze;

import io.clickstream.contract.Topics;
import io.clickstream.spark.runtime.PlanConstants;
import io.clickstream.spark.schema.EventSchemas;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.to_date;

/** Kafka records → bronze rows: the value verbatim, where it came from, and the event parsed with the contract. */
public final class BronzeTransform {
    public static final String CORRUPT = "_corrupt_record";

    /** What Spark's Kafka source produces (with {@code includeHeaders}). */
    public static final StructType KAFKA_SCHEMA = new StructType()
            .add("key", DataTypes.BinaryType)
            .add("value", DataTypes.BinaryType)
            .add("topic", DataTypes.StringType)
            .add("partition", DataTypes.IntegerType)
            .add("offset", DataTypes.LongType)
            .add("timestamp", DataTypes.TimestampType)
            .add("timestampType", DataTypes.IntegerType)
            .add("headers", DataTypes.createArrayType(new StructType()
                    .add("key", DataTypes.StringType)
                    .add("value", DataTypes.BinaryType)));

    private BronzeTransform() {
    }

    public static Dataset<Row> apply(Dataset<Row> kafka) {
        StructType readSchema = EventSchemas.event().add(CORRUPT, DataTypes.StringType);
        // PERMISSIVE keeps malformed records: the corrupt-record column holds them and marks the failure.
        Map<String, String> options = Map.of("mode", "PERMISSIVE", "columnNameOfCorruptRecord", CORRUPT);
        Column raw = col("value").cast("string");

        Dataset<Row> parsed = kafka.select(
                col("key").cast("string").as("kafka_key"),
                raw.as("raw_value"),
                col("topic"),
                col("partition"),
                col("offset"),
                col("timestamp").as("kafka_timestamp"),
                header(Topics.HEADER_SITE_ID).as("header_site_id"),
                header(Topics.HEADER_SCHEMA_VERSION).as("header_schema_version"),
                header(Topics.HEADER_RECEIVED_AT).as("header_received_at"),
                PlanConstants.now().as("ingest_time"),
                from_json(raw, readSchema, options).as("e"));

        List<Column> out = new ArrayList<>();
        for (String c : new String[] {"kafka_key", "raw_value", "topic", "partition", "offset", "kafka_timestamp",
                "header_site_id", "header_schema_version", "header_received_at", "ingest_time"}) {
            out.add(col(c));
        }
        for (StructField f : EventSchemas.event().fields()) {
            out.add(col("e." + f.name()).as(f.name()));
        }
        out.add(col("raw_value").isNull().or(col("e").isNull()).or(col("e." + CORRUPT).isNotNull()).as("parse_failed"));
        out.add(to_date(coalesce(col("e.event_time"), col("e.occurred_at"), col("kafka_timestamp"))).as("event_date"));
        return parsed.select(out.toArray(Column[]::new));
    }

    private static Column header(String name) {
        return expr("cast(try_element_at(filter(headers, h -> h.key = '" + name + "'), 1).value as string)");
    }
}
