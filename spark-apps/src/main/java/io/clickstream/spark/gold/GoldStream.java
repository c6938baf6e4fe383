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
        return start(spark, config, QUERY_NAME, trigger, new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, metrics));
    }

    public static StreamingQuery startPeriodic(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        return startPeriodic(spark, config, metrics, Trigger.ProcessingTime(config.goldPeriodicTrigger().toMillis()));
    }

    public static StreamingQuery startPeriodic(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                               Trigger trigger) throws TimeoutException {
        GoldTables.ensure(spark, config);
        requireCheckpointOrEmptyTables(spark, config);
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
     * A periodic table adds each batch to its current rows, so a new checkpoint (which reads silver from the start)
     * would count every event again into tables that already hold them, e.g. tables written before these tables had a
     * query of their own. Say so, rather than double the figures.
     */
    private static void requireCheckpointOrEmptyTables(SparkSession spark, PipelineConfig config) {
        if (hasOffsets(spark, config.checkpoint(PERIODIC_QUERY_NAME))) {
            return;
        }
        List<String> filled = GoldTables.rollups(config, GoldRollup.Cadence.PERIODIC).stream()
                .map(r -> GoldTables.path(config, r.table()))
                .filter(path -> !spark.read().format("delta").load(path).isEmpty())
                .toList();
        if (!filled.isEmpty()) {
            throw new IllegalStateException("The " + PERIODIC_QUERY_NAME + " query has no checkpoint at "
                    + config.checkpoint(PERIODIC_QUERY_NAME) + ", but the tables it keeps already hold rows: " + filled
                    + ". Starting it would count silver's events into them a second time. To rebuild them from silver, "
                    + "move them and " + GoldTables.seenPath(config, "") + " aside (or delete them), then start again.");
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
