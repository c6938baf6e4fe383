package io.clickstream.spark.silver;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.table.DeltaTables;
import io.clickstream.spark.table.TableMaintenance;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/** {@code silver.events}, {@code silver.quarantine}, {@code silver.product_events}, {@code silver.orders}. */
public final class SilverTables {
    public static final String LAYER = "silver";
    public static final String EVENTS = "events";
    public static final String QUARANTINE = "quarantine";
    public static final String PRODUCT_EVENTS = "product_events";
    /** Every order stored, for {@link RepeatedOrders}. */
    public static final String ORDERS = "orders";

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
        ensureOrders(spark, config, RepeatedOrders.schema(checked));
    }

    /**
     * Created last, so a job waiting for silver's tables finds the others in place. A {@code silver.events} written
     * before it existed gives it its orders, in its first commit (else their repeats would be stored again), which
     * also sets its properties: a second driver (gold's) finds it complete. Unpartitioned (one narrow row per order,
     * read whole by each batch) and compacting itself.
     */
    private static void ensureOrders(SparkSession spark, PipelineConfig config, StructType schema) {
        String location = path(config, ORDERS);
        if (!DeltaTable.isDeltaTable(spark, location)) {
            Dataset<Row> earlier = RepeatedOrders.firstStored(spark.read().format("delta").load(path(config, EVENTS)))
                    .select(Arrays.stream(schema.fieldNames()).map(functions::col).toArray(Column[]::new));
            if (!earlier.isEmpty()) {
                earlier.createOrReplaceTempView("silver_orders_stored_before");
                spark.sql("CREATE TABLE delta.`" + location.replace("`", "``") + "` USING delta TBLPROPERTIES ("
                        + DeltaTables.AUTO_COMPACTED.entrySet().stream().map(p -> "'" + p.getKey() + "' = '" + p.getValue() + "'")
                        .collect(Collectors.joining(", ")) + ") AS SELECT * FROM silver_orders_stored_before");
                spark.catalog().dropTempView("silver_orders_stored_before");
            }
        }
        DeltaTables.ensure(spark, LAYER, ORDERS, location, schema, DeltaTables.AUTO_COMPACTED);
    }

    /**
     * What the silver job compacts and vacuums ({@link TableMaintenance}): the first three are append-only, and
     * {@code silver.orders} compacts itself.
     */
    public static List<TableMaintenance.Table> maintained(PipelineConfig config) {
        return List.of(
                TableMaintenance.Table.compacted(LAYER + "." + EVENTS, path(config, EVENTS), "event_date"),
                TableMaintenance.Table.compacted(LAYER + "." + QUARANTINE, path(config, QUARANTINE), "quarantine_date"),
                TableMaintenance.Table.compacted(LAYER + "." + PRODUCT_EVENTS, path(config, PRODUCT_EVENTS), "event_date"),
                TableMaintenance.Table.vacuumed(LAYER + "." + ORDERS, path(config, ORDERS)));
    }
}
