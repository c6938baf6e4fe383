package io.clickstream.spark.gold;

import io.clickstream.spark.table.BatchStamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Runs gold writers on chosen silver rows as the micro-batches of a stream would, replays included. */
final class TestBatches {
    private TestBatches() {
    }

    /** {@code events} as batch {@code batchId} of the gold query, cached for the writer as the stream does. */
    static void write(GoldBatchWriter writer, Dataset<Row> events, long batchId) {
        Dataset<Row> batch = events.persist();
        writer.write(batch, new BatchStamp("test-query", batchId));
        batch.unpersist();
    }
}
