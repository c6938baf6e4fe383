package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.table.DeltaMerge;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

/**
 * Upserts the sessions a micro-batch touched, then recomputes the funnel windows they fall in from
 * {@code gold.sessions}. A replayed batch yields the same session rows (the state is restored from the
 * checkpoint), so merging them again changes nothing.
 */
public final class SessionsBatchWriter implements VoidFunction2<Dataset<Row>, Long> {
    private final PipelineConfig config;

    public SessionsBatchWriter(PipelineConfig config) {
        this.config = config;
    }

    @Override
    public void call(Dataset<Row> touched, Long batchId) {
        Dataset<Row> sessions = touched.persist(StorageLevel.MEMORY_AND_DISK());
        try {
            if (sessions.isEmpty()) {
                return;
            }
            SparkSession spark = sessions.sparkSession();
            DeltaMerge.upsert(spark, GoldTables.path(config, GoldTables.SESSIONS), sessions, "session_key");
            Dataset<Row> windows = sessions.select("site_id", "window_start").distinct();
            Dataset<Row> all = spark.read().format("delta").load(GoldTables.path(config, GoldTables.SESSIONS));
            Dataset<Row> inWindows = all.as("s").join(broadcast(windows).as("w"),
                    col("s.site_id").equalTo(col("w.site_id")).and(col("s.window_start").equalTo(col("w.window_start"))),
                    "left_semi");
            DeltaMerge.upsert(spark, GoldTables.path(config, Funnel.TABLE),
                    Funnel.aggregate(inWindows, config.funnelWindow()), Funnel.KEYS);
        } finally {
            sessions.unpersist();
        }
    }
}
