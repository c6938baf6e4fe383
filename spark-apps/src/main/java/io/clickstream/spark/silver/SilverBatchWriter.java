package io.clickstream.spark.silver;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.BatchStats;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.table.IdempotentWrites;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;

import static org.apache.spark.sql.functions.col;

/** Writes one deduplicated micro-batch of checked bronze rows to the three silver tables. */
public final class SilverBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final PipelineConfig config;
    private final transient PipelineMetrics metrics;

    public SilverBatchWriter(PipelineConfig config, PipelineMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    public void call(Dataset<Row> checked, Long batchId) {
        // The batch comes out of a stateful operator: compute it once, then write from it three times.
        Dataset<Row> batch = checked.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            Dataset<Row> valid = SilverTransform.valid(batch);
            // Product lines enrich only the commerce rows again: cheaper than caching every enriched event.
            Dataset<Row> commerce = SilverTransform.enrich(valid.where(col("commerce.products").isNotNull()));
            // silver.events last: gold streams from it and then reads the product lines of the same batch
            IdempotentWrites.append(SilverTransform.productLines(commerce),
                    SilverTables.path(config, SilverTables.PRODUCT_EVENTS), "silver-product-events", batchId);
            IdempotentWrites.append(SilverTransform.quarantine(SilverTransform.invalid(batch)),
                    SilverTables.path(config, SilverTables.QUARANTINE), "silver-quarantine", batchId);
            IdempotentWrites.append(SilverTransform.enrich(valid),
                    SilverTables.path(config, SilverTables.EVENTS), "silver-events", batchId);
            BatchStats.reportSilver(batch, QualityRules.names(config), metrics);
        } finally {
            batch.unpersist();
        }
    }
}
