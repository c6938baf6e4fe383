package io.clickstream.spark.table;

import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Refuses to start a query on a new checkpoint over tables it has already written. A new checkpoint reads its source
 * from the start (a Delta table from its current snapshot, Kafka from {@code kafka.starting.offsets}), so it would
 * write again what the tables hold, and the layers after them would count it twice. This happens when a checkpoint is
 * lost or deleted, when {@code checkpoint.root} changes without the tables, or when the all-layers driver and the
 * per-layer jobs take turns on one warehouse. Saying so beats doubling the figures.
 */
public final class NewCheckpointGuard {
    private NewCheckpointGuard() {
    }

    /**
     * @param query       the query's name, as in its checkpoint's folder
     * @param checkpoint  the query's checkpoint location
     * @param tables      the Delta tables (paths) the query adds its rows to; paths with no table yet count as empty
     * @param consequence what starting anyway would do, ending a sentence that begins "Starting it would ..."
     * @param rebuild     how to start over on purpose, ending a sentence that begins "To ..., "
     */
    public static void requireCheckpointOrEmptyTables(SparkSession spark, String query, String checkpoint,
                                                      List<String> tables, String consequence, String rebuild) {
        if (hasOffsets(spark, checkpoint)) {
            return;
        }
        List<String> filled = tables.stream().filter(path -> holdsRows(spark, path)).toList();
        if (!filled.isEmpty()) {
            throw new IllegalStateException("The " + query + " query has no checkpoint at " + checkpoint
                    + ", but the tables it writes already hold rows: " + filled + ". Starting it would " + consequence
                    + ". If the checkpoint was moved, point checkpoint.root at it again. " + rebuild + ", then start again.");
        }
    }

    /** Whether a checkpoint has planned a batch: Spark writes a batch's offsets before it runs it. */
    static boolean hasOffsets(SparkSession spark, String checkpoint) {
        try {
            Path offsets = new Path(checkpoint, "offsets");
            FileSystem fs = offsets.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(offsets)) {
                return false;
            }
            FileStatus[] files = fs.listStatus(offsets);
            return files.length > 0;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean holdsRows(SparkSession spark, String path) {
        return DeltaTable.isDeltaTable(spark, path) && !spark.read().format("delta").load(path).isEmpty();
    }
}
