package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.BatchStats;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.ConcurrentJobs;
import io.clickstream.spark.runtime.JobDescriptions;
import io.clickstream.spark.runtime.MicroBatches;
import io.clickstream.spark.table.BatchStamp;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Brings the gold tables of one cadence ({@link GoldRollup.Cadence}) up to date with one micro-batch of new silver
 * events. Every batch: the funnel windows of the sessions the batch touches and then the sessions themselves
 * ({@link Funnel}, {@link LiveSessions}), and the minute-window rollups; periodically (a query of its own on a slower
 * trigger): the hour, day and lifetime rollups. A rollup recomputed from another one's table (lifetime value from
 * customer-days) runs right after it. The tables are independent, so they are written side by side: most of a small
 * MERGE's time is driver-side (planning, the Delta log, the commit) and overlaps well even on two cores.
 */
public final class GoldBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final PipelineConfig config;
    private final GoldRollup.Cadence cadence;
    private final List<GoldRollup> rollups;
    private final transient PipelineMetrics metrics;

    public GoldBatchWriter(PipelineConfig config, GoldRollup.Cadence cadence, PipelineMetrics metrics) {
        this.config = config;
        this.cadence = cadence;
        this.rollups = GoldTables.rollups(config, cadence);
        this.metrics = metrics;
    }

    /** The layer its commits are reported as (end-to-end latency, freshness): the periodic tables lag by design. */
    public static String layer(GoldRollup.Cadence cadence) {
        return cadence == GoldRollup.Cadence.EVERY_BATCH ? GoldTables.LAYER : GoldTables.LAYER + "_periodic";
    }

    /** As the sink of a stream of silver events. */
    @Override
    public void call(Dataset<Row> newEvents, Long batchId) {
        Dataset<Row> batch = newEvents.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            write(batch, BatchStamp.of(batch, batchId));
        } finally {
            batch.unpersist();
        }
    }

    /** {@code silverEvents}: the batch's new rows of {@code silver.events}, already cached by the caller. */
    public void write(Dataset<Row> silverEvents, BatchStamp stamp) {
        List<Object> dates = silverEvents.select("event_date").distinct().collectAsList().stream()
                .map(r -> r.get(0)).filter(Objects::nonNull).toList();
        if (dates.isEmpty()) {
            return;
        }
        SparkSession spark = silverEvents.sparkSession();
        RollupUpdates updates = new RollupUpdates(spark, config);
        List<Runnable> jobs = new ArrayList<>();
        if (cadence == GoldRollup.Cadence.EVERY_BATCH) {
            jobs.add(() -> sessions(spark, silverEvents, stamp));
        }
        for (GoldRollup rollup : rollups) {
            if (rollup.recomputedFrom() != null) {
                continue;
            }
            List<GoldRollup> dependents = rollups.stream()
                    .filter(d -> d.recomputedFrom() != null && d.recomputedFrom().table().equals(rollup.table())).toList();
            jobs.add(() -> {
                JobDescriptions.run(spark, "gold." + rollup.table(), () -> updates.update(rollup, silverEvents, dates, stamp));
                dependents.forEach(d -> JobDescriptions.run(spark, "gold." + d.table(),
                        () -> updates.recomputeFromGold(d, silverEvents)));
            });
        }
        ConcurrentJobs.run(layer(cadence), jobs);
        JobDescriptions.run(spark, layer(cadence) + " metrics",
                () -> BatchStats.reportCommit(layer(cadence), silverEvents, metrics));
    }

    /** The sessions the batch touches and, first, the funnel: it is derived from the sessions as they were before. */
    private void sessions(SparkSession spark, Dataset<Row> silverEvents, BatchStamp stamp) {
        Dataset<Row> touched = JobDescriptions.call(spark, "gold.sessions",
                () -> LiveSessions.continued(spark, config, silverEvents, stamp));
        if (touched == null) {
            return;
        }
        try {
            JobDescriptions.run(spark, "gold.funnel", () -> Funnel.update(spark, config, touched, stamp));
            JobDescriptions.run(spark, "gold.sessions", () -> LiveSessions.merge(spark, config, touched));
        } finally {
            MicroBatches.release(touched);
        }
    }
}
