package io.clickstream.spark.bronze;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.BatchStats;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.table.IdempotentWrites;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

/**
 * Appends one micro-batch of Kafka records to {@code bronze.events}, once even when the batch is replayed
 * ({@link IdempotentWrites}), then reports its end-to-end latency and freshness.
 */
public final class BronzeBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    static final String WRITER = "bronze-events";

    private final PipelineConfig config;
    private final transient PipelineMetrics metrics;

    public BronzeBatchWriter(PipelineConfig config, PipelineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public void call(Dataset<Row> records, Long batchId) {
        if (metrics == PipelineMetrics.NONE) {
            IdempotentWrites.append(records, BronzeTable.path(config), WRITER, batchId);
            return;
        }
        // Kept for the latency sample after the commit, rather than reading and parsing the records twice.
        Dataset<Row> batch = records.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            IdempotentWrites.append(batch, BronzeTable.path(config), WRITER, batchId);
            BatchStats.reportCommit("bronze", batch.select(
                    coalesce(col("received_at"), col("kafka_timestamp")).as("received_at"),
                    coalesce(col("event_time"), col("occurred_at")).as("event_time")), metrics);
        } finally {
            batch.unpersist();
        }
    }
}
