package io.clickstream.spark.app;

import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.silver.SilverTables;

import java.util.List;

/** {@code bronze.events} → {@code silver.events}, {@code silver.quarantine}, {@code silver.product_events}. */
public final class SilverJob {
    private SilverJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("silver", "Validates, deduplicates and enriches bronze.events into the silver tables.",
                (spark, config, metrics, stopRequested) -> List.of(SilverStream.start(spark, config, metrics)),
                SilverTables::maintained).main(args);
    }
}
