package io.clickstream.spark.app;

import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.gold.GoldStream;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.silver.SilverTables;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * Bronze, silver and gold in one driver: the local mode. Kafka → bronze, and bronze → silver → gold in one micro-batch
 * ({@link SilverGoldBatchWriter}), so an event waits for two commits on its way to gold, not three; the hour, day and
 * lifetime tables follow silver in a third query on a slower trigger ({@link GoldStream#startPeriodic}).
 */
public final class AllLayersJob {
    private static final Duration FIRST_BATCH_WAIT = Duration.ofMinutes(3);

    private AllLayersJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("all-layers", "Runs bronze, silver and gold in one driver (local mode).",
                (spark, config, metrics, stopRequested) -> {
                    // Bronze first: it keeps what the gateway acknowledged while a cold driver creates the other
                    // tables (half a minute on two cores). Those come before the streams that read and write them.
                    StreamingQuery bronze = BronzeStream.start(spark, config, metrics);
                    GoldTables.ensure(spark, config);
                    if (stopRequested.getAsBoolean()) {
                        return List.of(bronze);
                    }
                    // Named like the silver query of the per-layer jobs: it reads bronze the same way, so the
                    // dashboards and alerts that watch silver's input need no second name.
                    StreamingQuery silverAndGold = SilverStream.start(spark, config, SilverStream.QUERY_NAME,
                            Trigger.ProcessingTime(config.silverTrigger().toMillis()),
                            new SilverGoldBatchWriter(config, metrics), GoldTables.addedToBySilverAndGold(config));
                    // A cold driver's first batches compile most of the code they run, a minute or more on two cores.
                    // The hour, day and lifetime tables wait for silver + gold's first batch rather than slow it down.
                    awaitFirstBatch(silverAndGold, bronze, FIRST_BATCH_WAIT, stopRequested);
                    if (!silverAndGold.isActive() || stopRequested.getAsBoolean()) {
                        return List.of(bronze, silverAndGold); // failed, or asked to stop: nothing more to start
                    }
                    return List.of(bronze, silverAndGold, GoldStream.startPeriodic(spark, config, metrics));
                },
                config -> Stream.of(BronzeTable.maintained(config), SilverTables.maintained(config),
                        GoldTables.maintained(config)).flatMap(List::stream).toList()).main(args);
    }

    /**
     * Until {@code query} has finished a batch that read rows, or it and {@code upstream} both found nothing to read,
     * or it stopped, or the job was asked to stop, or {@code limit} has passed. An idle {@code query} alone does not
     * count: after a restart, silver's first trigger finds no new bronze rows long before bronze's first batch has
     * committed.
     */
    static void awaitFirstBatch(StreamingQuery query, StreamingQuery upstream, Duration limit, BooleanSupplier stopRequested)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (query.isActive() && !readRows(query) && !(idle(query) && idle(upstream))
                && !stopRequested.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
    }

    private static boolean readRows(StreamingQuery query) {
        return Arrays.stream(query.recentProgress()).anyMatch(p -> p.numInputRows() > 0);
    }

    private static boolean idle(StreamingQuery query) {
        StreamingQueryProgress last = query.lastProgress();
        return last != null && last.numInputRows() == 0;
    }
}
