package io.clickstream.spark.app;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.table.DeltaTables;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** {@code bronze.events} → {@code silver.events}, {@code silver.quarantine}, {@code silver.product_events}. */
public final class SilverJob {
    private SilverJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("silver", "Validates, deduplicates and enriches bronze.events into the silver tables.",
                SilverJob::start, SilverTables::maintained).main(args);
    }

    /** Once the bronze job has created {@code bronze.events}: this job only reads it. */
    static List<StreamingQuery> start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                      BooleanSupplier stopRequested) throws TimeoutException, InterruptedException {
        if (!DeltaTables.awaitCreated(spark, BronzeTable.LAYER + "." + BronzeTable.EVENTS, BronzeTable.path(config),
                "the bronze job (BronzeJob)", stopRequested)) {
            return List.of();
        }
        return List.of(SilverStream.start(spark, config, metrics));
    }
}
