package io.clickstream.spark.silver;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.BatchStats;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.table.IdempotentWrites;
import io.clickstream.spark.runtime.JobDescriptions;
import io.clickstream.spark.runtime.MicroBatches;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import java.util.function.Consumer;

import static org.apache.spark.sql.functions.col;

/** Writes one deduplicated micro-batch of checked bronze rows to the four silver tables. */
public final class SilverBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final PipelineConfig config;
    private final transient PipelineMetrics metrics;
    private final transient BotRateRule botRate;

    public SilverBatchWriter(PipelineConfig config, PipelineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
        this.botRate = new BotRateRule(config);
    }

    @Override
    public void call(Dataset<Row> checked, Long batchId) {
        // The batch comes out of a stateful operator: compute it once, then read it for each table.
        Dataset<Row> batch = MicroBatches.materialize(checked);
        try {
            write(batch, batchId, null);
        } finally {
            MicroBatches.release(batch);
        }
    }

    /**
     * {@code checked}: checked rows, cached by the caller. {@code then}, if given, gets the batch's new silver events
     * (cached, already committed to {@code silver.events}) to build on, e.g. the gold tables in the same driver.
     */
    public void write(Dataset<Row> checked, long batchId, Consumer<Dataset<Row>> then) {
        RepeatedOrders.Lookup orders = JobDescriptions.call(checked.sparkSession(), "silver repeated orders",
                () -> RepeatedOrders.lookUp(SilverTransform.valid(checked), batchId, config, metrics));
        Dataset<Row> batch = checked.where(orders.notRepeated());
        Dataset<Row> valid = SilverTransform.valid(batch);
        BotRateRule.Verdict bots = JobDescriptions.call(batch.sparkSession(), "silver bot rate",
                () -> botRate.assess(valid, batchId));
        JobDescriptions.run(batch.sparkSession(), "silver.quarantine", () -> IdempotentWrites.append(
                SilverTransform.quarantine(SilverTransform.invalid(batch)), SilverTables.path(config, SilverTables.QUARANTINE),
                "silver-quarantine", batchId));
        JobDescriptions.run(batch.sparkSession(), "silver.orders", () -> orders.record(valid, config, batchId));
        if (then == null) {
            // Product lines enrich only the commerce rows again: cheaper than caching every enriched event.
            Dataset<Row> commerce = bots.apply(SilverTransform.enrich(valid.where(col("commerce.products").isNotNull())));
            writeEvents(SilverTransform.productLines(commerce), bots.apply(SilverTransform.enrich(valid)), batchId);
            BatchStats.reportSilver(batch, QualityRules.names(config), bots.agentRows(), bots.rows(), metrics);
            return;
        }
        Dataset<Row> events = bots.apply(SilverTransform.enrich(valid)).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            writeEvents(SilverTransform.productLines(events), events, batchId);
            JobDescriptions.run(batch.sparkSession(), "silver metrics", () -> BatchStats.reportSilver(batch,
                    QualityRules.names(config), bots.agentRows(), bots.rows(), metrics));
            then.accept(events);
        } finally {
            events.unpersist();
        }
    }

    /** silver.events last: a stream of it then always finds the batch's product lines in place. */
    private void writeEvents(Dataset<Row> productLines, Dataset<Row> events, long batchId) {
        JobDescriptions.run(events.sparkSession(), "silver.product_events", () -> IdempotentWrites.append(productLines,
                SilverTables.path(config, SilverTables.PRODUCT_EVENTS), "silver-product-events", batchId));
        JobDescriptions.run(events.sparkSession(), "silver.events", () -> IdempotentWrites.append(events,
                SilverTables.path(config, SilverTables.EVENTS), "silver-events", batchId));
    }
}
