package io.clickstream.spark.bench;

import io.clickstream.contract.Topics;
import io.clickstream.spark.app.SilverGoldBatchWriter;
import io.clickstream.spark.app.SparkSessions;
import io.clickstream.spark.bronze.BronzeTransform;
import io.clickstream.spark.config.ConfigLoader;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.silver.SilverTransform;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The all-layers driver's silver + gold micro-batch ({@link SilverGoldBatchWriter}) run over and over in this JVM on
 * generated input, with no Kafka, no other query and no second process: where a batch's time goes, Spark job by job.
 * Prints each batch's wall time and job count, then, over the second half of the batches (a warmer JVM), jobs and
 * job time per batch by job description (jobs of different tables overlap, so their times add up to more than the
 * wall time; the wall time also holds the planning before each job).
 *
 * <p>{@code SilverGoldBatchBench [batches=20] [events per batch=10000]}; Spark options as {@code -Dspark.*};
 * {@code -Dbench.storedOrders=N}: {@code silver.orders} starts with N orders of earlier days.
 */
public final class SilverGoldBatchBench {
    private SilverGoldBatchBench() {
    }

    public static void main(String[] args) throws Exception {
        int batches = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int perBatch = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "batch-bench-");
        Path configFile = dir.resolve("bench.properties");
        Files.writeString(configFile, String.join("\n",
                "warehouse.root=" + dir.resolve("warehouse"),
                "checkpoint.root=" + dir.resolve("checkpoints"),
                PipelineBench.NO_RATE_BOTS,
                "metrics.port=0", ""));
        PipelineConfig config = ConfigLoader.load(configFile);
        SparkSession spark = SparkSessions.create(config);
        GoldTables.ensure(spark, config);
        long storedOrders = Long.getLong("bench.storedOrders", 0);
        if (storedOrders > 0) {
            // what silver.orders holds after a shop's months of purchases: each batch's purchases are looked up in it
            spark.range(storedOrders).selectExpr("'shop' AS site_id", "concat('earlier-', id) AS order_id",
                            "uuid() AS event_id", "TIMESTAMP'2026-01-01 00:00:00' AS event_time",
                            "'" + Topics.EVENTS + "' AS kafka_topic", "CAST(id % 6 AS INT) AS kafka_partition",
                            "id + 1000000000000 AS kafka_offset", "current_timestamp() AS silver_time")
                    .write().format("delta").mode("append").save(SilverTables.path(config, SilverTables.ORDERS));
        }
        JobTimes jobs = new JobTimes();
        spark.sparkContext().addSparkListener(jobs);

        SilverGoldBatchWriter writer = new SilverGoldBatchWriter(config, PipelineMetrics.NONE);
        List<Long> walls = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            // From an RDD, as a stream's batch is: a local relation would be folded by the optimizer row by row.
            Dataset<Row> kafka = spark.createDataFrame(
                    JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(kafkaRows((long) b * perBatch, perBatch), 2),
                    BronzeTransform.KAFKA_SCHEMA);
            Dataset<Row> checked = SilverTransform.check(BronzeTransform.apply(kafka), config);
            if (b == batches / 2) {
                jobs.reset();
            }
            long jobsBefore = jobs.count.get();
            long start = System.nanoTime();
            writer.call(checked, (long) b);
            long wall = (System.nanoTime() - start) / 1_000_000;
            walls.add(wall);
            System.out.printf("batch %d: %d ms, %d jobs%n", b, wall, jobs.count.get() - jobsBefore);
        }

        int measured = batches - batches / 2;
        List<Long> second = walls.subList(batches / 2, batches).stream().sorted().toList();
        System.out.printf("%nsecond half (%d batches of %d events): wall median %d ms, min %d, max %d; %.1f jobs per batch%n",
                measured, perBatch, second.get(second.size() / 2), second.get(0), second.get(second.size() - 1),
                jobs.count.get() / (double) measured);
        System.out.println("per batch, by job description: jobs, job time (ms)");
        new TreeMap<>(jobs.byDescription).forEach((description, t) -> System.out.printf("  %-60s %5.1f %7.0f%n",
                description, t[0] / (double) measured, t[1] / (double) measured));
        spark.stop();
    }

    /** Kafka records as Spark's Kafka source gives them, with the gateway's headers. */
    private static List<Row> kafkaRows(long first, int n) {
        List<Row> rows = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Instant now = Instant.now();
            String visitor = PipelineBench.visitor(first + i);
            Row[] headers = {
                    RowFactory.create(Topics.HEADER_SITE_ID, bytes("shop")),
                    RowFactory.create(Topics.HEADER_SCHEMA_VERSION, bytes("1")),
                    RowFactory.create(Topics.HEADER_RECEIVED_AT, bytes(now.toString()))};
            rows.add(RowFactory.create(bytes(visitor), bytes(PipelineBench.event(0, first + i, now)), Topics.EVENTS,
                    (int) ((first + i) % 2), first + i, Timestamp.from(now), 0, scala.collection.mutable.WrappedArray.make(headers)));
        }
        return rows;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Jobs and their time by description (the first line of {@code spark.job.description}). */
    private static final class JobTimes extends SparkListener {
        final AtomicLong count = new AtomicLong();
        final Map<String, long[]> byDescription = new ConcurrentHashMap<>();
        private final Map<Integer, Object[]> running = new ConcurrentHashMap<>();

        void reset() {
            count.set(0);
            byDescription.clear();
        }

        @Override
        public void onJobStart(SparkListenerJobStart start) {
            String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
            running.put(start.jobId(), new Object[] {description == null ? "(none)" : description.lines().findFirst().orElse(""),
                    start.time()});
        }

        @Override
        public void onJobEnd(SparkListenerJobEnd end) {
            Object[] started = running.remove(end.jobId());
            if (started == null) {
                return;
            }
            count.incrementAndGet();
            long[] t = byDescription.computeIfAbsent((String) started[0], k -> new long[2]);
            synchronized (t) {
                t[0]++;
                t[1] += end.time() - (Long) started[1];
            }
        }
    }
}
