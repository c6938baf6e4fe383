package io.clickstream.launcher.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole product on one machine, driven as a user drives it: {@code ./clickstream up --detach}, a person shopping
 * in the demo shop in headless Chromium, {@code ./clickstream simulate} with a fixed seed, then the gold tables
 * checked for exact equality with the simulator's ground truth. Then the Spark driver is killed mid-stream and
 * restarted, and everything is checked again: nothing lost, nothing doubled.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LocalStackIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path HOME = Path.of(System.getProperty("clickstream.home", "..")).toAbsolutePath().normalize();
    private static final Duration CATCH_UP = Duration.ofMinutes(8);

    private static Path work;
    private static Cli cli;
    private static String gatewayUrl;
    private static String browserVisitor;
    private static final List<JsonNode> truths = new ArrayList<>();

    @BeforeAll
    static void up() throws Exception {
        work = HOME.resolve("launcher/target/e2e");
        deleteRecursively(work);
        Files.createDirectories(work);
        int gateway = freePort();
        int kafka = freePortPair();
        int sparkMetrics = freePort();
        int prometheus = freePort();
        gatewayUrl = "http://127.0.0.1:" + gateway;
        cli = new Cli(HOME, work.resolve("data"), List.of("--data-dir", work.resolve("data").toString(),
                "--port", Integer.toString(gateway), "--kafka-port", Integer.toString(kafka),
                "--spark-metrics-port", Integer.toString(sparkMetrics), "--prometheus-port", Integer.toString(prometheus),
                "--spark-heap", "2g"), work.resolve("cli.log"));
        Cli.Result up = cli.run(600, "up", "--detach");
        assertThat(up.exitCode()).as("./clickstream up --detach; see " + cli.log).isZero();
        assertThat(up.stdout()).contains("Clickstream is up").contains(gatewayUrl + "/demo/");
    }

    @AfterAll
    static void down() throws Exception {
        if (cli != null) {
            Cli.Result down = cli.run(300, "down");
            assertThat(down.exitCode()).isZero();
        }
    }

    @Test
    @Order(1)
    void statusShowsEveryComponentRunning() throws Exception {
        Cli.Result status = cli.run(120, "status", "--json", "--no-counts");
        assertThat(status.exitCode()).isZero();
        JsonNode s = JSON.readTree(status.stdout());
        assertThat(s.get("running").asBoolean()).isTrue();
        assertThat(s.get("gateway_url").asText()).isEqualTo(gatewayUrl);
        assertThat(s.get("gateway_ready").asBoolean()).isTrue();
        assertThat(s.at("/demo_site/write_key").asText()).isEqualTo("demo-write-key");
        for (String component : List.of("kafka", "gateway", "spark")) {
            assertThat(s.at("/components/" + component + "/state").asText()).as(component).isEqualTo("running");
        }
    }

    @Test
    @Order(2)
    void aShopperAndSimulatedTrafficEndUpInGoldExactlyAsGenerated() throws Exception {
        browserVisitor = DemoShopVisit.shop(gatewayUrl, work);
        assertThat(browserVisitor).isNotBlank();
        truths.add(simulate(7, 30));

        Map<String, Object> expected = expectedCounts();
        Map<String, Object> actual = awaitCounts(expected);
        assertThat(actual).isEqualTo(expected);
        assertThat(revenueBySku()).isEqualTo(expectedRevenue());
        assertBrowserVisitExactlyOnce();
    }

    @Test
    @Order(3)
    void killingTheSparkDriverMidStreamLosesAndDoublesNothing() throws Exception {
        CompletableFuture<JsonNode> traffic = CompletableFuture.supplyAsync(() -> {
            try {
                return simulate(8, 40);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(15_000);
        Cli.Result restart = cli.run(300, "restart-spark", "--kill");
        assertThat(restart.exitCode()).as("restart-spark --kill; see " + cli.log).isZero();
        truths.add(traffic.get());

        Map<String, Object> expected = expectedCounts();
        assertThat(awaitCounts(expected)).isEqualTo(expected);
        assertThat(revenueBySku()).isEqualTo(expectedRevenue());
        assertBrowserVisitExactlyOnce();
        JsonNode bronze = one("SELECT COUNT(*) AS records, COUNT(DISTINCT topic, partition, offset) AS offsets FROM bronze.events");
        assertThat(bronze.get("records").asLong()).as("bronze holds each Kafka offset once").isEqualTo(bronze.get("offsets").asLong());
    }

    private static JsonNode simulate(long seed, int seconds) throws Exception {
        Path truth = work.resolve("truth-" + seed + ".json");
        Cli.Result sim = cli.run(seconds + 240L, "simulate", "--rate", "60", "--duration", Integer.toString(seconds),
                "--seed", Long.toString(seed), "--truth", truth.toString());
        assertThat(sim.exitCode()).as("simulate; see " + cli.log).isZero();
        return JSON.readTree(truth.toFile());
    }

    /** What the tables must hold: the simulators' truths plus the one browser session (one purchase of one mug). */
    private static Map<String, Object> expectedCounts() {
        Map<String, Object> m = new java.util.TreeMap<>();
        m.put("simulated_silver_events", sum("silverEvents"));
        m.put("quarantined", sum("quarantined"));
        m.put("duplicate_event_ids", 0L);
        m.put("sessions", sum("sessions") + 1);
        m.put("funnel_viewed", sum("/funnel/page_view") + 1);
        m.put("funnel_viewed_product", sum("/funnel/product_view") + 1);
        m.put("funnel_added_to_cart", sum("/funnel/add_to_cart") + 1);
        m.put("funnel_started_checkout", sum("/funnel/checkout_start") + 1);
        m.put("funnel_purchased", sum("/funnel/purchase") + 1);
        return m;
    }

    private static Map<String, Object> counts() throws Exception {
        JsonNode row = one("""
                SELECT
                  (SELECT COUNT(*) FROM silver.events WHERE anonymous_id <> '%1$s') AS simulated_silver_events,
                  (SELECT COUNT(*) FROM silver.quarantine) AS quarantined,
                  (SELECT COUNT(*) - COUNT(DISTINCT event_id) FROM silver.events) AS duplicate_event_ids,
                  (SELECT COUNT(*) FROM gold.sessions) AS sessions,
                  (SELECT COALESCE(SUM(viewed), 0) FROM gold.funnel) AS funnel_viewed,
                  (SELECT COALESCE(SUM(viewed_product), 0) FROM gold.funnel) AS funnel_viewed_product,
                  (SELECT COALESCE(SUM(added_to_cart), 0) FROM gold.funnel) AS funnel_added_to_cart,
                  (SELECT COALESCE(SUM(started_checkout), 0) FROM gold.funnel) AS funnel_started_checkout,
                  (SELECT COALESCE(SUM(purchased), 0) FROM gold.funnel) AS funnel_purchased
                """.formatted(browserVisitor));
        Map<String, Object> m = new java.util.TreeMap<>();
        row.fields().forEachRemaining(f -> m.put(f.getKey(), f.getValue().asLong()));
        return m;
    }

    /** Polls (each query is a short Spark job) until the tables match or the catch-up time is over. */
    private static Map<String, Object> awaitCounts(Map<String, Object> expected) throws Exception {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        Map<String, Object> actual = counts();
        while (!actual.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10_000);
            actual = counts();
        }
        return actual;
    }

    private static Map<String, BigDecimal> revenueBySku() throws Exception {
        Map<String, BigDecimal> out = new java.util.TreeMap<>();
        for (JsonNode row : rows("SELECT sku, CAST(SUM(revenue) AS STRING) AS revenue FROM gold.revenue_5m GROUP BY sku")) {
            out.put(row.get("sku").asText(), new BigDecimal(row.get("revenue").asText()).stripTrailingZeros());
        }
        return out;
    }

    private static Map<String, BigDecimal> expectedRevenue() {
        Map<String, BigDecimal> out = new java.util.TreeMap<>();
        for (JsonNode truth : truths) {
            truth.get("revenueByProduct").fields().forEachRemaining(f ->
                    out.merge(f.getKey(), new BigDecimal(f.getValue().asText()), BigDecimal::add));
        }
        out.merge(DemoShopVisit.SKU, new BigDecimal("12.50"), BigDecimal::add);
        out.replaceAll((k, v) -> v.stripTrailingZeros());
        return out;
    }

    private static void assertBrowserVisitExactlyOnce() throws Exception {
        List<JsonNode> events = rows("SELECT event_type, COUNT(*) AS n FROM silver.events WHERE anonymous_id = '"
                + browserVisitor + "' GROUP BY event_type");
        Map<String, Long> byType = new HashMap<>();
        events.forEach(e -> byType.put(e.get("event_type").asText(), e.get("n").asLong()));
        assertThat(byType).containsEntry("product_view", 1L).containsEntry("add_to_cart", 1L)
                .containsEntry("checkout_start", 1L).containsEntry("purchase", 1L);
        assertThat(byType.get("page_view")).isGreaterThanOrEqualTo(4L);
        JsonNode dup = one("SELECT COUNT(*) - COUNT(DISTINCT event_id) AS extra FROM silver.events WHERE anonymous_id = '"
                + browserVisitor + "'");
        assertThat(dup.get("extra").asLong()).isZero();
    }

    private static long sum(String field) {
        long total = 0;
        for (JsonNode t : truths) {
            total += field.startsWith("/") ? t.at(field).asLong() : t.get(field).asLong();
        }
        return total;
    }

    private static JsonNode one(String sql) throws Exception {
        List<JsonNode> rows = rows(sql);
        assertThat(rows).as(sql).hasSize(1);
        return rows.get(0);
    }

    private static List<JsonNode> rows(String sql) throws Exception {
        Cli.Result r = cli.run(300, "sql", "--json", sql);
        assertThat(r.exitCode()).as("sql; see " + cli.log).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("{")) {
                rows.add(JSON.readTree(line));
            }
        }
        return rows;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** A port whose successor is free too (Kafka's controller takes port + 1). */
    private static int freePortPair() throws IOException {
        for (int i = 0; i < 50; i++) {
            int p = freePort();
            try (ServerSocket next = new ServerSocket(p + 1, 1, java.net.InetAddress.getLoopbackAddress())) {
                return p;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no free port pair");
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
