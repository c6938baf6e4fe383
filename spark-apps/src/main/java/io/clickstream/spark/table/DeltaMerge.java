package io.clickstream.spark.table;

import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;

/** Upsert by key: rows with the same key are replaced, new keys inserted. */
public final class DeltaMerge {
    private DeltaMerge() {
    }

    /** Running it twice changes nothing: for rows recomputed in full. */
    public static void upsert(SparkSession spark, String path, Dataset<Row> rows, String... keys) {
        upsert(spark, path, rows, null, null, keys);
    }

    /**
     * {@code targetRange}: a condition on the target's own columns (a literal range, e.g. of window starts) that holds
     * for every row the source can match, so Delta skips the table's other files instead of joining the whole table.
     * {@code updateWhen}: a further condition for replacing a matched row (e.g. {@link BatchStamp#notYetWritten}).
     */
    public static void upsert(SparkSession spark, String path, Dataset<Row> rows, Column targetRange, Column updateWhen,
                              String... keys) {
        upsert(spark, path, rows, targetRange, updateWhen, null, keys);
    }

    /** The same; source rows where {@code gone} holds delete their target row (and are not inserted). */
    public static void upsert(SparkSession spark, String path, Dataset<Row> rows, Column targetRange, Column updateWhen,
                              Column gone, String... keys) {
        Column on = targetRange;
        for (String k : keys) {
            Column eq = col("t." + k).eqNullSafe(col("s." + k));
            on = on == null ? eq : on.and(eq);
        }
        DeltaMergeBuilder merge = DeltaTable.forPath(spark, path).as("t").merge(rows.as("s"), on);
        if (gone != null) {
            merge = merge.whenMatched(updateWhen == null ? gone : updateWhen.and(gone)).delete();
        }
        merge = updateWhen == null ? merge.whenMatched().updateAll() : merge.whenMatched(updateWhen).updateAll();
        merge = gone == null ? merge.whenNotMatched().insertAll() : merge.whenNotMatched(gone.unary_$bang()).insertAll();
        merge.execute();
    }
}
