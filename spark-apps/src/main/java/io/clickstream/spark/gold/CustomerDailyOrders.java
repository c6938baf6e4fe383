package io.clickstream.spark.gold;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.util.Map;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * {@code gold.customer_daily_orders}: each customer's orders and revenue per day. It is also what
 * {@link CustomerLifetimeValue} is recomputed from: a batch then reads the days it touched from silver, and one
 * small row per customer-day for the lifetime, instead of every purchase in silver's whole history.
 */
public final class CustomerDailyOrders implements GoldRollup {
    @Override
    public String table() {
        return "customer_daily_orders";
    }

    @Override
    public Source source() {
        return Source.EVENTS;
    }

    /** Purchases, with the customer: the user id, else the visitor. Late purchases count too. */
    @Override
    public Dataset<Row> relevant(Dataset<Row> events) {
        return events.where(col("event_type").equalTo("purchase"))
                .withColumn("customer_id", coalesce(col("user_id"), col("anonymous_id")));
    }

    @Override
    public String[] scopeColumns() {
        return new String[] {"site_id", "customer_id", "event_date"};
    }

    @Override
    public boolean scopedByDate() {
        return true;
    }

    @Override
    public Dataset<Row> aggregate(Dataset<Row> purchases) {
        return purchases.groupBy("site_id", "customer_id", "event_date")
                // The order ids themselves, not their count: an order can show up on two days (a retried purchase
                // after midnight), and the lifetime counts it once.
                .agg(sort_array(array_distinct(collect_list(coalesce(col("order_id"), col("event_id"))))).as("order_ids"),
                        sum(coalesce(col("revenue"), lit(0))).cast("decimal(18,2)").as("revenue"),
                        sort_array(collect_set(currencyOfRevenue())).as("currencies"),
                        min("event_time").as("first_order_at"),
                        max("event_time").as("last_order_at"));
    }

    /**
     * The currency of a purchase's revenue, "(none)" for revenue sent without one (as in {@code gold.revenue_5m}):
     * {@code currencies} then lists every currency whose amounts the revenue adds up.
     */
    static Column currencyOfRevenue() {
        return when(col("revenue").isNotNull(), coalesce(col("currency"), lit(GoldTables.NO_CURRENCY)));
    }

    /** A customer's day grows all day: its orders are added up, not reread. */
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
        return Map.of("order_ids", Combine.UNION, "revenue", Combine.SUM, "currencies", Combine.UNION,
                "first_order_at", Combine.MIN, "last_order_at", Combine.MAX);
    }

    @Override
    public String[] mergeKeys() {
        return new String[] {"site_id", "customer_id", "event_date"};
    }
}
