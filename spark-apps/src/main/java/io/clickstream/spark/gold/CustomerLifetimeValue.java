package io.clickstream.spark.gold;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.sum;

/**
 * {@code gold.customer_lifetime_value}: orders and revenue per customer (user id, else visitor) over all time.
 * Late purchases count too: lateness matters to windows, not to a customer's history.
 * <p>
 * {@link #aggregate} defines it from silver. The streaming writer recomputes a touched customer from
 * {@code gold.customer_daily_orders} instead ({@link #aggregateFrom}): the same figures, from a table that grows by a
 * row per customer-day rather than every event ever.
 */
public final class CustomerLifetimeValue implements GoldRollup {
    private final CustomerDailyOrders daily;

    public CustomerLifetimeValue(CustomerDailyOrders daily) {
        this.daily = daily;
    }

    @Override
    public String table() {
        return "customer_lifetime_value";
    }

    @Override
    public Source source() {
        return Source.EVENTS;
    }

    @Override
    public Dataset<Row> relevant(Dataset<Row> events) {
        return daily.relevant(events);
    }

    @Override
    public String[] scopeColumns() {
        return new String[] {"site_id", "customer_id"};
    }

    @Override
    public boolean scopedByDate() {
        return false;
    }

    @Override
    public Dataset<Row> aggregate(Dataset<Row> rows) {
        return rows.groupBy("site_id", "customer_id")
                .agg(countDistinct(coalesce(col("order_id"), col("event_id"))).as("orders"),
                        sum(coalesce(col("revenue"), lit(0))).cast("decimal(18,2)").as("revenue"),
                        sort_array(collect_set(CustomerDailyOrders.currencyOfRevenue())).as("currencies"),
                        min("event_time").as("first_order_at"),
                        max("event_time").as("last_order_at"))
                .withColumn("avg_order_value", col("revenue").divide(col("orders")).cast("decimal(18,2)"));
    }

    @Override
    public GoldRollup recomputedFrom() {
        return daily;
    }

    @Override
    public Cadence cadence() {
        return daily.cadence();
    }

    /** Customer-day rows of whole customers → the same rows as {@link #aggregate} of their purchases. */
    @Override
    public Dataset<Row> aggregateFrom(Dataset<Row> customerDays) {
        return customerDays.groupBy("site_id", "customer_id")
                .agg(size(array_distinct(flatten(collect_list("order_ids")))).cast("long").as("orders"),
                        sum("revenue").cast("decimal(18,2)").as("revenue"),
                        sort_array(array_distinct(flatten(collect_list("currencies")))).as("currencies"),
                        min("first_order_at").as("first_order_at"),
                        max("last_order_at").as("last_order_at"))
                .withColumn("avg_order_value", col("revenue").divide(col("orders")).cast("decimal(18,2)"));
    }

    @Override
    public String[] mergeKeys() {
        return new String[] {"site_id", "customer_id"};
    }
}
