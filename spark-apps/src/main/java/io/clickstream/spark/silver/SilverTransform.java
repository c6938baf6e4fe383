package io.clickstream.spark.silver;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.runtime.PlanConstants;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.hour;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.posexplode;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

/** Bronze rows → checked rows → silver events, quarantined rows and product lines. Batch and stream alike. */
public final class SilverTransform {
    /** {@code bot_reason} of a known bot agent; see {@link BotRateRule#REASON} for the other one. */
    public static final String BOT_AGENT = "user_agent";

    private SilverTransform() {
    }

    /**
     * Adds what the silver stream needs before deduplication: the rule violations, the event time, the
     * deduplication key and the late flag (event time further behind the receive time than the allowed lateness).
     * The key: the order of a clean purchase, else the event id; the Kafka position for rows without one, so they are
     * never merged. A row that broke a rule has a key of its own kind: quarantined, it must not take the place of a
     * clean purchase of the same order sent after it (a server resending the order the browser sent malformed).
     */
    public static Dataset<Row> check(Dataset<Row> bronze, PipelineConfig config) {
        long latenessMicros = config.allowedLateness().toNanos() / 1000;
        Column eventKey = coalesce(col("event_id"),
                concat_ws(":", col("topic"), col("partition").cast("string"), col("offset").cast("string")));
        return bronze
                .withColumn("dq_violations", QualityRules.violations(config))
                .withColumn("event_ts", QualityRules.eventTime())
                .withColumn("received_ts", QualityRules.receivedTime())
                .withColumn("dedup_key", when(size(col("dq_violations")).gt(0), concat_ws(":", lit("invalid"), eventKey))
                        .otherwise(coalesce(orderKey(), eventKey)))
                .withColumn("is_late", coalesce(
                        unix_micros(col("event_ts")).lt(unix_micros(col("received_ts")).minus(latenessMicros)),
                        lit(false)));
    }

    /**
     * A purchase is one per order: a thank-you page reloaded sends the order again under a new event id, and
     * counting it twice would double its revenue. Null for other events.
     */
    private static Column orderKey() {
        return when(isOrder(), concat_ws(":", lit("order"), col("site_id"), orderId()));
    }

    /** A purchase with an order id: deduplicated by its order (see {@link #check}, {@link RepeatedOrders}). */
    static Column isOrder() {
        return col("event_type").equalTo("purchase").and(orderId().isNotNull());
    }

    /**
     * The event's order id; a blank one is none (a checkout template that left it empty): taken for an id, it would
     * make every such purchase of the site one order.
     */
    static Column orderId() {
        return when(length(trim(col("commerce.order_id"))).gt(0), col("commerce.order_id"));
    }

    public static Dataset<Row> valid(Dataset<Row> checked) {
        return checked.where(size(col("dq_violations")).equalTo(0));
    }

    public static Dataset<Row> invalid(Dataset<Row> checked) {
        return checked.where(size(col("dq_violations")).gt(0));
    }

    /**
     * Clean rows → {@code silver.events}: flat, enriched columns. {@code is_bot} and {@code bot_reason} here are the
     * user agent's; {@link BotRateRule} adds the visitors it flags.
     */
    public static Dataset<Row> enrich(Dataset<Row> valid) {
        Column url = col("page.url");
        Column referrer = col("page.referrer");
        return valid
                .withColumn("u", SilverUdfs.URL_PARTS.apply(url))
                .withColumn("ua", SilverUdfs.USER_AGENT.apply(col("context.user_agent")))
                .withColumn("src", SilverUdfs.TRAFFIC_SOURCE.apply(url, referrer))
                .withColumn("ref", SilverUdfs.URL_PARTS.apply(referrer))
                .select(
                        col("event_id"), lower(col("event_type")).as("event_type"), col("site_id"),
                        col("anonymous_id"), col("user_id"), col("session_id").as("client_session_id"),
                        col("event_ts").as("event_time"), col("occurred_at"), col("sent_at"),
                        col("received_ts").as("received_at"),
                        url.as("page_url"), coalesce(col("page.path"), col("u.path")).as("page_path"),
                        col("page.title").as("page_title"), col("u.domain").as("page_domain"),
                        col("u.query").as("page_query"),
                        col("u.utm_source"), col("u.utm_medium"), col("u.utm_campaign"), col("u.utm_term"),
                        col("u.utm_content"),
                        referrer.as("referrer"), col("ref.domain").as("referrer_domain"),
                        col("src.source").as("traffic_source"), col("src.medium").as("traffic_medium"),
                        col("context.user_agent").as("user_agent"), col("ua.browser"), col("ua.browser_version"),
                        coalesce(given("context.os.name"), col("ua.os")).as("os"),
                        when(given("context.os.name").isNotNull(), given("context.os.version"))
                                .otherwise(col("ua.os_version")).as("os_version"),
                        coalesce(given("context.device.model"), col("ua.device")).as("device"),
                        when(given("context.os.name").isNotNull().or(given("context.device.type").isNotNull()),
                                nativeDeviceType()).otherwise(col("ua.device_type")).as("device_type"),
                        given("context.app.name").as("app_name"), given("context.app.version").as("app_version"),
                        given("context.app.build").as("app_build"), col("ua.is_bot"),
                        when(col("ua.is_bot"), lit(BOT_AGENT)).as("bot_reason"),
                        col("context.locale").as("locale"), col("context.timezone").as("timezone"),
                        col("context.screen.width").as("screen_width"), col("context.screen.height").as("screen_height"),
                        col("context.ip").as("ip"), col("context.library.name").as("library_name"),
                        col("context.library.version").as("library_version"),
                        orderId().as("order_id"), revenue().as("revenue"),
                        upper(col("commerce.currency")).as("currency"), col("commerce.products").as("products"),
                        col("properties"), col("is_late"),
                        to_date(col("event_ts")).as("event_date"), hour(col("event_ts")).as("event_hour"),
                        col("topic").as("kafka_topic"), col("partition").as("kafka_partition"),
                        col("offset").as("kafka_offset"), col("ingest_time").as("bronze_ingest_time"),
                        PlanConstants.now().as("silver_time"));
    }

    /** A text field, null when blank: an SDK may send an empty OS ({@code "name": ""}) rather than none. */
    private static Column given(String field) {
        return when(length(trim(col(field))).gt(0), col(field));
    }

    /**
     * A native app's device type. Its SDK says what OS and device it runs on ({@code context.os}, {@code
     * context.device}), which the columns above take before the user agent: an app's own agent, when it sends one,
     * names its HTTP library more often than the device. SDKs send their platform as the device's type ({@code ios},
     * {@code android}, {@code macos}), not a form factor, so a phone and a tablet look alike except by an iPad's model
     * name; phones are the most of them.
     */
    private static Column nativeDeviceType() {
        Column platform = lower(coalesce(given("context.device.type"), given("context.os.name")));
        return when(platform.isin("macos", "mac os x", "windows", "linux"), lit("desktop"))
                .when(lower(col("context.device.model")).startsWith("ipad"), lit("tablet"))
                .when(platform.isin("tvos", "android_tv", "androidtv"), lit("tv"))
                .otherwise(lit("mobile"));
    }

    /**
     * An event's revenue: the one sent, else, for a purchase sent without one, what its product lines add up to, as
     * {@code gold.revenue_5m} counts them (price × quantity, a missing quantity being 1). Sessions and lifetime
     * value then count the orders that revenue_5m counts.
     */
    static Column revenue() {
        Column products = col("commerce.products");
        Column lines = aggregate(products, lit(java.math.BigDecimal.ZERO).cast("decimal(18,2)"),
                (sum, p) -> sum.plus(coalesce(p.getField("price")
                        .multiply(coalesce(p.getField("quantity"), lit(1L)).cast("decimal(18,0)")), lit(0)))
                        .cast("decimal(18,2)"));
        return coalesce(col("commerce.revenue"),
                when(col("event_type").equalTo("purchase").and(exists(products, p -> p.getField("price").isNotNull())), lines));
    }

    /** Rows that broke a rule → {@code silver.quarantine}, with the rule names and the raw value. */
    public static Dataset<Row> quarantine(Dataset<Row> invalid) {
        return invalid.select(
                col("dq_violations"), col("raw_value"), col("topic").as("kafka_topic"),
                col("partition").as("kafka_partition"), col("offset").as("kafka_offset"), col("kafka_timestamp"),
                col("event_id"), col("event_type"), col("site_id"), col("anonymous_id"), col("event_ts").as("event_time"),
                col("received_ts").as("received_at"), col("ingest_time").as("bronze_ingest_time"),
                PlanConstants.now().as("quarantined_at"), to_date(col("kafka_timestamp")).as("quarantine_date"));
    }

    /** Silver events with products → {@code silver.product_events}: one row per product line. */
    public static Dataset<Row> productLines(Dataset<Row> silverEvents) {
        return silverEvents
                .where(col("products").isNotNull())
                .select(col("event_id"), col("event_type"), col("site_id"), col("anonymous_id"), col("user_id"),
                        col("event_time"), col("event_date"), col("order_id"), col("currency"), col("is_late"),
                        col("is_bot"), col("bot_reason"), posexplode(col("products")).as(new String[] {"line_number", "p"}))
                .select(col("event_id"), col("line_number"), col("event_type"), col("site_id"), col("anonymous_id"),
                        col("user_id"), col("event_time"), col("event_date"), col("order_id"), col("currency"),
                        col("p.sku").as("sku"), col("p.name").as("product_name"), col("p.category").as("category"),
                        col("p.price").as("price"), col("p.quantity").as("quantity"),
                        col("p.price").multiply(coalesce(col("p.quantity"), org.apache.spark.sql.functions.lit(1L))
                                .cast("decimal(18,0)")).cast("decimal(18,2)").as("line_revenue"),
                        col("is_late"), col("is_bot"), col("bot_reason"));
    }
}
