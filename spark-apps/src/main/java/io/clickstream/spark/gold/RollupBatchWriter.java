package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.BatchStats;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.ConcurrentJobs;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.silver.SilverTransform;
import io.clickstream.spark.table.DeltaMerge;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

/**
 * For each micro-batch of new silver events: recompute the scopes it touched in every rollup, merge into gold.
 * A rollup recomputed from another one's gold table (lifetime value from customer-days) runs right after it.
 * The rollups go to different tables, so they run side by side: most of a small MERGE's time is driver-side
 * (planning, the Delta log, the commit) and overlaps well even on two cores.
 */
public final class RollupBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final PipelineConfig config;
    private final List<GoldRollup> rollups;
    private final transient PipelineMetrics metrics;

    public RollupBatchWriter(PipelineConfig config, PipelineMetrics metrics) {
        this.config = config;
        this.rollups = GoldTables.rollups(config);
        this.metrics = metrics;
    }

    @Override
    public void call(Dataset<Row> newEvents, Long batchId) {
        Dataset<Row> batch = newEvents.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            List<Object> dates = batch.select("event_date").distinct().collectAsList().stream()
                    .map(r -> r.get(0)).filter(d -> d != null).map(d -> (Object) d).toList();
            if (dates.isEmpty()) {
                return;
            }
            ConcurrentJobs.run("gold-rollup", jobs(batch, dates));
            BatchStats.reportCommit("gold", batch, metrics);
        } finally {
            batch.unpersist();
        }
    }

    /** One job per rollup recomputed from silver, each followed by the rollups recomputed from its table. */
    private List<Runnable> jobs(Dataset<Row> batch, List<Object> dates) {
        SparkSession spark = batch.sparkSession();
        List<Runnable> jobs = new ArrayList<>();
        for (GoldRollup rollup : rollups) {
            if (rollup.recomputedFrom() != null) {
                continue;
            }
            List<GoldRollup> dependents = rollups.stream()
                    .filter(d -> d.recomputedFrom() != null && d.recomputedFrom().table().equals(rollup.table())).toList();
            jobs.add(() -> {
                recompute(spark, rollup, batch, dates);
                dependents.forEach(d -> recomputeFromGold(spark, d, batch));
            });
        }
        return jobs;
    }

    void recompute(SparkSession spark, GoldRollup rollup, Dataset<Row> batch, List<Object> dates) {
        Dataset<Row> relevantBatch = rollup.relevant(batchSource(rollup, batch));
        Dataset<Row> scopes = relevantBatch.select(cols(rollup.scopeColumns())).distinct();
        if (scopes.isEmpty()) {
            return;
        }
        String sourceTable = rollup.source() == GoldRollup.Source.EVENTS ? SilverTables.EVENTS : SilverTables.PRODUCT_EVENTS;
        Dataset<Row> source = spark.read().format("delta").load(SilverTables.path(config, sourceTable));
        if (rollup.scopedByDate()) {
            source = source.where(col("event_date").isin(dates.toArray()));
        }
        if (Arrays.asList(relevantBatch.columns()).contains("window_end")) {
            // Every row of a touched window lies in this range: Delta skips the files outside it by their
            // event_time statistics, so a batch does not rescan the whole day.
            Row range = relevantBatch.agg(min("window_start"), max("window_end")).head();
            source = source.where(col("event_time").geq(range.get(0)).and(col("event_time").lt(range.get(1))));
        }
        Dataset<Row> inScope = rollup.relevant(source).as("src")
                .join(broadcast(scopes).as("scope"), sameScope(rollup), "left_semi");
        DeltaMerge.upsert(spark, GoldTables.path(config, rollup.table()), rollup.aggregate(inScope), rollup.mergeKeys());
    }

    /** Recomputes the scopes the batch touched from the gold table of {@code rollup.recomputedFrom()}, merged just before. */
    void recomputeFromGold(SparkSession spark, GoldRollup rollup, Dataset<Row> batch) {
        Dataset<Row> scopes = rollup.relevant(batchSource(rollup, batch)).select(cols(rollup.scopeColumns())).distinct();
        if (scopes.isEmpty()) {
            return;
        }
        Dataset<Row> upstream = spark.read().format("delta").load(GoldTables.path(config, rollup.recomputedFrom().table()));
        Dataset<Row> inScope = upstream.as("src").join(broadcast(scopes).as("scope"), sameScope(rollup), "left_semi");
        DeltaMerge.upsert(spark, GoldTables.path(config, rollup.table()), rollup.aggregateFrom(inScope), rollup.mergeKeys());
    }

    private static Dataset<Row> batchSource(GoldRollup rollup, Dataset<Row> batch) {
        return rollup.source() == GoldRollup.Source.EVENTS ? batch : SilverTransform.productLines(batch);
    }

    private static Column sameScope(GoldRollup rollup) {
        Column on = null;
        for (String k : rollup.scopeColumns()) {
            Column eq = col("src." + k).eqNullSafe(col("scope." + k));
            on = on == null ? eq : on.and(eq);
        }
        return on;
    }

    private static Column[] cols(String[] names) {
        Column[] c = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            c[i] = col(names[i]);
        }
        return c;
    }
}
