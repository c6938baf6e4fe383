package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.SchedulerPools;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.table.NewCheckpointGuard;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

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
        requireCheckpointOrEmptyTables(spark, config, QUERY_NAME, GoldTables.addedToBySilverAndGold(config),
                "To rebuild them from silver, move gold.sessions and gold.funnel aside (or delete them)");
        return start(spark, config, QUERY_NAME, trigger, new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, metrics));
    }

    public static StreamingQuery startPeriodic(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        return startPeriodic(spark, config, metrics, Trigger.ProcessingTime(config.goldPeriodicTrigger().toMillis()));
    }

    public static StreamingQuery startPeriodic(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                               Trigger trigger) throws TimeoutException {
        GoldTables.ensure(spark, config);
        requireCheckpointOrEmptyTables(spark, config, PERIODIC_QUERY_NAME, GoldTables.addedToByGoldPeriodic(config),
                "To rebuild them from silver, move them aside (or delete them)");
        return start(spark, config, PERIODIC_QUERY_NAME, trigger,
                new GoldBatchWriter(config, GoldRollup.Cadence.PERIODIC, metrics));
    }

    /** Sessions, the funnel and the periodic rollups add each batch to their rows: silver's rows must come once. */
    private static void requireCheckpointOrEmptyTables(SparkSession spark, PipelineConfig config, String query,
                                                       List<String> tables, String rebuild) {
        NewCheckpointGuard.requireCheckpointOrEmptyTables(spark, query, config.checkpoint(query), tables,
                "count silver's events into them a second time", rebuild);
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
}
