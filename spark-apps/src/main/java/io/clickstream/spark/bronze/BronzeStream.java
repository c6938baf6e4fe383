package io.clickstream.spark.bronze;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.SchedulerPools;
import io.clickstream.spark.table.NewCheckpointGuard;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.util.List;
import java.util.concurrent.TimeoutException;

/** Kafka → {@code bronze.events}: each micro-batch appended once, even when replayed (see {@link BronzeBatchWriter}). */
public final class BronzeStream {
    public static final String QUERY_NAME = "bronze";

    private BronzeStream() {
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        return start(spark, config, metrics, Trigger.ProcessingTime(config.bronzeTrigger().toMillis()));
    }

    public static StreamingQuery start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                       Trigger trigger) throws TimeoutException {
        BronzeTable.ensure(spark, config);
        NewCheckpointGuard.requireCheckpointOrEmptyTables(spark, QUERY_NAME, config.checkpoint(QUERY_NAME),
                List.of(BronzeTable.path(config)),
                "read Kafka again from kafka.starting.offsets and append what bronze already holds, and the layers "
                        + "after it would count those events again",
                "To rebuild bronze from what Kafka still holds, move bronze.events aside (bronze keeps what Kafka's "
                        + "retention has dropped: keep the old table)");
        Dataset<Row> kafka = spark.readStream()
                .format("kafka")
                .option("kafka.bootstrap.servers", config.kafkaBootstrapServers())
                .option("subscribe", config.eventsTopic())
                .option("startingOffsets", config.startingOffsets())
                .option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger())
                // Records gone from Kafka (retention passed while bronze was down, a topic deleted and created again)
                // stop the query by default; false skips them, for the one start that recovers (README, Recovery).
                .option("failOnDataLoss", config.failOnDataLoss())
                .option("includeHeaders", "true")
                .load();
        return SchedulerPools.start(spark, QUERY_NAME, () -> BronzeTransform.apply(kafka)
                .writeStream()
                .queryName(QUERY_NAME)
                .option("checkpointLocation", config.checkpoint(QUERY_NAME))
                .trigger(trigger)
                .foreachBatch(new BronzeBatchWriter(config, metrics))
                .start());
    }
}
