package io.clickstream.spark.gold;

import io.clickstream.spark.config.Durations;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.time.Duration;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;

/** {@code gold.revenue_5m}: revenue, units and orders per product (with its category) per window. */
public final class Revenue implements GoldRollup {
    private final String window;

    public Revenue(Duration window) {
        this.window = Durations.toSpark(window);
    }

    @Override
    public String table() {
        return "revenue_5m";
    }

    @Override
    public Source source() {
        return Source.PRODUCT_EVENTS;
    }

    @Override
    public Dataset<Row> relevant(Dataset<Row> lines) {
        return GoldRollup.inWindows(lines.where(col("event_type").equalTo("purchase").and(not(col("is_late")))), window)
                .withColumn("category", coalesce(col("category"), lit("(none)")))
                .withColumn("currency", coalesce(col("currency"), lit(GoldTables.NO_CURRENCY)));
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
        return rows.groupBy("site_id", "window_start", "window_end", "sku", "category", "currency")
                .agg(sum("line_revenue").cast("decimal(18,2)").as("revenue"),
                        sum(coalesce(col("quantity"), lit(1L))).as("units"),
                        countDistinct(coalesce(col("order_id"), col("event_id"))).as("orders"));
    }

    @Override
    public String[] mergeKeys() {
        return new String[] {"site_id", "window_start", "sku", "category", "currency"};
    }
}
