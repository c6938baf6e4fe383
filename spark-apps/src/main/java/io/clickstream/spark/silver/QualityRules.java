package io.clickstream.spark.silver;

import io.clickstream.contract.ClickEvent;
import io.clickstream.spark.config.PipelineConfig;
import org.apache.spark.sql.Column;

import java.util.List;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exists;
import static org.apache.spark.sql.functions.length;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

/**
 * The business rules the gateway does not enforce. Each rule is a name and a condition that is true when a
 * bronze row breaks it; a row that breaks any goes to {@code silver.quarantine} with the names.
 */
public final class QualityRules {
    public static final String PARSE_FAILURE = "parse_failure";
    public static final String UNSUPPORTED_SCHEMA_VERSION = "unsupported_schema_version";
    public static final String MISSING_EVENT_ID = "missing_event_id";
    public static final String MISSING_REQUIRED_FIELD = "missing_required_field";
    public static final String TIMESTAMP_OUT_OF_RANGE = "timestamp_out_of_range";
    public static final String INVALID_URL = "invalid_url";
    public static final String INVALID_REFERRER = "invalid_referrer";
    public static final String NEGATIVE_PRICE = "negative_price";
    public static final String NEGATIVE_QUANTITY = "negative_quantity";
    public static final String NEGATIVE_REVENUE = "negative_revenue";
    public static final String INVALID_CURRENCY = "invalid_currency";

    public record Rule(String name, Column violated) {
    }

    private QualityRules() {
    }

    /** The event time the jobs use: the gateway's skew-corrected time, else the client's. */
    public static Column eventTime() {
        return coalesce(col("event_time"), col("occurred_at"));
    }

    /** The gateway's receive time, else the Kafka record's timestamp (set by the gateway on publish). */
    public static Column receivedTime() {
        return coalesce(col("received_at"), col("kafka_timestamp"));
    }

    public static List<Rule> all(PipelineConfig config) {
        long maxAgeMicros = config.maxEventAge().toNanos() / 1000;
        long aheadMicros = config.maxClockAhead().toNanos() / 1000;
        Column ageMicros = unix_micros(receivedTime()).minus(unix_micros(eventTime()));
        Column parsed = not(col("parse_failed"));
        return List.of(
                new Rule(PARSE_FAILURE, col("parse_failed")),
                // Bronze reads every row with this jar's contract: a newer version's fields would be dropped or misread.
                new Rule(UNSUPPORTED_SCHEMA_VERSION, parsed.and(col("schema_version").isNotNull())
                        .and(col("schema_version").notEqual(lit(ClickEvent.SCHEMA_VERSION)))),
                new Rule(MISSING_EVENT_ID, parsed.and(blank(col("event_id")))),
                new Rule(MISSING_REQUIRED_FIELD, parsed.and(blank(col("event_type")).or(blank(col("site_id")))
                        .or(blank(col("anonymous_id"))).or(col("occurred_at").isNull()))),
                new Rule(TIMESTAMP_OUT_OF_RANGE, parsed.and(eventTime().isNotNull())
                        .and(ageMicros.gt(maxAgeMicros).or(ageMicros.lt(-aheadMicros)))),
                new Rule(INVALID_URL, present(col("page.url")).and(not(SilverUdfs.VALID_URL.apply(col("page.url"))))),
                new Rule(INVALID_REFERRER, present(col("page.referrer"))
                        .and(not(SilverUdfs.VALID_REFERRER.apply(col("page.referrer"))))),
                new Rule(NEGATIVE_PRICE, coalesce(exists(col("commerce.products"), p -> p.getField("price").lt(0)), lit(false))),
                new Rule(NEGATIVE_QUANTITY, coalesce(exists(col("commerce.products"), p -> p.getField("quantity").lt(0)), lit(false))),
                new Rule(NEGATIVE_REVENUE, coalesce(col("commerce.revenue").lt(0), lit(false))),
                new Rule(INVALID_CURRENCY, present(col("commerce.currency"))
                        .and(not(SilverUdfs.VALID_CURRENCY.apply(col("commerce.currency"))))));
    }

    public static List<String> names(PipelineConfig config) {
        return all(config).stream().map(Rule::name).toList();
    }

    /** The names of the rules a row breaks, an empty array for a clean row. */
    public static Column violations(PipelineConfig config) {
        Column[] names = all(config).stream()
                .map(r -> when(coalesce(r.violated(), lit(false)), lit(r.name())))
                .toArray(Column[]::new);
        return array_compact(array(names));
    }

    private static Column blank(Column c) {
        return c.isNull().or(length(trim(c)).equalTo(0));
    }

    private static Column present(Column c) {
        return c.isNotNull().and(length(trim(c)).gt(0));
    }
}
