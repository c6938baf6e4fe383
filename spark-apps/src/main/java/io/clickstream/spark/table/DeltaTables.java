package io.clickstream.spark.table;

import io.delta.tables.DeltaTable;
import io.delta.tables.DeltaTableBuilder;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaLog;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;

/** Creates Delta tables at their configured location and registers them by name ({@code layer.table}). */
public final class DeltaTables {
    private static final Logger LOG = LoggerFactory.getLogger(DeltaTables.class);
    /** Tables already checked in this JVM, per session: each job start would otherwise repeat the lookups. */
    private static final Set<String> ENSURED = ConcurrentHashMap.newKeySet();
    /** A file of the log that makes a version: a commit, a checkpoint, or the pointer to the last checkpoint. */
    private static final Pattern COMMITTED = Pattern.compile("\\d{20}\\.(json|checkpoint\\b.*)|_last_checkpoint");
    static final String AUTO_COMPACT = "delta.autoOptimize.autoCompact";
    private static final long AWAIT_POLL_MS = 2_000;
    private static final long AWAIT_WARN_EVERY_NS = 60_000_000_000L;
    /** Properties of a table that compacts itself: see {@link #compactAutomatically}. */
    public static final Map<String, String> AUTO_COMPACTED = Map.of(AUTO_COMPACT, "true");

    private DeltaTables() {
    }

    public static void ensure(SparkSession spark, String layer, String table, String location, StructType schema,
                              String... partitionColumns) {
        ensure(spark, layer, table, location, schema, Map.of(), partitionColumns);
    }

    /** {@code properties}: table properties a new table is created with (see {@link #AUTO_COMPACTED}). */
    public static void ensure(SparkSession spark, String layer, String table, String location, StructType schema,
                              Map<String, String> properties, String... partitionColumns) {
        String name = layer + "." + table;
        String memo = System.identityHashCode(spark) + " " + name + " " + location;
        if (ENSURED.contains(memo)) {
            return;
        }
        spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
        String wanted = qualified(spark, location);
        boolean exists = DeltaTable.isDeltaTable(spark, wanted);
        if (exists) {
            requireColumns(spark, name, wanted, schema);
        } else {
            clearInterruptedCreate(spark, wanted);
        }
        if (spark.catalog().tableExists(name)) {
            if (wanted.equals(registeredLocation(spark, name))) {
                ENSURED.add(memo);
                return;
            }
            // Only the name is re-pointed: the table was created with a LOCATION, so dropping it keeps its files.
            spark.sql("DROP TABLE " + name);
        }
        DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark)
                .tableName(name)
                .location(wanted)
                .addColumns(schema)
                .partitionedBy(partitionColumns);
        create(builder, exists ? Map.of() : properties);
        ENSURED.add(memo);
    }

    /** A table known by its location only, not registered by name: bookkeeping beside a table, not for queries. */
    public static void ensureAt(SparkSession spark, String location, StructType schema, String... partitionColumns) {
        ensureAt(spark, location, schema, Map.of(), partitionColumns);
    }

    /** {@code properties}: table properties a new table is created with (see {@link #AUTO_COMPACTED}). */
    public static void ensureAt(SparkSession spark, String location, StructType schema, Map<String, String> properties,
                                String... partitionColumns) {
        String memo = System.identityHashCode(spark) + " " + location;
        if (ENSURED.contains(memo)) {
            return;
        }
        String wanted = qualified(spark, location);
        boolean exists = DeltaTable.isDeltaTable(spark, wanted);
        if (exists) {
            requireColumns(spark, wanted, wanted, schema);
        } else {
            clearInterruptedCreate(spark, wanted);
        }
        create(DeltaTable.createIfNotExists(spark).location(wanted).addColumns(schema).partitionedBy(partitionColumns),
                exists ? Map.of() : properties);
        ENSURED.add(memo);
    }

    /**
     * Waits until the table at {@code location} exists, created by {@code creator} (the job upstream): on Kubernetes
     * each layer runs in a driver of its own, and two drivers that both found no table would both write its first
     * commit, on an object store the later one replacing the other, with a table id of its own. False when
     * {@code stopRequested} turned true first.
     */
    public static boolean awaitCreated(SparkSession spark, String name, String location, String creator,
                                       BooleanSupplier stopRequested) throws InterruptedException {
        String wanted = qualified(spark, location);
        long start = System.nanoTime();
        long nextWarning = start + AWAIT_WARN_EVERY_NS;
        boolean waiting = false;
        while (true) {
            // A DeltaLog cached while the log directory had no commit yet (a creation in progress, or one its driver
            // did not finish) would answer "no table" for good: each look reads the log afresh.
            DeltaLog.invalidateCache(spark, new Path(wanted));
            if (DeltaTable.isDeltaTable(spark, wanted)) {
                return true;
            }
            if (stopRequested.getAsBoolean()) {
                return false;
            }
            if (!waiting) {
                LOG.info("Waiting for {} at {}, which {} creates", name, wanted, creator);
                waiting = true;
            } else if (System.nanoTime() >= nextWarning) {
                LOG.warn("Still waiting for {} at {} after {} s: is {} running, with the same warehouse.root?", name,
                        wanted, (System.nanoTime() - start) / 1_000_000_000L, creator);
                nextWarning += AWAIT_WARN_EVERY_NS;
            }
            Thread.sleep(AWAIT_POLL_MS);
        }
    }

    /**
     * Runs {@code ensure} once per session and {@code key}: a layer's ensure builds the plans its tables' schemas come
     * from, seconds of a cold driver's start, even when every table is already known.
     */
    public static void once(SparkSession spark, String key, Runnable ensure) {
        String memo = System.identityHashCode(spark) + " once " + key;
        if (!ENSURED.contains(memo)) {
            ensure.run();
            ENSURED.add(memo);
        }
    }

    /**
     * A driver killed while creating a table leaves a log directory without any commit in it (at most the temporary file
     * of the first one). Delta refuses to create a table at a location that is "not empty and also not a Delta table",
     * so every later start would fail: that leftover is removed. Any other file is someone's data: refused, untouched.
     */
    private static void clearInterruptedCreate(SparkSession spark, String location) {
        Path root = new Path(location);
        Path log = new Path(root, "_delta_log");
        try {
            FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
            if (!fs.exists(root)) {
                return;
            }
            RemoteIterator<LocatedFileStatus> files = fs.listFiles(root, true);
            while (files.hasNext()) {
                Path file = files.next().getPath();
                boolean inLog = file.toUri().getPath().startsWith(log.toUri().getPath() + "/");
                if (!inLog || COMMITTED.matcher(file.getName()).matches()) {
                    throw new IllegalStateException(location + " holds files but no Delta table (" + file.getName()
                            + "): no table is created over them; move them away or point the table elsewhere");
                }
            }
            if (fs.exists(log)) {
                LOG.warn("Removing the log of a table creation that did not finish (the driver stopped during it): {}", log);
                fs.delete(log, true);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Creates the table, if absent, with {@code properties}: one commit. Setting them later with an ALTER took a cold
     * driver ~2 s per table. An existing table keeps its properties (see {@link #compactAutomatically}), and its
     * callers pass none: Delta refuses a create naming properties other than exactly the table's own, and a table
     * also holds those the session's defaults gave it ({@code SparkSessions}).
     */
    private static void create(DeltaTableBuilder builder, Map<String, String> properties) {
        properties.forEach(builder::property);
        builder.execute();
    }

    /**
     * Has Delta compact the table's small files after a commit that leaves a partition with 50 of them (auto
     * compaction, a table property, so every writer of the table does it). For tables rewritten by MERGEs every few
     * seconds: each commit adds a file or two of a few kilobytes, thousands a day, which every reader and every MERGE
     * would otherwise list and open. The compaction is an OPTIMIZE in the table's history; it changes no data, so
     * streams reading the table skip it.
     */
    public static void compactAutomatically(SparkSession spark, String location) {
        String memo = System.identityHashCode(spark) + " compact " + location;
        if (ENSURED.contains(memo)) {
            return;
        }
        String wanted = qualified(spark, location);
        scala.Option<String> property = property(spark, wanted, AUTO_COMPACT);
        if (!(property.isDefined() && "true".equals(property.get()))) {
            spark.sql("ALTER TABLE delta.`" + wanted + "` SET TBLPROPERTIES ('" + AUTO_COMPACT + "' = 'true')");
        }
        ENSURED.add(memo);
    }

    /**
     * The table property {@code key} holds {@code value}: set on a table that has none (new, or from a version that did
     * not set it), else compared. Null when it matches, else the value the table holds.
     */
    public static String keepProperty(SparkSession spark, String location, String key, String value) {
        String wanted = qualified(spark, location);
        scala.Option<String> property = property(spark, wanted, key);
        if (!property.isDefined()) {
            spark.sql("ALTER TABLE delta.`" + wanted + "` SET TBLPROPERTIES ('" + key + "' = '" + value + "')");
            return null;
        }
        return value.equals(property.get()) ? null : property.get();
    }

    /** A table property from the snapshot's metadata, not DESCRIBE DETAIL: no query to plan and run at start. */
    private static scala.Option<String> property(SparkSession spark, String qualifiedLocation, String key) {
        return DeltaLog.forTable(spark, new Path(qualifiedLocation))
                .update(false, scala.Option.empty(), scala.Option.empty()).metadata().configuration().get(key);
    }

    /**
     * A table left by an older version that lacks columns this one writes gets them, empty in its existing rows
     * (Delta's ADD COLUMNS changes the table's metadata only): new top-level columns, and new fields of its struct
     * columns and of the structs in its arrays (a field the event contract added to {@code context} or to a product). {@code location} holds a Delta table.
     */
    private static void requireColumns(SparkSession spark, String name, String location, StructType schema) {
        List<String> missing = new ArrayList<>();
        missingFields("", DeltaTable.forPath(spark, location).toDF().schema(), schema, missing);
        if (!missing.isEmpty()) {
            LOG.info("Adding the columns {} to {} at {}", missing, name, location);
            try {
                spark.sql("ALTER TABLE delta.`" + location + "` ADD COLUMNS (" + String.join(", ", missing) + ")");
            } catch (Exception e) { // Spark's AnalysisException is a checked exception, which Scala does not declare
                // Two drivers starting together (bronze's and silver's both ensure bronze.events): the other was first.
                List<String> still = new ArrayList<>();
                missingFields("", DeltaTable.forPath(spark, location).toDF().schema(), schema, still);
                if (!still.isEmpty()) {
                    throw e instanceof RuntimeException r ? r : new IllegalStateException(e);
                }
            }
        }
    }

    /** The fields of {@code wanted} that {@code existing} lacks, as ADD COLUMNS names them ({@code `a`.`b` TYPE}). */
    static void missingFields(String prefix, StructType existing, StructType wanted, List<String> missing) {
        for (StructField f : wanted.fields()) {
            String quoted = prefix + "`" + f.name().replace("`", "``") + "`";
            if (!Arrays.asList(existing.fieldNames()).contains(f.name())) {
                missing.add(quoted + " " + f.dataType().sql());
            } else if (f.dataType() instanceof StructType w
                    && existing.apply(f.name()).dataType() instanceof StructType e) {
                missingFields(quoted + ".", e, w, missing);
            } else if (f.dataType() instanceof ArrayType w && w.elementType() instanceof StructType we
                    && existing.apply(f.name()).dataType() instanceof ArrayType e
                    && e.elementType() instanceof StructType ee) {
                missingFields(quoted + ".element.", ee, we, missing); // a product line's new field
            }
        }
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
