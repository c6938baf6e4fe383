package io.clickstream.spark.app;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Starts the streaming queries of one or more layers. */
@FunctionalInterface
public interface Layers {
    /**
     * {@code stopRequested} turns true once the job is asked to stop: a start that takes a while (creating tables,
     * waiting for a first batch) returns early instead of starting more. The job stops whatever did start.
     */
    List<StreamingQuery> start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics, BooleanSupplier stopRequested)
            throws TimeoutException, InterruptedException;
}
