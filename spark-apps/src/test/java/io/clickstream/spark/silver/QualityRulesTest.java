package io.clickstream.spark.silver;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.BatchStats;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Each rule on its own row; a row's key is its Kafka key, received at 12:00:00 (default limits: 7 days, 10 min). */
class QualityRulesTest {
    private static final String T = "2026-11-20T12:00:00Z";
    private final SparkSession spark = SparkTestSession.get();
    private final PipelineConfig config = SparkTestSession.config(Path.of("unused"));

    private static EventJson ok(String n) {
        return EventJson.pageView("00000000-0000-0000-0000-00000000000" + n, "anon-" + n, T);
    }

    @Test
    void eachRuleCatchesItsOwnViolationAndOnlyIt() {
        KafkaRows rows = new KafkaRows()
                .add("clean", ok("1").referrer("https://www.google.com/").product("s", "c", "0.00", 0)
                        .order("o", "0", "eur").json(), T)
                .add("parse", "{broken", T)
                .add("no-id", ok("2").without("event_id").json(), T)
                .add("no-site", ok("3").without("site_id").json(), T)
                .add("blank-anon", ok("4").str("anonymous_id", " ").json(), T)
                .add("too-old", ok("5").str("event_time", "2026-11-13T11:59:59Z").json(), T)
                .add("old-enough", ok("6").str("event_time", "2026-11-13T12:00:00Z").json(), T)
                .add("ahead", ok("7").str("event_time", "2026-11-20T12:10:01Z").json(), T)
                .add("bad-url", ok("8").page("/relative", "/relative").json(), T)
                .add("bad-ref", ok("9").referrer("android-app://x y").json(), T)
                .add("app-ref", ok("9").referrer("android-app://com.google.android.gm/").json(), T)
                .add("anchor", ok("8").page("https://shop.example/#/docs#install", "/").json(), T)
                .add("neg-price", ok("1").product("a", "c", "-0.01", 1).json(), T)
                .add("neg-qty", ok("1").product("a", "c", "1.00", -1).json(), T)
                .add("neg-rev", ok("1").order("o", "-5.00", "EUR").json(), T)
                .add("currency", ok("1").order("o", "5.00", "XYZ").json(), T)
                .add("no-currency", ok("1").order("o", "5.00", "XXX").json(), T)
                .add("two", ok("1").product("a", "c", "-1", -1).json(), T)
                .add("v2", ok("1").str("schema_version", "2").json(), T)
                .add("no-version", ok("1").without("schema_version").json(), T);

        List<Row> out = SilverTransform.check(rows.toBronze(spark), config).select("kafka_key", "dq_violations").collectAsList();
        Map<String, List<String>> byKey = new TreeMap<>();
        out.forEach(r -> byKey.put(r.getString(0), r.getList(1)));

        assertThat(byKey.get("clean")).isEmpty();
        assertThat(byKey.get("parse")).containsExactly("parse_failure");
        assertThat(byKey.get("no-id")).containsExactly("missing_event_id");
        assertThat(byKey.get("no-site")).containsExactly("missing_required_field");
        assertThat(byKey.get("blank-anon")).containsExactly("missing_required_field");
        assertThat(byKey.get("too-old")).containsExactly("timestamp_out_of_range");
        assertThat(byKey.get("old-enough")).isEmpty();
        assertThat(byKey.get("ahead")).containsExactly("timestamp_out_of_range");
        assertThat(byKey.get("bad-url")).containsExactly("invalid_url");
        assertThat(byKey.get("bad-ref")).containsExactly("invalid_referrer");
        assertThat(byKey.get("app-ref")).isEmpty();
        assertThat(byKey.get("anchor")).isEmpty();
        assertThat(byKey.get("neg-price")).containsExactly("negative_price");
        assertThat(byKey.get("neg-qty")).containsExactly("negative_quantity");
        assertThat(byKey.get("neg-rev")).containsExactly("negative_revenue");
        assertThat(byKey.get("currency")).containsExactly("invalid_currency");
        assertThat(byKey.get("no-currency")).containsExactly("invalid_currency");
        assertThat(byKey.get("two")).containsExactly("negative_price", "negative_quantity");
        // A newer gateway's events go to quarantine with their raw value rather than be read with the wrong schema.
        assertThat(byKey.get("v2")).containsExactly("unsupported_schema_version");
        assertThat(byKey.get("no-version")).isEmpty();
    }

    @Test
    void lateMeansBehindTheReceiveTimeByMoreThanTheAllowedLateness() {
        KafkaRows rows = new KafkaRows()
                .add("on-time", ok("1").str("event_time", "2026-11-20T11:50:00Z").json(), T)
                .add("late", ok("2").str("event_time", "2026-11-20T11:49:59Z").json(), T)
                .add("fallback", ok("3").without("event_time").str("occurred_at", "2026-11-20T11:00:00Z").json(), T);

        Map<String, Boolean> late = new TreeMap<>();
        SilverTransform.check(rows.toBronze(spark), config).select("kafka_key", "is_late").collectAsList()
                .forEach(r -> late.put(r.getString(0), r.getBoolean(1)));

        assertThat(late).containsExactlyEntriesOf(new TreeMap<>(Map.of("fallback", true, "late", true, "on-time", false)));
    }

    @Test
    void aQuarantinedRowIsNotCountedAsLateToo() {
        KafkaRows rows = new KafkaRows()
                .add("late", ok("1").str("event_time", "2026-11-20T11:00:00Z").json(), T)
                .add("too-old-and-late", ok("2").str("event_time", "2026-11-12T12:00:00Z").json(), T)
                .add("bad-url-and-late", ok("3").str("event_time", "2026-11-20T11:00:00Z").page("/relative", "/relative").json(), T)
                .add("browser-url", ok("4").page("https://shop.example/s?q=a|b", "/s").referrer("https://forum.example/t/a|b").json(), T);
        long[] counted = new long[2];
        BatchStats.reportSilver(SilverTransform.check(rows.toBronze(spark), config), QualityRules.names(config), 0, 0, new PipelineMetrics() {
            @Override
            public void quarantined(long rows, Map<String, Long> perRule) {
                counted[0] = rows;
            }

            @Override
            public void lateEvents(long events) {
                counted[1] = events;
            }
        });
        assertThat(counted[0]).as("quarantined").isEqualTo(2);
        assertThat(counted[1]).as("late, in silver").isEqualTo(1);
    }

    @Test
    void aPurchaseSentWithoutRevenueIsWorthWhatItsLinesAddUpTo() {
        KafkaRows rows = new KafkaRows()
                .add("anon-1", EventJson.event("00000000-0000-0000-0000-000000000001", "purchase", "anon-1", T)
                        .product("sku-1", "shoes", "10.50", 2).product("sku-2", "socks", "3.00", 1)
                        .order("o-1", null, "EUR").json(), T)
                .add("anon-2", EventJson.event("00000000-0000-0000-0000-000000000002", "purchase", "anon-2", T)
                        .product("sku-1", "shoes", "10.50", 2).order("o-2", "19.99", "EUR").json(), T)
                .add("anon-3", EventJson.event("00000000-0000-0000-0000-000000000003", "add_to_cart", "anon-3", T)
                        .product("sku-1", "shoes", "10.50", 2).json(), T);

        Map<String, java.math.BigDecimal> revenue = new TreeMap<>();
        SilverTransform.enrich(SilverTransform.check(rows.toBronze(spark), config)).collectAsList()
                .forEach(r -> revenue.put(r.getAs("anonymous_id"), r.getAs("revenue")));
        assertThat(revenue.get("anon-1")).as("the lines: 2 × 10.50 + 3.00").isEqualByComparingTo("24.00");
        assertThat(revenue.get("anon-2")).as("the revenue sent, not the lines").isEqualByComparingTo("19.99");
        assertThat(revenue).containsEntry("anon-3", null); // no order: a cart's lines are no revenue
    }

    @Test
    void aNativeAppsOsDeviceAndAppAreTheOnesItsSdkSends() {
        String dalvik = "Dalvik/2.1.0 (Linux; U; Android 14; Pixel 8 Build/AP1A.240405.002)";
        KafkaRows rows = new KafkaRows()
                .add("android", ok("1").userAgent("okhttp/4.12.0").context("os", "{\"name\":\"Android\",\"version\":\"14\"}")
                        .context("device", "{\"type\":\"android\",\"manufacturer\":\"Google\",\"model\":\"Pixel 8\"}")
                        .context("app", "{\"name\":\"Shop\",\"version\":\"3.2.0\",\"build\":\"412\"}").json(), T)
                .add("ipad", ok("2").context("os", "{\"name\":\"iPadOS\",\"version\":\"17.4\"}")
                        .context("device", "{\"type\":\"ios\",\"manufacturer\":\"Apple\",\"model\":\"iPad13,18\"}").json(), T)
                .add("mac", ok("3").context("device", "{\"type\":\"macos\",\"model\":\"MacBookPro18,3\"}").json(), T)
                // an SDK that sends its OS only: the device is the agent's
                .add("os-only", ok("4").userAgent(dalvik).context("os", "{\"name\":\"Android\",\"version\":\"14\"}").json(), T)
                .add("web", ok("5").userAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
                        + "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1").json(), T)
                // sent straight to /v1/events by a browser SDK that leaves the OS empty: the agent's
                .add("blank", ok("6").userAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like "
                        + "Gecko) Chrome/131.0.0.0 Safari/537.36").context("os", "{\"name\":\"\",\"version\":\" \"}")
                        .context("app", "{\"name\":\"\"}").json(), T);

        Map<String, Row> byVisitor = new java.util.HashMap<>();
        SilverTransform.enrich(SilverTransform.check(rows.toBronze(spark), config)).collectAsList()
                .forEach(r -> byVisitor.put(r.getAs("anonymous_id"), r));
        java.util.function.Function<Row, String> device = r -> String.join("|", r.<String>getAs("os"),
                r.<String>getAs("os_version"), r.<String>getAs("device"), r.<String>getAs("device_type"),
                String.valueOf(r.<String>getAs("app_name")), String.valueOf(r.<String>getAs("app_version")),
                String.valueOf(r.<String>getAs("app_build")));
        assertThat(device.apply(byVisitor.get("anon-1"))).isEqualTo("Android|14|Pixel 8|mobile|Shop|3.2.0|412");
        assertThat(device.apply(byVisitor.get("anon-2"))).isEqualTo("iPadOS|17.4|iPad13,18|tablet|null|null|null");
        assertThat(byVisitor.get("anon-3").<String>getAs("device_type")).isEqualTo("desktop");
        assertThat(device.apply(byVisitor.get("anon-4"))).isEqualTo("Android|14|Pixel 8|mobile|null|null|null");
        assertThat(device.apply(byVisitor.get("anon-5"))).isEqualTo("iOS|17.4|iPhone|mobile|null|null|null");
        assertThat(device.apply(byVisitor.get("anon-6"))).isEqualTo("Windows|10|Other|desktop|null|null|null");
    }

    @Test
    void enrichmentAndProductLines() {
        KafkaRows rows = new KafkaRows().add("anon-1", EventJson.event("00000000-0000-0000-0000-000000000001", "purchase",
                        "anon-1", T)
                .page("https://www.shop.example/checkout?utm_source=mail&utm_medium=email&utm_campaign=bf", "/checkout")
                .referrer("https://www.google.com/")
                .userAgent("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)")
                .product("sku-1", "shoes", "10.50", 2).product("sku-2", "socks", "3.00", 1)
                .order("o-1", "24.00", "eur").json(), T);

        Row e = SilverTransform.enrich(SilverTransform.check(rows.toBronze(spark), config)).head();
        assertThat(e.<String>getAs("page_domain")).isEqualTo("shop.example");
        assertThat(e.<String>getAs("page_path")).isEqualTo("/checkout");
        assertThat(e.<String>getAs("utm_campaign")).isEqualTo("bf");
        assertThat(e.<String>getAs("traffic_source")).isEqualTo("mail");
        assertThat(e.<String>getAs("traffic_medium")).isEqualTo("email");
        assertThat(e.<String>getAs("referrer_domain")).isEqualTo("google.com");
        assertThat(e.<Boolean>getAs("is_bot")).isTrue();
        assertThat(e.<String>getAs("currency")).isEqualTo("EUR");
        assertThat(e.<Integer>getAs("event_hour")).isEqualTo(12);

        List<Row> lines = SilverTransform.productLines(SilverTransform.enrich(SilverTransform.check(rows.toBronze(spark), config)))
                .orderBy("line_number").collectAsList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0).<String>getAs("sku")).isEqualTo("sku-1");
        assertThat(lines.get(0).<java.math.BigDecimal>getAs("line_revenue")).isEqualByComparingTo("21.00");
        assertThat(lines.get(1).<Integer>getAs("line_number")).isEqualTo(1);
        assertThat(lines.get(1).<String>getAs("order_id")).isEqualTo("o-1");
    }
}
