package io.clickstream.spark.table;

import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Creates Delta tables at their configured location and registers them by name ({@code layer.table}). */
public final class DeltaTables {
    /** Tables already checked in this JVM, per session: each job start would otherwise repeat the lookups. */
    private static final java.util.Set<String> ENSURED = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private DeltaTables() {
    }

    public static void ensure(SparkSession spark, String layer, String table, String location, StructType schema,
                              String... partitionColumns) {
        String name = layer + "." + table;
        String memo = System.identityHashCode(spark) + " " + name + " " + location;
        if (ENSURED.contains(memo)) {
            return;
        }
        spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
        String wanted = qualified(spark, location);
        if (spark.catalog().tableExists(name)) {
            if (wanted.equals(registeredLocation(spark, name))) {
                ENSURED.add(memo);
                return;
            }
            // Only the name is re-pointed: the table was created with a LOCATION, so dropping it keeps its files.
            spark.sql("DROP TABLE " + name);
        }
        DeltaTable.createIfNotExists(spark)
                .tableName(name)
                .location(wanted)
                .addColumns(schema)
                .partitionedBy(partitionColumns)
                .execute();
        ENSURED.add(memo);
    }

    /** Where the name points, or null when its files are gone (then it is re-pointed). */
    private static String registeredLocation(SparkSession spark, String name) {
        try {
            return DeltaTable.forName(spark, name).detail().select("location").head().getString(0);
        } catch (Exception e) {
            return null;
        }
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
