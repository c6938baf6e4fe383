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
 * Appends one micro-batch of Kafka records to {@code bronze.events}, then reports its end-to-end latency and
 * freshness. The append is skipped when a batch is replayed, under the same transaction id Delta's streaming
 * sink would use, so a table written by the sink carries on seamlessly.
 */
public final class BronzeBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final PipelineConfig config;
    private final transient PipelineMetrics metrics;

    public BronzeBatchWriter(PipelineConfig config, PipelineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public void call(Dataset<Row> records, Long batchId) {
        if (metrics == PipelineMetrics.NONE) {
            IdempotentWrites.appendAsStreamingSink(records, BronzeTable.path(config), batchId);
            return;
        }
        // Kept for the latency sample after the commit, rather than reading and parsing the records twice.
        Dataset<Row> batch = records.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            IdempotentWrites.appendAsStreamingSink(batch, BronzeTable.path(config), batchId);
            BatchStats.reportCommit("bronze", batch.select(
                    coalesce(col("received_at"), col("kafka_timestamp")).as("received_at"),
                    coalesce(col("event_time"), col("occurred_at")).as("event_time")), metrics);
        } finally {
            batch.unpersist();
        }
    }
}
