package io.clickstream.spark.app;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldBatchWriter;
import io.clickstream.spark.gold.GoldRollup;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverBatchWriter;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.runtime.MicroBatches;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Silver and then gold from the same micro-batch of checked bronze rows, for the all-layers driver: the gold tables kept
 * every batch ({@link GoldRollup.Cadence#EVERY_BATCH}) are built from
 * the batch's new silver events as they are, in memory, instead of from a second stream that waits for silver's
 * commit and reads it back. Each table's writes are replay-safe on their own (see {@link SilverBatchWriter},
 * {@link GoldBatchWriter}), so a batch cut short anywhere is simply run again.
 */
public final class SilverGoldBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final SilverBatchWriter silver;
    private final GoldBatchWriter gold;

    public SilverGoldBatchWriter(PipelineConfig config, PipelineMetrics metrics) {
        this.silver = new SilverBatchWriter(config, metrics);
        this.gold = new GoldBatchWriter(config, GoldRollup.Cadence.EVERY_BATCH, metrics);
    }

    @Override
    public void call(Dataset<Row> checked, Long batchId) {
        Dataset<Row> batch = MicroBatches.materialize(checked);
        try {
            BatchStamp stamp = BatchStamp.of(batch, batchId);
            silver.write(batch, batchId, events -> gold.write(events, stamp));
        } finally {
            MicroBatches.release(batch);
        }
    }
}
