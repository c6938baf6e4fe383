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
 * Brings every gold table up to date with one micro-batch of new silver events: the funnel windows of the sessions
 * the batch touches and then the sessions themselves ({@link Funnel}, {@link LiveSessions}), and each rollup ({@link GoldRollup}); a rollup
 * recomputed from another one's table (lifetime value from customer-days) runs right after it. The tables are
 * independent, so they are written side by side: most of a small MERGE's time is driver-side (planning, the Delta
 * log, the commit) and overlaps well even on two cores.
 */
public final class GoldBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final PipelineConfig config;
    private final List<GoldRollup> rollups;
    private final transient PipelineMetrics metrics;

    public GoldBatchWriter(PipelineConfig config, PipelineMetrics metrics) {
        this.config = config;
        this.rollups = GoldTables.rollups(config);
        this.metrics = metrics;
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
        jobs.add(() -> {
            Dataset<Row> touched = JobDescriptions.call(spark, "gold.sessions",
                    () -> LiveSessions.continued(spark, config, silverEvents, stamp));
            if (touched != null) {
                try {
                    // The funnel first: it is derived from the sessions as they were before this batch.
                    JobDescriptions.run(spark, "gold.funnel", () -> Funnel.update(spark, config, touched, stamp));
                    JobDescriptions.run(spark, "gold.sessions", () -> LiveSessions.merge(spark, config, touched));
                } finally {
                    MicroBatches.release(touched);
                }
            }
        });
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
        ConcurrentJobs.run("gold", jobs);
        JobDescriptions.run(spark, "gold metrics", () -> BatchStats.reportCommit("gold", silverEvents, metrics));
    }
}
