package io.clickstream.spark.gold;

import io.clickstream.spark.config.Durations;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Duration;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

/** {@code gold.page_metrics_1m}: page views and unique visitors per page per window. */
public final class PageMetrics implements GoldRollup {
    private final String window;

    public PageMetrics(Duration window) {
        this.window = Durations.toSpark(window);
    }

    @Override
    public String table() {
        return "page_metrics_1m";
    }

    @Override
    public Source source() {
        return Source.EVENTS;
    }

    @Override
    public Dataset<Row> relevant(Dataset<Row> events) {
        // People's page views, as sessions count them: known bots are in gold.anomalies.
        return GoldRollup.inWindows(events.where(col("event_type").equalTo("page_view").and(not(col("is_late")))
                        .and(not(col("is_bot")))), window)
                .withColumn("page", coalesce(col("page_path"), lit("(unknown)")));
    }

    @Override
    public String[] scopeColumns() {
        return new String[] {"site_id", "window_start"};
    }

    @Override
    public boolean scopedByDate() {
        return true;
    }

    @Override
    public Dataset<Row> aggregate(Dataset<Row> rows) {
        return rows.groupBy("site_id", "window_start", "window_end", "page")
                .agg(count(lit(1)).as("page_views"), countDistinct("anonymous_id").as("unique_visitors"))
                .withColumnRenamed("page", "page_path");
    }

    @Override
    public String[] mergeKeys() {
        return new String[] {"site_id", "window_start", "page_path"};
    }
}
