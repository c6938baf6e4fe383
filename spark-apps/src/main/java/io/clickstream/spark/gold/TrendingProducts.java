package io.clickstream.spark.gold;

import io.clickstream.spark.config.Durations;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

import java.time.Duration;
import java.util.Map;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.trending_products}: per product and window, views, carts and purchases, a score weighting intent
 * (view 1, add to cart 3, purchase 5) and the product's rank in its window.
 */
public final class TrendingProducts implements GoldRollup {
    private final String window;

    public TrendingProducts(Duration window) {
        this.window = Durations.toSpark(window);
    }

    @Override
    public String table() {
        return "trending_products";
    }

    @Override
    public Source source() {
        return Source.PRODUCT_EVENTS;
    }

    @Override
    public Dataset<Row> relevant(Dataset<Row> lines) {
        // What people look at and buy: a crawler walking the catalogue would top the list (known bots: gold.anomalies).
        return GoldRollup.inWindows(lines.where(not(col("is_late")).and(not(col("is_bot")))), window);
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
        return finish(rows.groupBy("site_id", "window_start", "window_end", "sku")
                .agg(max("product_name").as("product_name"),
                        sum(when(col("event_type").equalTo("product_view"), 1L).otherwise(0L)).as("views"),
                        sum(when(col("event_type").equalTo("add_to_cart"), 1L).otherwise(0L)).as("add_to_carts"),
                        sum(when(col("event_type").equalTo("purchase"), 1L).otherwise(0L)).as("purchases"),
                        sum(when(col("event_type").equalTo("purchase"), coalesce(col("quantity"), lit(1L))).otherwise(0L))
                                .as("units_sold")));
    }

    /** An hour of product events is too much to reread every batch: its counts are added up instead. */
    @Override
    public Maintenance maintenance() {
        return Maintenance.INCREMENTAL;
    }

    @Override
    public Cadence cadence() {
        return Cadence.PERIODIC;
    }

    @Override
    public Map<String, Combine> combining() {
        return Map.of("product_name", Combine.MAX, "views", Combine.SUM, "add_to_carts", Combine.SUM,
                "purchases", Combine.SUM, "units_sold", Combine.SUM);
    }

    /** Score and rank, over whole windows. */
    @Override
    public Dataset<Row> finish(Dataset<Row> counts) {
        return counts
                .withColumn("score", col("views").plus(col("add_to_carts").multiply(3)).plus(col("purchases").multiply(5)))
                .withColumn("rank", row_number().over(
                        Window.partitionBy("site_id", "window_start").orderBy(col("score").desc(), col("sku"))));
    }

    @Override
    public String[] mergeKeys() {
        return new String[] {"site_id", "window_start", "sku"};
    }
}
