package io.clickstream.spark.it;

import io.clickstream.localkafka.KafkaBroker;
import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldStream;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.metrics.PrometheusMetrics;
import io.clickstream.spark.metrics.QueryProgressListener;
import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.testing.EventMix;
import io.clickstream.spark.testing.MetricsScrape;
import io.clickstream.spark.testing.SparkTestSession;
import io.clickstream.spark.testing.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/** A real KRaft broker → bronze → silver → gold, all streaming in the test's driver, with metrics scraped over HTTP. */
class KafkaToGoldTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void eventsFlowFromKafkaToEveryLayerAndTheMetricsShowIt(@TempDir Path dir) throws Exception {
        try (KafkaBroker kafka = KafkaBroker.builder().dataDir(dir.resolve("kafka")).start();
             PrometheusMetrics metrics = new PrometheusMetrics().serve(0)) {
            PipelineConfig config = SparkTestSession.config(dir).withKafka(kafka.bootstrapServers());
            TestKafka.createTopic(kafka.bootstrapServers(), config.eventsTopic(), 2);

            List<EventMix.Event> events = EventMix.generate(30, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60));
            try (KafkaProducer<String, String> producer = TestKafka.producer(kafka.bootstrapServers())) {
                for (EventMix.Event e : events) {
                    producer.send(TestKafka.record(config.eventsTopic(), e.anonymousId(), e.json(), e.receivedAt()));
                }
                // a client retry (same event id) and a record that is not JSON
                EventMix.Event retried = events.get(0);
                producer.send(TestKafka.record(config.eventsTopic(), retried.anonymousId(), retried.json(), Instant.now()));
                producer.send(TestKafka.record(config.eventsTopic(), "visitor-x", "{\"event_type\":", Instant.now()));
                producer.flush();
            }
            long pageViews = events.stream().filter(e -> e.type().equals("page_view")).count();
            BigDecimal revenue = events.stream().map(EventMix.Event::revenue).filter(r -> r != null)
                    .reduce(BigDecimal.ZERO, BigDecimal::add);

            QueryProgressListener listener = new QueryProgressListener(metrics);
            spark.streams().addListener(listener);
            // Which fair-scheduler pool each Spark job ran in (SchedulerPools): one per query.
            java.util.Set<String> pools = java.util.concurrent.ConcurrentHashMap.newKeySet();
            SparkListener poolRecorder = new SparkListener() {
                @Override
                public void onJobStart(SparkListenerJobStart jobStart) {
                    String pool = jobStart.properties() == null ? null : jobStart.properties().getProperty("spark.scheduler.pool");
                    if (pool != null) {
                        pools.add(pool);
                    }
                }
            };
            spark.sparkContext().addSparkListener(poolRecorder);
            BronzeTable.ensure(spark, config);
            GoldTables.ensure(spark, config);
            List<StreamingQuery> queries = new ArrayList<>();
            try {
                queries.add(BronzeStream.start(spark, config, metrics));
                queries.add(SilverStream.start(spark, config, metrics));
                queries.add(GoldStream.start(spark, config, metrics));
                queries.add(GoldStream.startPeriodic(spark, config, metrics));

                awaitTrue(() -> sumOf(config, "page_metrics_1m", "page_views") == pageViews
                        && sumOf(config, "daily_active_users", "events") == events.size()
                        && sessionEvents(config) == events.size()
                        && queries.stream().allMatch(q -> q.lastProgress() != null), queries);
                // progress reaches listeners asynchronously
                awaitTrue(() -> MetricsScrape.of(metrics).contains("query=\"gold\"")
                        && MetricsScrape.of(metrics).contains("clickstream_end_to_end_latency_seconds_count{layer=\"gold\"}")
                        && MetricsScrape.of(metrics).contains("clickstream_end_to_end_latency_seconds_count{layer=\"gold_periodic\"}"), queries);

                assertThat(count(BronzeTable.path(config))).isEqualTo(events.size() + 2);
                assertThat(count(SilverTables.path(config, SilverTables.EVENTS))).isEqualTo(events.size());
                assertThat(count(SilverTables.path(config, SilverTables.QUARANTINE))).isEqualTo(1);
                Row rev = spark.read().format("delta").load(GoldTables.path(config, "revenue_5m"))
                        .selectExpr("sum(revenue)").head();
                assertThat(rev.getDecimal(0)).isEqualByComparingTo(revenue);
                // 15 anonymous ids, each on both sites: a session belongs to one site's visitor
                assertThat(spark.sql("SELECT site_id, count(*) FROM gold.sessions GROUP BY site_id ORDER BY site_id")
                        .collectAsList()).extracting(Row::toString).containsExactly("[blog,15]", "[shop,15]");
            } finally {
                queries.forEach(KafkaToGoldTest::stop);
                spark.streams().removeListener(listener);
            }

            spark.sparkContext().removeSparkListener(poolRecorder);
            assertThat(pools).contains("bronze", "silver", "gold", "gold-periodic");

            String scraped = MetricsScrape.of(metrics);
            assertThat(scraped).contains("clickstream_query_processed_rows_per_second{query=\"bronze\"}")
                    .contains("clickstream_query_kafka_lag_records{query=\"bronze\"}")
                    .contains("clickstream_query_batch_duration_seconds{query=\"gold\"}")
                    .contains("clickstream_query_batch_duration_seconds{query=\"gold-periodic\"}")
                    .contains("clickstream_quarantined_rows_total 1.0")
                    .contains("clickstream_quality_rule_violations_total{rule=\"parse_failure\"} 1.0")
                    .contains("clickstream_parse_failures_total 1.0")
                    .contains("clickstream_duplicates_removed_total 1.0")
                    .contains("clickstream_end_to_end_latency_seconds_bucket{layer=\"bronze\"")
                    .contains("clickstream_freshness_seconds{layer=\"bronze\"}")
                    .contains("clickstream_end_to_end_latency_seconds_bucket{layer=\"silver\"")
                    .contains("clickstream_end_to_end_latency_seconds_count{layer=\"gold\"}")
                    .contains("clickstream_freshness_seconds{layer=\"gold\"}")
                    .contains("clickstream_freshness_seconds{layer=\"gold_periodic\"}");
        }
    }

    private long count(String path) {
        return spark.read().format("delta").load(path).count();
    }

    private long sumOf(PipelineConfig config, String table, String column) {
        Row r = spark.read().format("delta").load(GoldTables.path(config, table)).selectExpr("sum(" + column + ")").head();
        return r.isNullAt(0) ? 0 : r.getLong(0);
    }

    private long sessionEvents(PipelineConfig config) {
        return sumOf(config, "sessions", "events");
    }

    private static void awaitTrue(BooleanSupplier condition, List<StreamingQuery> queries) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 180_000;
        while (System.currentTimeMillis() < deadline) {
            for (StreamingQuery q : queries) {
                if (q.exception().isDefined()) {
                    throw new AssertionError("query " + q.name() + " failed", q.exception().get());
                }
            }
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("the pipeline did not reach the expected totals in time");
    }

    private static void stop(StreamingQuery q) {
        try {
            q.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
