package io.clickstream.spark.bronze;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.table.DeltaTables;
import io.clickstream.spark.table.TableMaintenance;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/** {@code bronze.events}: append-only, partitioned by event date. */
public final class BronzeTable {
    public static final String LAYER = "bronze";
    public static final String EVENTS = "events";

    private BronzeTable() {
    }

    public static StructType schema(SparkSession spark) {
        return BronzeTransform.apply(spark.createDataFrame(List.of(), BronzeTransform.KAFKA_SCHEMA)).schema();
    }

    public static String path(PipelineConfig config) {
        return config.tablePath(LAYER, EVENTS);
    }

    public static void ensure(SparkSession spark, PipelineConfig config) {
        DeltaTables.ensure(spark, LAYER, EVENTS, path(config), schema(spark), "event_date");
    }

    /** What the bronze job compacts and vacuums ({@link TableMaintenance}). */
    public static List<TableMaintenance.Table> maintained(PipelineConfig config) {
        return List.of(TableMaintenance.Table.compacted(LAYER + "." + EVENTS, path(config), "event_date"));
    }
}
