package io.clickstream.spark.runtime;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * Rows computed once and then only read back, for results a cache cannot keep safely:
 * <ul>
 *   <li>a micro-batch that comes out of a stateful operator (deduplication): a plan that joins or unions a cached
 *       batch with itself can miss the cache and run the stateful operator again, against state already committed;
 *       it would fail, or find every row a duplicate;</li>
 *   <li>rows computed from a table that is written next: Spark rebuilds a cache when a table it was computed from
 *       changes, so the cache would then hold different rows.</li>
 * </ul>
 * A local checkpoint cuts the lineage instead.
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
