package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.SchedulerPools;
import io.clickstream.spark.silver.SilverTables;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * {@code silver.events} → the gold tables, one micro-batch at a time ({@link GoldBatchWriter}), in two queries: "gold"
 * keeps the sessions, the funnel and the minute windows on {@code gold.trigger}; "gold-periodic" keeps the hour, day
 * and lifetime tables on the slower {@code gold.periodic.trigger} (see {@link GoldRollup.Cadence}).
 */
public final class GoldStream {
    public static final String QUERY_NAME = "gold";
    public static final String PERIODIC_QUERY_NAME = "gold-periodic";

    private GoldStream() {
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        return start(spark, config, metrics, Trigger.ProcessingTime(config.goldTrigger().toMillis()));
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                       Trigger trigger) throws TimeoutException {
        GoldTables.ensure(spark, config);
        // Sessions and the funnel add each batch to what they hold; the minute windows are recomputed whole.
        requireCheckpointOrEmptyTables(spark, config, QUERY_NAME,
                List.of(GoldTables.path(config, GoldTables.SESSIONS), GoldTables.path(config, Funnel.TABLE)),
                "move gold.sessions and gold.funnel aside (or delete them)");
        return start(spark, config, QUERY_NAME, trigger, new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, metrics));
    }

    public static StreamingQuery startPeriodic(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        return startPeriodic(spark, config, metrics, Trigger.ProcessingTime(config.goldPeriodicTrigger().toMillis()));
    }

    public static StreamingQuery startPeriodic(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                               Trigger trigger) throws TimeoutException {
        GoldTables.ensure(spark, config);
        requireCheckpointOrEmptyTables(spark, config, PERIODIC_QUERY_NAME,
                GoldTables.rollups(config, GoldRollup.Cadence.PERIODIC).stream().map(r -> GoldTables.path(config, r.table())).toList(),
                "move them and " + GoldTables.seenPath(config, "") + " aside (or delete them)");
        return start(spark, config, PERIODIC_QUERY_NAME, trigger,
                new GoldBatchWriter(config, GoldRollup.Cadence.PERIODIC, metrics));
    }

    private static StreamingQuery start(SparkSession spark, PipelineConfig config, String name, Trigger trigger,
                                        GoldBatchWriter writer) throws TimeoutException {
        GoldTables.ensure(spark, config);
        return SchedulerPools.start(spark, name, spark.readStream().format("delta")
                .load(SilverTables.path(config, SilverTables.EVENTS))
                .writeStream()
                .queryName(name)
                .option("checkpointLocation", config.checkpoint(name))
                .trigger(trigger)
                .foreachBatch(writer));
    }

    /**
     * {@code tables} add each batch to their current rows, so a new checkpoint (which reads silver from the start) would
     * count every event again into tables that already hold them: tables written before they had a query of their own,
     * written by the all-layers driver (under silver's checkpoint), or a checkpoint lost. Say so, rather than double
     * the figures.
     */
    private static void requireCheckpointOrEmptyTables(SparkSession spark, PipelineConfig config, String query,
                                                       List<String> tables, String rebuild) {
        if (hasOffsets(spark, config.checkpoint(query))) {
            return;
        }
        List<String> filled = tables.stream().filter(path -> !spark.read().format("delta").load(path).isEmpty()).toList();
        if (!filled.isEmpty()) {
            throw new IllegalStateException("The " + query + " query has no checkpoint at " + config.checkpoint(query)
                    + ", but the tables it keeps already hold rows: " + filled + ". Starting it would count silver's events "
                    + "into them a second time. To rebuild them from silver, " + rebuild + ", then start again.");
        }
    }

    private static boolean hasOffsets(SparkSession spark, String checkpoint) {
        try {
            Path offsets = new Path(checkpoint, "offsets");
            FileSystem fs = offsets.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(offsets)) {
                return false;
            }
            FileStatus[] files = fs.listStatus(offsets);
            return files.length > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
