package io.clickstream.spark.bench;

import io.clickstream.spark.app.SparkSessions;
import io.clickstream.spark.config.ConfigLoader;
import io.clickstream.spark.config.PipelineConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.apache.spark.sql.streaming.Trigger;

import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import static org.apache.spark.sql.functions.col;

/**
 * The benchmark's ceiling: the plainest Spark query from the same Kafka topic to a Delta append (value as a
 * string plus the Kafka position, no parsing), same session settings and batch bound as the pipeline. Reads the
 * backlog with {@code availableNow} and prints {@code BARE BATCH <start ms> <end ms> <rows so far>} for each batch, and
 * {@code BARE <rows> <ms from first batch start to the end>}.
 */
public final class BareKafkaToDelta {
    public static void main(String[] args) throws Exception {
        PipelineConfig config = ConfigLoader.load(Path.of(args[1]));
        SparkSession spark = SparkSessions.create(config);
        AtomicLong firstBatchStart = new AtomicLong();
        AtomicLong rows = new AtomicLong();
        spark.streams().addListener(new StreamingQueryListener() {
            @Override
            public void onQueryStarted(QueryStartedEvent event) {
            }

            @Override
            public void onQueryProgress(QueryProgressEvent event) {
                long batchStart = Instant.parse(event.progress().timestamp()).toEpochMilli();
                firstBatchStart.compareAndSet(0, batchStart);
                long total = rows.addAndGet(event.progress().numInputRows());
                Long took = event.progress().durationMs().get("triggerExecution");
                System.out.printf("BARE BATCH %d %d %d%n", batchStart, batchStart + (took == null ? 0 : took), total);
            }

            @Override
            public void onQueryTerminated(QueryTerminatedEvent event) {
            }
        });
        StreamingQuery q = spark.readStream().format("kafka")
                .option("kafka.bootstrap.servers", config.kafkaBootstrapServers())
                .option("subscribe", config.eventsTopic())
                .option("startingOffsets", "earliest")
                .option("maxOffsetsPerTrigger", config.maxOffsetsPerTrigger())
                .load()
                .select(col("value").cast("string").as("raw_value"), col("topic"), col("partition"), col("offset"),
                        col("timestamp"))
                .writeStream()
                .format("delta")
                .option("checkpointLocation", config.checkpoint("bare"))
                .trigger(Trigger.AvailableNow())
                .start(config.tablePath("bare", "events"));
        q.awaitTermination();
        long end = System.currentTimeMillis();
        // progress events are delivered asynchronously: give the last one a moment
        Thread.sleep(1_000);
        System.out.printf("BARE %d %d%n", rows.get(), end - firstBatchStart.get());
        spark.stop();
    }
}
