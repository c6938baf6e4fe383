package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.SchedulerPools;
import io.clickstream.spark.silver.SilverTables;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.util.concurrent.TimeoutException;

/** {@code silver.events} → every gold table, one micro-batch at a time ({@link GoldBatchWriter}). */
public final class GoldStream {
    public static final String QUERY_NAME = "gold";

    private GoldStream() {
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        return start(spark, config, metrics, Trigger.ProcessingTime(config.goldTrigger().toMillis()));
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                       Trigger trigger) throws TimeoutException {
        GoldTables.ensure(spark, config);
        return SchedulerPools.start(spark, QUERY_NAME, spark.readStream().format("delta")
                .load(SilverTables.path(config, SilverTables.EVENTS))
                .writeStream()
                .queryName(QUERY_NAME)
                .option("checkpointLocation", config.checkpoint(QUERY_NAME))
                .trigger(trigger)
                .foreachBatch(new GoldBatchWriter(config, metrics)));
    }
}
