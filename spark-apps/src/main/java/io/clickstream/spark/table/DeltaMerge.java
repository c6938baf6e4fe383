package io.clickstream.spark.table;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import static org.apache.spark.sql.functions.col;

/** Upsert by key: rows with the same key are replaced, new keys inserted. Running it twice changes nothing. */
public final class DeltaMerge {
    private DeltaMerge() {
    }

    public static void upsert(SparkSession spark, String path, Dataset<Row> rows, String... keys) {
        Column on = null;
        for (String k : keys) {
            Column eq = col("t." + k).eqNullSafe(col("s." + k));
            on = on == null ? eq : on.and(eq);
        }
        DeltaTable.forPath(spark, path).as("t")
                .merge(rows.as("s"), on)
                .whenMatched().updateAll()
                .whenNotMatched().insertAll()
                .execute();
    }
}
