package io.clickstream.spark.runtime;

import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.util.concurrent.TimeoutException;

/**
 * Each streaming query runs its jobs in a fair-scheduler pool of its own (the driver runs with
 * {@code spark.scheduler.mode=FAIR}), so a long gold MERGE cannot hold the cores while bronze and silver wait.
 */
public final class SchedulerPools {
    private static final String POOL_PROPERTY = "spark.scheduler.pool";

    private SchedulerPools() {
    }

    /** Starts the query with its jobs in the pool named after it: the query's thread inherits the pool. */
    public static StreamingQuery start(SparkSession spark, String pool, DataStreamWriter<?> writer)
            throws TimeoutException {
        return start(spark, pool, () -> writer.start());
    }

    public static StreamingQuery start(SparkSession spark, String pool, Starter starter) throws TimeoutException {
        String previous = spark.sparkContext().getLocalProperty(POOL_PROPERTY);
        spark.sparkContext().setLocalProperty(POOL_PROPERTY, pool);
        try {
            return starter.start();
        } finally {
            spark.sparkContext().setLocalProperty(POOL_PROPERTY, previous);
        }
    }

    @FunctionalInterface
    public interface Starter {
        StreamingQuery start() throws TimeoutException;
    }
}
