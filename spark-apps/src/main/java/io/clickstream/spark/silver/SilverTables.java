package io.clickstream.spark.silver;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.table.DeltaTables;
import io.clickstream.spark.table.TableMaintenance;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;

/** {@code silver.events}, {@code silver.quarantine}, {@code silver.product_events}. */
public final class SilverTables {
    public static final String LAYER = "silver";
    public static final String EVENTS = "events";
    public static final String QUARANTINE = "quarantine";
    public static final String PRODUCT_EVENTS = "product_events";

    private SilverTables() {
    }

    public static String path(PipelineConfig config, String table) {
        return config.tablePath(LAYER, table);
    }

    public static void ensure(SparkSession spark, PipelineConfig config) {
        DeltaTables.once(spark, LAYER + " " + path(config, EVENTS), () -> ensureOnce(spark, config));
    }

    private static void ensureOnce(SparkSession spark, PipelineConfig config) {
        Dataset<Row> checked = SilverTransform.check(
                spark.createDataFrame(List.of(), BronzeTable.schema(spark)), config);
        Dataset<Row> events = SilverTransform.enrich(checked);
        DeltaTables.ensure(spark, LAYER, EVENTS, path(config, EVENTS), events.schema(), "event_date");
        DeltaTables.ensure(spark, LAYER, QUARANTINE, path(config, QUARANTINE),
                SilverTransform.quarantine(checked).schema(), "quarantine_date");
        DeltaTables.ensure(spark, LAYER, PRODUCT_EVENTS, path(config, PRODUCT_EVENTS),
                SilverTransform.productLines(events).schema(), "event_date");
    }

    /** What the silver job compacts and vacuums ({@link TableMaintenance}): all three are append-only. */
    public static List<TableMaintenance.Table> maintained(PipelineConfig config) {
        return List.of(
                TableMaintenance.Table.compacted(LAYER + "." + EVENTS, path(config, EVENTS), "event_date"),
                TableMaintenance.Table.compacted(LAYER + "." + QUARANTINE, path(config, QUARANTINE), "quarantine_date"),
                TableMaintenance.Table.compacted(LAYER + "." + PRODUCT_EVENTS, path(config, PRODUCT_EVENTS), "event_date"));
    }
}
