package io.clickstream.spark.it;

import io.clickstream.localkafka.KafkaBroker;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.ContinueSessions;
import io.clickstream.spark.gold.Funnel;
import io.clickstream.spark.gold.LiveSessions;
import io.clickstream.spark.gold.Session;
import io.clickstream.spark.gold.SessionEvent;
import io.clickstream.spark.gold.Sessionizer;
import io.clickstream.spark.gold.GoldRollup;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.testing.EventMix;
import io.clickstream.spark.testing.PipelineProcess;
import io.clickstream.spark.testing.SparkTestSession;
import io.clickstream.spark.testing.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The all-layers job as its own process, killed with SIGKILL three times while it works through a backlog,
 * restarted each time, then stopped with SIGTERM, while it also compacts and vacuums its tables every few seconds.
 * Afterwards: every Kafka offset once in bronze, every event id once in silver, and every gold table equal to its
 * recomputation from silver.
 */
class ExactlyOnceTest {
    private static final int KILLS = 3;
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void killedAndRestartedThePipelineLosesAndRepeatsNothing(@TempDir Path dir) throws Exception {
        try (KafkaBroker kafka = KafkaBroker.builder().dataDir(dir.resolve("kafka")).start()) {
            PipelineConfig config = SparkTestSession.config(dir).withKafka(kafka.bootstrapServers());
            TestKafka.createTopic(kafka.bootstrapServers(), config.eventsTopic(), 2);
            List<EventMix.Event> events = EventMix.generate(400, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(900));
            int retries = 40;
            try (KafkaProducer<String, String> producer = TestKafka.producer(kafka.bootstrapServers())) {
                for (EventMix.Event e : events) {
                    producer.send(TestKafka.record(config.eventsTopic(), e.anonymousId(), e.json(), e.receivedAt()));
                }
                for (int i = 0; i < retries; i++) {
                    EventMix.Event e = events.get(i * 7);
                    producer.send(TestKafka.record(config.eventsTopic(), e.anonymousId(), e.json(), Instant.now()));
                }
                producer.flush();
            }
            long records = events.size() + retries;

            Path configFile = dir.resolve("pipeline.properties");
            Files.writeString(configFile, String.join("\n",
                    "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "warehouse.root=" + config.warehouseRoot(),
                    "checkpoint.root=" + config.checkpointRoot(),
                    // small batches, so each kill lands in the middle of one
                    "kafka.max.offsets.per.trigger=150",
                    "bronze.trigger=200ms", "silver.trigger=200ms", "gold.trigger=200ms", "gold.periodic.trigger=200ms",
                    // compaction and vacuum run beside the streams, and are killed with them
                    "maintenance.interval=3 seconds",
                    "metrics.port=0", ""));
            // kept under target/ so that a failed build still has it
            Path log = Path.of(System.getProperty("clickstream.test.classpath.file")).resolveSibling("exactly-once-pipeline.log");
            Files.deleteIfExists(log);
            Random random = new Random(42);

            for (int kill = 0; kill < KILLS; kill++) {
                long before = rows(BronzeTable.path(config));
                PipelineProcess p = PipelineProcess.start("io.clickstream.spark.app.AllLayersJob", configFile, log);
                awaitTrue(() -> rows(BronzeTable.path(config)) > before || !p.isAlive(), 120, log);
                if (!p.isAlive()) {
                    throw new AssertionError("the pipeline exited with " + p.exitCode() + "; " + report(log));
                }
                Thread.sleep(1000 + random.nextInt(4000));
                p.kill();
            }

            PipelineProcess last = PipelineProcess.start("io.clickstream.spark.app.AllLayersJob", configFile, log);
            long pageViews = events.stream().filter(e -> e.type().equals("page_view")).count();
            long purchases = events.stream().filter(e -> e.type().equals("purchase")).count();
            // every gold table has caught up with the whole of silver
            awaitTrue(() -> rows(SilverTables.path(config, SilverTables.EVENTS)) == events.size()
                    && sum(GoldTables.path(config, "page_metrics_1m"), "page_views") == pageViews
                    && sum(GoldTables.path(config, "revenue_5m"), "units") == purchases
                    && sum(GoldTables.path(config, "trending_products"), "purchases") == purchases
                    && sum(GoldTables.path(config, "daily_active_users"), "events") == events.size()
                    && sum(GoldTables.path(config, "customer_lifetime_value"), "orders") == purchases
                    && sum(GoldTables.path(config, GoldTables.SESSIONS), "events") == events.size(), 420, log);
            assertThat(last.terminate()).as("exit code after SIGTERM").isZero();

            for (String table : List.of(BronzeTable.path(config), SilverTables.path(config, SilverTables.EVENTS))) {
                assertThat(DeltaTable.forPath(spark, table).history().where("operation = 'OPTIMIZE'").count())
                        .as("compactions of " + table).isPositive();
            }
            Dataset<Row> bronze = spark.read().format("delta").load(BronzeTable.path(config));
            assertThat(bronze.count()).isEqualTo(records);
            assertThat(bronze.select("partition", "offset").distinct().count()).isEqualTo(records);
            Dataset<Row> silver = spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS));
            assertThat(silver.count()).isEqualTo(events.size());
            assertThat(silver.select("event_id").distinct().count()).isEqualTo(events.size());

            for (GoldRollup r : GoldTables.rollups(config)) {
                Dataset<Row> source = r.source() == GoldRollup.Source.EVENTS ? silver
                        : spark.read().format("delta").load(SilverTables.path(config, SilverTables.PRODUCT_EVENTS));
                Dataset<Row> recomputed = r.aggregate(r.relevant(source));
                String[] columns = recomputed.columns();
                Dataset<Row> table = spark.read().format("delta").load(GoldTables.path(config, r.table()))
                        .selectExpr(columns);
                assertThat(table.exceptAll(recomputed).count()).as(r.table()).isZero();
                assertThat(recomputed.exceptAll(table).count()).as(r.table()).isZero();
            }
            Dataset<Row> allSessions = spark.read().format("delta").load(GoldTables.path(config, GoldTables.SESSIONS));
            Dataset<Row> funnel = Funnel.aggregate(allSessions, config.funnelWindow());
            Dataset<Row> funnelTable = spark.read().format("delta").load(GoldTables.path(config, Funnel.TABLE))
                    .selectExpr(funnel.columns());
            assertThat(funnelTable.exceptAll(funnel).count()).as("funnel").isZero();
            assertThat(funnel.exceptAll(funnelTable).count()).as("funnel").isZero();
            // Each session, its funnel step, user and pages included, as one pass over silver in event-time order gives it.
            assertThat(allSessions.selectExpr("concat_ws(' ', session_key, events, funnel_step, revenue, landing_page, exit_page, user_id, pages_visited)")
                    .as(Encoders.STRING()).collectAsList())
                    .containsExactlyInAnyOrderElementsOf(sessionsInOnePass(silver, config));
            Row sessions = allSessions.selectExpr("sum(events)", "sum(purchases)", "sum(revenue)").head();
            // Sessions count people: late events and known bots stay out of them.
            Row fromSilver = silver.where("NOT is_late AND NOT is_bot").selectExpr("count(*)", "sum(if(event_type = 'purchase', 1, 0))",
                    "sum(if(event_type = 'purchase', revenue, 0))").head();
            assertThat(sessions.getLong(0)).isEqualTo(fromSilver.getLong(0));
            assertThat(sessions.getLong(1)).isEqualTo(fromSilver.getLong(1));
            assertThat(sessions.getDecimal(2)).isEqualByComparingTo(fromSilver.getDecimal(2));
        }
    }

    private static List<String> sessionsInOnePass(Dataset<Row> silver, PipelineConfig config) {
        Map<String, List<SessionEvent>> byVisitor = new TreeMap<>();
        for (Row r : LiveSessions.input(silver).collectAsList()) {
            byVisitor.computeIfAbsent(ContinueSessions.key(r.getString(0), r.getString(1)), k -> new ArrayList<>())
                    .add(SessionEvent.of(r));
        }
        Sessionizer sessionizer = new Sessionizer(config.sessionGap().toMillis());
        List<String> sessions = new ArrayList<>();
        byVisitor.forEach((key, events) -> {
            String[] visitor = key.split("\u0000");
            for (Session s : sessionizer.apply(visitor[0], visitor[1], new Sessionizer.VisitorState(), events)) {
                // as concat_ws joins them: nulls left out, an array's elements one by one
                sessions.add(Stream.concat(Stream.of(s.key, Long.toString(s.events), Integer.toString(s.funnelStep()),
                                s.revenue.setScale(2).toPlainString(), s.landingPage, s.exitPage, s.userId), s.pages().stream())
                        .filter(Objects::nonNull).collect(Collectors.joining(" ")));
            }
        });
        return sessions;
    }

    private long rows(String path) {
        try {
            return spark.read().format("delta").load(path).count();
        } catch (Exception e) {
            return 0; // not created yet
        }
    }

    private long sum(String path, String column) {
        try {
            Row r = spark.read().format("delta").load(path).selectExpr("sum(" + column + ")").head();
            return r.isNullAt(0) ? 0 : r.getLong(0);
        } catch (Exception e) {
            return 0;
        }
    }

    private static void awaitTrue(BooleanSupplier condition, int seconds, Path log) throws Exception {
        long deadline = System.currentTimeMillis() + seconds * 1000L;
        while (System.currentTimeMillis() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(1000);
        }
        throw new AssertionError("condition not reached in " + seconds + " s; " + report(log));
    }

    /** The log's first errors (a cause is often far above the end of a long log) and its end. */
    private static String report(Path log) throws IOException {
        String text = Files.readString(log);
        List<String> errors = text.lines().filter(l -> l.contains(" ERROR ") || l.contains("Exception"))
                .limit(8).map(l -> l.length() > 500 ? l.substring(0, 500) + " …" : l).toList();
        return "pipeline log " + log + "\nfirst errors:\n  " + String.join("\n  ", errors)
                + "\nend:\n" + (text.length() <= 4000 ? text : text.substring(text.length() - 4000));
    }
}
