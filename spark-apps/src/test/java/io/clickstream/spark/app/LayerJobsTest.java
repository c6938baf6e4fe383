package io.clickstream.spark.app;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * On Kubernetes each layer is a driver of its own, all started at once by one install. A table is created by the job
 * that writes it only: two drivers that both found it missing would both write its first commit.
 */
class LayerJobsTest {
    private final SparkSession spark = SparkTestSession.get();

    /**
     * The bronze job's driver is creating the table as silver starts: the log directory is there, its first commit not
     * yet. Then the commit appears, written by that other driver (here: moved in, past this JVM's caches).
     */
    @Test
    void silverWaitsForTheBronzeJobToCreateBronzeEvents(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir.resolve("pipeline"));
        Path log = Path.of(BronzeTable.path(config), "_delta_log");
        Files.createDirectories(log);
        CompletableFuture<List<StreamingQuery>> silver = start(SilverJob::start, config, new AtomicBoolean());
        Thread.sleep(5_000);
        assertThat(silver).isNotDone();
        assertThat(DeltaTable.isDeltaTable(spark, BronzeTable.path(config))).isFalse();

        PipelineConfig bronzeDriver = SparkTestSession.config(dir.resolve("bronze-driver"));
        BronzeTable.ensure(spark, bronzeDriver);
        try (Stream<Path> commits = Files.list(Path.of(BronzeTable.path(bronzeDriver), "_delta_log"))) {
            for (Path commit : commits.filter(Files::isRegularFile).toList()) {
                Files.move(commit, log.resolve(commit.getFileName()));
            }
        }
        List<StreamingQuery> queries = silver.get(3, TimeUnit.MINUTES);
        try {
            assertThat(queries).hasSize(1).allMatch(StreamingQuery::isActive);
        } finally {
            for (StreamingQuery q : queries) {
                q.stop();
            }
        }
    }

    @Test
    void goldWaitsForTheSilverJobsTablesUntilAskedToStop(@TempDir Path dir) throws Exception {
        PipelineConfig config = SparkTestSession.config(dir);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<List<StreamingQuery>> gold = start(GoldJob::start, config, stop);
        Thread.sleep(5_000);
        assertThat(gold).isNotDone();
        assertThat(DeltaTable.isDeltaTable(spark, SilverTables.path(config, SilverTables.EVENTS))).isFalse();

        stop.set(true); // SIGTERM while waiting
        assertThat(gold.get(30, TimeUnit.SECONDS)).isEmpty();
    }

    private CompletableFuture<List<StreamingQuery>> start(Layers layers, PipelineConfig config, AtomicBoolean stop) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return layers.start(spark, config, PipelineMetrics.NONE, stop::get);
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        });
    }
}
