package io.clickstream.spark.bench;

import io.clickstream.localkafka.KafkaBroker;
import io.clickstream.spark.app.SilverGoldBatchWriter;
import io.clickstream.spark.app.SparkSessions;
import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.config.ConfigLoader;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldStream;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.testing.TestKafka;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.nio.file.Files;
import java.nio.file.Path;

/** Each layer alone, one after the other, over the same backlog: where the time goes without contention. */
public final class LayerBench {
    interface Layer {
        StreamingQuery start(SparkSession spark, PipelineConfig config) throws Exception;
    }

    public static void main(String[] args) throws Exception {
        long n = Long.parseLong(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "layer-bench-");
        try (KafkaBroker kafka = KafkaBroker.builder().dataDir(dir.resolve("kafka")).heap("512m").start()) {
            TestKafka.createTopic(kafka.bootstrapServers(), "clickstream.events", 2);
            Path configFile = dir.resolve("bench.properties");
            Files.writeString(configFile, String.join("\n",
                    "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "warehouse.root=" + dir.resolve("warehouse"),
                    "checkpoint.root=" + dir.resolve("checkpoints"),
                    "kafka.max.offsets.per.trigger=" + System.getProperty("bench.maxOffsets", "1000000"),
                    PipelineBench.NO_RATE_BOTS,
                    "metrics.port=0", ""));
            PipelineConfig config = ConfigLoader.load(configFile);
            SparkSession spark = SparkSessions.create(config);
            GoldTables.ensure(spark, config);
            Trigger now = Trigger.AvailableNow();
            for (int round = 0; round < rounds; round++) {
                long sent = PipelineBench.produce(kafka, round * n, n, 0, Long.MAX_VALUE);
                System.out.printf("round %d: %d events produced%n", round, sent);
                profile = round == rounds - 1;
                time("bronze", sent, () -> BronzeStream.start(spark, config, PipelineMetrics.NONE, now));
                if (Boolean.getBoolean("bench.fused")) {
                    time("silver+gold", sent, () -> SilverStream.start(spark, config, SilverStream.QUERY_NAME, now,
                            new SilverGoldBatchWriter(config, PipelineMetrics.NONE), GoldTables.addedToBySilverAndGold(config)));
                } else {
                    time("silver", sent, () -> SilverStream.start(spark, config, PipelineMetrics.NONE, now));
                    time("gold", sent, () -> GoldStream.start(spark, config, PipelineMetrics.NONE, now));
                }
                time("gold-periodic", sent, () -> GoldStream.startPeriodic(spark, config, PipelineMetrics.NONE, now));
            }
            spark.stop();
        }
    }

    private interface Start {
        StreamingQuery start() throws Exception;
    }

    static boolean profile;

    private static void time(String name, long n, Start start) throws Exception {
        Object ap = null;
        if (profile && System.getProperty("bench.profiler") != null) {
            Class<?> c = Class.forName("one.profiler.AsyncProfiler");
            ap = c.getMethod("getInstance", String.class).invoke(null, System.getProperty("bench.profiler"));
            c.getMethod("execute", String.class).invoke(ap, "start,event=itimer,interval=2ms");
        }
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        StreamingQuery q = start.start();
        q.awaitTermination();
        double s = (System.nanoTime() - t0) / 1e9;
        if (ap != null) {
            ap.getClass().getMethod("execute", String.class).invoke(ap, "stop,file=/tmp/prof-" + name + ".collapsed,collapsed");
        }
        double cpu = (os.getProcessCpuTime() - cpu0) / 1e9;
        System.out.printf("LAYER %-14s %8.1f s %,10.0f events/s  %.1f core-s (%.0f µs per event)%n", name, s, n / s, cpu, cpu * 1e6 / n);
    }
}
