package io.clickstream.spark.silver;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.PlanConstants;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.table.IdempotentWrites;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;

/**
 * An order is stored once for good, not only within the deduplication watermark: a thank-you page reloaded the next
 * day sends the order again under a new event id, and the tracker may send a purchase again from its queue days
 * later, after the watermark let go of its key. {@code silver.orders} holds every order silver stored, by site and
 * order id, with the Kafka position of the copy it recorded and the batch that recorded it ({@link BatchStamp}). A
 * purchase whose order is there at another position is a repeat: dropped and counted as a duplicate. One whose order
 * this very batch recorded is its batch run again after a crash, and is kept: its own copy, or, when the batch held
 * two copies of the order, whichever of them the deduplication keeps this time (the order rows reach it in is not
 * fixed).
 * <p>
 * Only purchases are looked up, against a table of one narrow row per order: far fewer rows than the events, which
 * is why events are not looked up beyond the watermark the same way (see {@code bench/spark-results.md}).
 */
public final class RepeatedOrders {
    private static final Column SAME_ORDER = col("site_id").equalTo(col("stored_site_id"))
            .and(col("order_id").equalTo(col("stored_order_id")));
    private static final StructType STORED_ORDER = new StructType()
            .add("stored_site_id", DataTypes.StringType).add("stored_order_id", DataTypes.StringType);

    private RepeatedOrders() {
    }

    /**
     * Looks the purchases of a batch's clean rows ({@code valid}) up in {@code silver.orders}, in one pass over it:
     * the batch's few orders are broadcast, and only the stored orders they match come back to the driver (repeats,
     * and a replay's own). Counts the repeats.
     */
    public static Lookup lookUp(Dataset<Row> valid, long batchId, PipelineConfig config, PipelineMetrics metrics) {
        BatchStamp stamp = BatchStamp.of(valid, batchId);
        List<Row> matched = storedKeys(valid.sparkSession(), config).join(broadcast(orders(valid)), SAME_ORDER)
                .select(col("site_id"), col("order_id"), position("kafka_").as("at"), position("stored_kafka_"),
                        col("stored_query_id"), col("stored_batch_id"))
                .collectAsList();
        Set<String> repeats = new TreeSet<>();
        for (Row m : matched) {
            boolean storedByThisBatch = stamp.queryId().equals(m.getString(4)) && !m.isNullAt(5)
                    && m.getLong(5) == batchId;
            if (!m.getString(2).equals(m.getString(3)) && !storedByThisBatch) {
                repeats.add(m.getString(2));
            }
        }
        metrics.duplicatesRemoved(repeats.size());
        List<Row> stored = matched.stream().map(m -> RowFactory.create(m.getString(0), m.getString(1))).distinct().toList();
        return new Lookup(repeats, stored);
    }

    /** What {@code silver.orders} holds of one batch's orders. */
    public static final class Lookup {
        private final Set<String> repeats;
        private final List<Row> storedOrders;

        private Lookup(Set<String> repeats, List<Row> storedOrders) {
            this.repeats = repeats;
            this.storedOrders = storedOrders;
        }

        /** Which rows of the checked batch to keep: all but the repeats. A condition on the Kafka position. */
        public Column notRepeated() {
            return repeats.isEmpty() ? lit(true) : not(position("").isin(repeats.toArray()));
        }

        /** Adds the batch's orders not stored yet to {@code silver.orders}, once per batch. {@code valid}: no repeats. */
        public void record(Dataset<Row> valid, PipelineConfig config, long batchId) {
            Dataset<Row> added = orders(valid);
            if (!storedOrders.isEmpty()) {
                added = added.join(broadcast(valid.sparkSession().createDataFrame(storedOrders, STORED_ORDER)),
                        SAME_ORDER, "left_anti");
            }
            IdempotentWrites.append(BatchStamp.of(valid, batchId).on(added.withColumn("silver_time", PlanConstants.now())),
                    SilverTables.path(config, SilverTables.ORDERS), "silver-orders", batchId);
        }
    }

    /** The schema of {@code silver.orders}: every column nullable, as a table a DataFrame created has it. */
    static StructType schema(Dataset<Row> checked) {
        StructType written = BatchStamp.addTo(orders(checked).withColumn("silver_time", PlanConstants.now()).schema());
        return new StructType(Arrays.stream(written.fields())
                .map(f -> new StructField(f.name(), f.dataType(), true, f.metadata())).toArray(StructField[]::new));
    }

    /** The orders of clean, checked rows, as {@code silver.orders} keeps them. */
    static Dataset<Row> orders(Dataset<Row> valid) {
        return valid.where(SilverTransform.isOrder()).select(col("site_id"), SilverTransform.orderId().as("order_id"),
                col("event_id"), col("event_ts").as("event_time"), col("topic").as("kafka_topic"),
                col("partition").as("kafka_partition"), col("offset").as("kafka_offset"));
    }

    /**
     * The orders of a {@code silver.events} written before {@code silver.orders} existed: each order's first stored
     * copy (an older version kept repeats that came after the watermark).
     */
    static Dataset<Row> firstStored(Dataset<Row> silverEvents) {
        return silverEvents.where(col("order_id").isNotNull().and(col("event_type").equalTo("purchase")))
                .withColumn("n", row_number().over(Window.partitionBy("site_id", "order_id")
                        .orderBy(col("silver_time"), col("kafka_topic"), col("kafka_partition"), col("kafka_offset"))))
                .where(col("n").equalTo(1))
                .select(col("site_id"), col("order_id"), col("event_id"), col("event_time"), col("kafka_topic"),
                        col("kafka_partition"), col("kafka_offset"), col("silver_time"),
                        lit(null).cast("string").as(BatchStamp.QUERY_ID), lit(null).cast("long").as(BatchStamp.BATCH_ID));
    }

    /** {@code silver.orders}' keys, positions and stamps, named to join {@link #orders} on {@link #SAME_ORDER}. */
    private static Dataset<Row> storedKeys(SparkSession spark, PipelineConfig config) {
        return spark.read().format("delta").load(SilverTables.path(config, SilverTables.ORDERS))
                .select(col("site_id").as("stored_site_id"), col("order_id").as("stored_order_id"),
                        col("kafka_topic").as("stored_kafka_topic"), col("kafka_partition").as("stored_kafka_partition"),
                        col("kafka_offset").as("stored_kafka_offset"), col(BatchStamp.QUERY_ID).as("stored_query_id"),
                        col(BatchStamp.BATCH_ID).as("stored_batch_id"));
    }

    /** A row's Kafka position as one value: {@code topic:partition:offset}. */
    private static Column position(String prefix) {
        return concat_ws(":", col(prefix + "topic"), col(prefix + "partition").cast("string"),
                col(prefix + "offset").cast("string"));
    }
}
