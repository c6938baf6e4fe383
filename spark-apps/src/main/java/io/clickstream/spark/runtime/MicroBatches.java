package io.clickstream.spark.runtime;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * A micro-batch that comes out of a stateful operator (deduplication), made safe to read many times. A cached
 * DataFrame is not enough: a plan that joins or unions the batch with itself can miss the cache, and then runs the
 * stateful operator again, against state already committed: it would fail, or find every row a duplicate. A local
 * checkpoint cuts the lineage instead, so the rows are computed once and only ever read back.
 */
public final class MicroBatches {
    private MicroBatches() {
    }

    /** The batch computed now and kept (memory, else disk) until {@link #release}. */
    public static Dataset<Row> materialize(Dataset<Row> batch) {
        return batch.localCheckpoint(true);
    }

    public static void release(Dataset<Row> materialized) {
        if (materialized.logicalPlan() instanceof LogicalRDD rdd) {
            rdd.rdd().unpersist(false);
        }
    }
}
