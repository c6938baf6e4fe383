package io.clickstream.spark.app;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.query.SqlQuery;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.KafkaRows;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class EntryPointsTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private final StreamingApp app = new StreamingApp("bronze", "Streams things.", (spark, config, metrics, stopRequested) -> {
        throw new AssertionError("must not start streaming");
    }, config -> List.of());

    private int run(String... args) {
        return app.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
    }

    @Test
    void helpDescribesTheOptions() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("usage: bronze").contains("--config FILE").contains("--dry-run");
    }

    @Test
    void dryRunValidatesTheConfigurationAndExits(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "kafka.bootstrap.servers=broker:9092\n");
        assertThat(run("--config", file.toString(), "--dry-run")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("configuration is valid").contains("broker:9092");

        Files.writeString(file, "metrics.port=-1\n");
        assertThat(run("--config", file.toString(), "--dry-run")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("metrics.port");
        assertThat(run("--bogus")).isEqualTo(2);
    }

    @Test
    void aFailingQueryMakesTheJobExitNonZero(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "metrics.port=0\ncheckpoint.root=" + dir.resolve("cp") + "\n");
        StreamingApp failing = new StreamingApp("failing", "Fails.", (spark, config, metrics, stopRequested) -> List.of(
                spark.readStream().format("rate").option("rowsPerSecond", "1").load()
                        .writeStream().option("checkpointLocation", config.checkpoint("failing"))
                        .foreachBatch((org.apache.spark.api.java.function.VoidFunction2<org.apache.spark.sql.Dataset<org.apache.spark.sql.Row>, Long>)
                                (rows, id) -> {
                                    throw new IllegalStateException("boom in batch " + id);
                                })
                        .start()), config -> List.of());

        int code = failing.run(new String[] {"--config", file.toString()}, new PrintStream(out, true),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);

        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("boom in batch");
    }

    /**
     * SIGTERM while the job is still starting (the all-layers job creates tables between its queries): the stop
     * covers the queries running at the signal, and the job also stops those its start went on to launch.
     */
    @Test
    void aStopWhileStartingAlsoStopsTheQueriesStartedAfterIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "metrics.port=0\ncheckpoint.root=" + dir.resolve("cp") + "\n");
        List<StreamingQuery> started = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicReference<StreamingApp> job = new java.util.concurrent.atomic.AtomicReference<>();
        job.set(new StreamingApp("slow-start", "Starts slowly.", (spark, config, metrics, stopRequested) -> {
            started.add(rateQuery(spark, config, "first"));
            job.get().requestStop(spark); // the signal arrives
            while (started.get(0).isActive()) {
                Thread.sleep(50);
            }
            assertThat(stopRequested.getAsBoolean()).isTrue();
            started.add(rateQuery(spark, config, "second")); // a start that did not look, after the stop ran
            return List.copyOf(started);
        }, config -> List.of()));

        int code = job.get().run(new String[] {"--config", file.toString()}, new PrintStream(out, true),
                new PrintStream(err, true, StandardCharsets.UTF_8), false);

        assertThat(code).isZero();
        assertThat(started).hasSize(2).noneMatch(StreamingQuery::isActive);
    }

    private static StreamingQuery rateQuery(SparkSession spark, PipelineConfig config, String name)
            throws java.util.concurrent.TimeoutException {
        return spark.readStream().format("rate").option("rowsPerSecond", "1").load().writeStream().queryName(name)
                .option("checkpointLocation", config.checkpoint(name)).format("noop").start();
    }

    /** The restarted driver counts from zero: the failure must be scrapeable before the failed one exits. */
    @Test
    void aFailedJobKeepsItsMetricsEndpointUpWithTheFailureCountedBeforeExiting(@TempDir Path dir) throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "metrics.port=" + port + "\nmetrics.failure.linger=4 seconds\ncheckpoint.root=" + dir.resolve("cp") + "\n");
        StreamingApp failing = new StreamingApp("failing", "Fails.", (spark, config, metrics, stopRequested) -> {
            throw new IllegalStateException("cannot start");
        }, config -> List.of());

        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                failing.run(new String[] {"--config", file.toString()}, new PrintStream(out, true),
                        new PrintStream(err, true, StandardCharsets.UTF_8), false));
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        boolean seen = false;
        while (!seen && !exit.isDone()) {
            try {
                seen = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString()).body().contains("clickstream_query_failures_total 1.0");
            } catch (java.io.IOException e) {
                // not serving yet
            }
            Thread.sleep(100);
        }
        assertThat(seen).as("failure counted on the endpoint before the job exited").isTrue();
        assertThat(exit.get(60, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("cannot start").contains("keeping the metrics endpoint up for 4 s");
    }

    @Test
    void sqlRunsQueriesOnTablesByNameAsTableOrJson(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        new KafkaRows()
                .add("a", EventJson.pageView("00000000-0000-0000-0000-000000000001", "a", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:00Z")
                .add("b", EventJson.pageView("00000000-0000-0000-0000-000000000002", "b", "2026-11-20T12:00:00Z").json(), "2026-11-20T12:00:00Z")
                .add("c", "{oops", "2026-11-20T12:00:00Z")
                .appendToBronze(spark, config);
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "warehouse.root=" + config.warehouseRoot() + "\ncheckpoint.root=" + config.checkpointRoot() + "\n");
        String sql = "SELECT parse_failed, count(*) AS n FROM bronze.events GROUP BY parse_failed ORDER BY parse_failed";
        long version = io.delta.tables.DeltaTable.forPath(spark, BronzeTable.path(config)).history(1).head().getLong(0);

        assertThat(SqlQuery.run(new String[] {"--config", file.toString(), "--json", sql}, new PrintStream(out, true), System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).lines().toList())
                .isEqualTo(List.of("{\"parse_failed\":false,\"n\":2}", "{\"parse_failed\":true,\"n\":1}"));

        out.reset();
        assertThat(SqlQuery.run(new String[] {"--config", file.toString(), sql}, new PrintStream(out, true), System.err)).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("|parse_failed|n  |").contains("|false       |2  |");

        assertThat(SqlQuery.run(new String[] {"--config", file.toString(), "SELECT * FROM gold.nothing"},
                new PrintStream(out, true), new PrintStream(err, true))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("once the pipeline has written it");
        assertThat(io.delta.tables.DeltaTable.forPath(spark, BronzeTable.path(config)).history(1).head().getLong(0))
                .as("registering a table by name commits nothing to it").isEqualTo(version);
    }

    /** A query may run while a driver creates its tables: it creates, and cleans up, none itself. */
    @Test
    void sqlWritesNothing(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        Path file = dir.resolve("c.properties");
        Files.writeString(file, "warehouse.root=" + config.warehouseRoot() + "\ncheckpoint.root=" + config.checkpointRoot() + "\n");
        // a table whose creation has begun: its log directory, no commit yet
        Path creating = Path.of(BronzeTable.path(config), "_delta_log");
        Files.createDirectories(creating);

        assertThat(SqlQuery.run(new String[] {"--config", file.toString(), "SELECT 1 AS one"}, new PrintStream(out, true),
                System.err)).isZero();
        assertThat(creating).isEmptyDirectory();
        assertThat(Path.of(config.warehouseRoot(), "gold")).doesNotExist();
    }
}
