package io.clickstream.spark.app;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.util.List;
import java.util.concurrent.TimeoutException;

/** Starts the streaming queries of one or more layers. */
@FunctionalInterface
public interface Layers {
    List<StreamingQuery> start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException, InterruptedException;
}
