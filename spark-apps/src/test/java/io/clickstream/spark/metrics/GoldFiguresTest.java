package io.clickstream.spark.metrics;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class GoldFiguresTest {
    private final SparkSession spark = SparkTestSession.get();

    /** A first gold batch slower than the first refresh (a busy machine) must not leave the dashboards empty for good. */
    @Test
    void figuresAppearOnceGoldTablesExistEvenIfEarlierRoundsFoundNone(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve(0);
             GoldFigures figures = new GoldFigures(spark, config, metrics).every(Duration.ofMillis(200))) {
            Thread.sleep(2_000); // rounds that find no gold table
            assertThat(scrape(metrics)).doesNotContain("clickstream_business_value{");

            GoldTables.ensure(spark, config);
            String live = "clickstream_business_value{figure=\"live_sessions\"} 0.0";
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            String scraped = scrape(metrics);
            while (!scraped.contains(live) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                scraped = scrape(metrics);
            }
            assertThat(scraped).contains(live);
        }
    }

    private static String scrape(PrometheusMetrics metrics) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }
}
