package io.clickstream.spark.table;

import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Creates Delta tables at their configured location and registers them by name ({@code layer.table}). */
public final class DeltaTables {
    private DeltaTables() {
    }

    public static void ensure(SparkSession spark, String layer, String table, String location, StructType schema,
                              String... partitionColumns) {
        String name = layer + "." + table;
        spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
        String wanted = qualified(spark, location);
        if (spark.catalog().tableExists(name)) {
            String registered = DeltaTable.forName(spark, name).detail().select("location").head().getString(0);
            if (registered.equals(wanted)) {
                return;
            }
            // Only the name is re-pointed: the table was created with a LOCATION, so dropping it keeps its files.
            spark.sql("DROP TABLE " + name);
        }
        DeltaTable.createIfNotExists(spark)
                .tableName(name)
                .location(location)
                .addColumns(schema)
                .partitionedBy(partitionColumns)
                .execute();
    }

    private static String qualified(SparkSession spark, String location) {
        try {
            Path p = new Path(location);
            return p.getFileSystem(spark.sparkContext().hadoopConfiguration()).makeQualified(p).toString();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
