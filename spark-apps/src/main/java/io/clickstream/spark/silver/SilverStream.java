package io.clickstream.spark.silver;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.Durations;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.SchedulerPools;
import io.clickstream.spark.table.NewCheckpointGuard;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.apache.spark.sql.functions.current_timestamp;

/**
 * {@code bronze.events} → silver tables. Duplicates are removed by event id within the deduplication watermark,
 * measured on the time silver reads a row (the micro-batch's timestamp, kept in the checkpoint for a replay): a retry
 * arrives soon after the original, however old its event time, and is read soon after it. A row is never too late
 * for that clock, so none is dropped when bronze is read out of order: a new checkpoint over a compacted bronze reads
 * the rewritten older files after newer ones. A key is kept for at least the watermark after its first copy was read.
 */
public final class SilverStream {
    public static final String QUERY_NAME = "silver";
    /** The deduplication clock, dropped again after the operator. */
    private static final String SEEN_AT = "silver_seen_at";

    private SilverStream() {
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        return start(spark, config, metrics, Trigger.ProcessingTime(config.silverTrigger().toMillis()));
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                       Trigger trigger) throws TimeoutException {
        return start(spark, config, QUERY_NAME, trigger, new SilverBatchWriter(config, metrics), List.of());
    }

    /**
     * The checked, deduplicated stream of bronze rows into {@code writer}, as query {@code name} (its checkpoint and
     * scheduler pool carry the same name). {@code alsoAddedTo}: the tables the writer adds rows to beyond silver's
     * (gold's, when silver and gold run fused), which a new checkpoint must find empty as silver's.
     */
    public static StreamingQuery start(SparkSession spark, PipelineConfig config, String name, Trigger trigger,
                                       VoidFunction2<Dataset<Row>, Long> writer, List<String> alsoAddedTo)
            throws TimeoutException {
        BronzeTable.ensure(spark, config);
        SilverTables.ensure(spark, config);
        List<String> tables = new ArrayList<>(List.of(SilverTables.path(config, SilverTables.EVENTS),
                SilverTables.path(config, SilverTables.QUARANTINE), SilverTables.path(config, SilverTables.PRODUCT_EVENTS),
                SilverTables.path(config, SilverTables.ORDERS)));
        tables.addAll(alsoAddedTo);
        NewCheckpointGuard.requireCheckpointOrEmptyTables(spark, name, config.checkpoint(name), tables,
                "append bronze's rows again (deduplication remembers an event id for silver.dedup.watermark only), and "
                        + "the gold tables would count them twice",
                "To rebuild silver from bronze, move the silver tables aside (or delete them), and rebuild gold from "
                        + "the new silver: move the gold tables, gold/_seen and the gold checkpoints aside too");
        Dataset<Row> bronze = spark.readStream().format("delta").load(BronzeTable.path(config));
        return SchedulerPools.start(spark, name, deduplicate(SilverTransform.check(bronze, config), config)
                .writeStream()
                .queryName(name)
                .option("checkpointLocation", config.checkpoint(name))
                .trigger(trigger)
                .foreachBatch(writer));
    }

    public static Dataset<Row> deduplicate(Dataset<Row> checked, PipelineConfig config) {
        return checked
                .withColumn(SEEN_AT, current_timestamp())
                .withWatermark(SEEN_AT, Durations.toSpark(config.dedupWatermark()))
                .dropDuplicatesWithinWatermark("dedup_key")
                .drop(SEEN_AT);
    }
}
