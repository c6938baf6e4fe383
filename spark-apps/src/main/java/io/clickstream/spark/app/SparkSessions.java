package io.clickstream.spark.app;

import io.clickstream.spark.config.PipelineConfig;
import org.apache.spark.sql.SparkSession;

/** The one way the jobs build their SparkSession: Delta enabled, UTC, few shuffle partitions. */
public final class SparkSessions {
    private SparkSessions() {
    }

    public static SparkSession create(PipelineConfig config) {
        return builder(config).getOrCreate();
    }

    /**
     * For a one-off query: no web UI, which takes a second or more to start and a port beside the running driver's.
     */
    public static SparkSession forQuery(PipelineConfig config) {
        return builder(config).config("spark.ui.enabled", false).getOrCreate();
    }

    private static SparkSession.Builder builder(PipelineConfig config) {
        SparkSession.Builder b = SparkSession.builder()
                .appName(config.appName())
                .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
                .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
                .config("spark.sql.session.timeZone", "UTC")
                // Frozen into stateful checkpoints: changing it later needs new checkpoints.
                .config("spark.sql.shuffle.partitions", config.shufflePartitions())
                // Delta's default of 50 partitions to read its log is far too many for small drivers.
                .config("spark.databricks.delta.snapshotPartitions", config.shufflePartitions())
                // Tables this driver creates write a checkpoint of their log every 100 commits instead of every 10.
                // A silver + gold batch commits to up to nine tables created together, so with Delta's default they
                // all wrote their checkpoint in the same batch, every tenth one, which then took 1.3-2 times as long.
                // Reading up to 100 small commit files instead of 10 costs a new snapshot next to nothing.
                .config("spark.databricks.delta.properties.defaults.checkpointInterval", 100)
                .config("spark.sql.warehouse.dir", config.warehouseRoot())
                .config("spark.sql.streaming.stopActiveRunOnRestart", "true")
                // Each query gets its own pool (SchedulerPools): a slow gold batch does not hold up bronze.
                .config("spark.scheduler.mode", "FAIR")
                // The four queries and their MERGEs use ~400 distinct generated classes: in Spark's default cache
                // of 100 they evicted each other, and Janino compiled the same classes again every batch.
                .config("spark.sql.codegen.cache.maxEntries", 2000)
                // A cached micro-batch lives for one batch: compressing its columns costs CPU to save memory briefly.
                .config("spark.sql.inMemoryColumnarStorage.compressed", false)
                // Timestamps as INT64 microseconds, not Spark's legacy INT96: an event carries half a dozen nearly
                // unique timestamps, and Parquet's dictionary for 12-byte INT96 values cost more than the rest of a
                // write. Files written before read as they are.
                .config("spark.sql.parquet.outputTimestampType", "TIMESTAMP_MICROS")
                // Scheduled compaction (TableMaintenance) packs small files into files of up to 128 MB and leaves
                // files of 64 MB and more alone: with Delta's defaults (1 GB for both) every hourly run would rewrite
                // the whole day's partition again.
                .config("spark.databricks.delta.optimize.minFileSize", 64L * 1024 * 1024)
                .config("spark.databricks.delta.optimize.maxFileSize", 128L * 1024 * 1024)
                // VACUUM lists a table's files in this many tasks: Spark's default of 10,000 made it a 20-40 s job on a
                // table of a few files in a local driver.
                .config("spark.sql.sources.parallelPartitionDiscovery.parallelism", 8)
                // Deduplication state lives in RocksDB, off the heap and bounded, instead of in hash
                // maps on the heap: an hour of event ids at thousands of events/s does not fit a small driver.
                // Existing checkpoints keep the provider they were created with.
                .config("spark.sql.streaming.stateStore.providerClass",
                        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider")
                .config("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true")
                .config("spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage", "true");
        // On Kubernetes the operator sets the master; locally the config does.
        if (System.getProperty("spark.master") == null && config.sparkMaster() != null && !config.sparkMaster().isBlank()) {
            b = b.master(config.sparkMaster());
        }
        return b;
    }
}
