package io.clickstream.spark.app;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldStream;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.table.DeltaTables;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** {@code silver.events} → the gold tables. */
public final class GoldJob {
    private GoldJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("gold", "Builds sessions, funnel and windowed business tables from silver.events.",
                GoldJob::start, GoldTables::maintained).main(args);
    }

    /** Once the silver job has created its tables: this job only reads them. */
    static List<StreamingQuery> start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                      BooleanSupplier stopRequested) throws TimeoutException, InterruptedException {
        for (String table : List.of(SilverTables.EVENTS, SilverTables.QUARANTINE, SilverTables.PRODUCT_EVENTS,
                SilverTables.ORDERS)) {
            if (!DeltaTables.awaitCreated(spark, SilverTables.LAYER + "." + table, SilverTables.path(config, table),
                    "the silver job (SilverJob)", stopRequested)) {
                return List.of();
            }
        }
        return List.of(GoldStream.start(spark, config, metrics), GoldStream.startPeriodic(spark, config, metrics));
    }
}
