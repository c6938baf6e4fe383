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

import java.util.Arrays;
import java.util.List;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

/**
 * For each micro-batch of new silver events: recompute the scopes it touched in every rollup, merge into gold.
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
            ConcurrentJobs.run("gold-rollup", rollups.stream()
                    .map(r -> (Runnable) () -> recompute(batch.sparkSession(), r, batch, dates)).toList());
            BatchStats.reportCommit("gold", batch, metrics);
        } finally {
            batch.unpersist();
        }
    }

    void recompute(SparkSession spark, GoldRollup rollup, Dataset<Row> batch, List<Object> dates) {
        Dataset<Row> batchSource = rollup.source() == GoldRollup.Source.EVENTS ? batch : SilverTransform.productLines(batch);
        Dataset<Row> relevantBatch = rollup.relevant(batchSource);
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
        Column on = null;
        for (String k : rollup.scopeColumns()) {
            Column eq = col("src." + k).eqNullSafe(col("scope." + k));
            on = on == null ? eq : on.and(eq);
        }
        Dataset<Row> inScope = rollup.relevant(source).as("src").join(broadcast(scopes).as("scope"), on, "left_semi");
        DeltaMerge.upsert(spark, GoldTables.path(config, rollup.table()), rollup.aggregate(inScope), rollup.mergeKeys());
    }

    private static Column[] cols(String[] names) {
        Column[] c = new Column[names.length];
        for (int i = 0; i < names.length; i++) {
            c[i] = col(names[i]);
        }
        return c;
    }
}
