package io.clickstream.spark.app;

import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The all-layers driver starts its hour, day and lifetime query once silver + gold's first batch is done. */
class AllLayersJobTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    @Timeout(120)
    void waitsUntilTheQueryHasFinishedABatchThatReadRows(@TempDir Path dir) throws Exception {
        StreamingQuery q = readingRows(dir, 1_500);
        try {
            assertThat(q.lastProgress()).as("no batch has finished right after the start").isNull();
            AllLayersJob.awaitFirstBatch(q, q, Duration.ofMinutes(1), () -> false);
            assertThat(q.recentProgress()).as("progress of the first batch").anyMatch(p -> p.numInputRows() > 0);
        } finally {
            q.stop();
        }
    }

    /** After a restart: silver has nothing new yet, while bronze's first batch still runs. */
    @Test
    @Timeout(120)
    void anIdleQueryWhoseUpstreamReadsRowsIsWaitedForUntilTheLimit(@TempDir Path dir) throws Exception {
        StreamingQuery idle = idle(dir.resolve("idle"));
        StreamingQuery upstream = readingRows(dir, 30_000); // still in its first batch when the wait ends
        try {
            long started = System.nanoTime();
            AllLayersJob.awaitFirstBatch(idle, upstream, Duration.ofSeconds(8), () -> false);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofSeconds(8));
            // It reported progress (an idle trigger), which does not count as a batch.
            assertThat(idle.recentProgress()).isNotEmpty().allMatch(p -> p.numInputRows() == 0);
        } finally {
            idle.stop();
            upstream.stop();
        }
    }

    /** No traffic at all: nothing to wait for. */
    @Test
    @Timeout(60)
    void aQueryAndUpstreamWithNothingToReadAreNotWaitedFor(@TempDir Path dir) throws Exception {
        StreamingQuery idle = idle(dir.resolve("a"));
        StreamingQuery upstream = idle(dir.resolve("b"));
        try {
            AllLayersJob.awaitFirstBatch(idle, upstream, Duration.ofMinutes(10), () -> false); // the test's timeout fails a long wait
            assertThat(idle.isActive()).isTrue();
        } finally {
            idle.stop();
            upstream.stop();
        }
    }

    @Test
    @Timeout(60)
    void aStoppedQueryIsNotWaitedFor(@TempDir Path dir) throws Exception {
        StreamingQuery q = readingRows(dir, 0);
        q.stop();
        AllLayersJob.awaitFirstBatch(q, q, Duration.ofMinutes(10), () -> false); // the test's timeout fails it if this waits
        assertThat(q.isActive()).isFalse();
    }

    /** SIGTERM during a cold start: the job stops waiting for the first batch and starts nothing more. */
    @Test
    @Timeout(60)
    void aStopRequestEndsTheWait(@TempDir Path dir) throws Exception {
        StreamingQuery idle = idle(dir.resolve("idle"));
        StreamingQuery upstream = readingRows(dir, 30_000);
        try {
            long started = System.nanoTime();
            AllLayersJob.awaitFirstBatch(idle, upstream, Duration.ofMinutes(10),
                    () -> System.nanoTime() - started > Duration.ofSeconds(1).toNanos());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        } finally {
            idle.stop();
            upstream.stop();
        }
    }

    /** A stream of a table of ten rows, its first batch reads them all and takes {@code batchMillis}. */
    private StreamingQuery readingRows(Path dir, long batchMillis) throws Exception {
        String table = dir.resolve("ten-rows").toString();
        spark.range(10).write().format("delta").save(table);
        VoidFunction2<Dataset<Row>, Long> slowBatch = (batch, id) -> {
            batch.count();
            Thread.sleep(batchMillis);
        };
        return spark.readStream().format("delta").load(table).writeStream()
                .option("checkpointLocation", dir.resolve("rows-cp").toString()).foreachBatch(slowBatch).start();
    }

    /** A stream of an empty table. */
    private StreamingQuery idle(Path dir) throws Exception {
        String empty = dir.resolve("empty").toString();
        spark.range(0).write().format("delta").save(empty);
        return spark.readStream().format("delta").load(empty).writeStream()
                .option("checkpointLocation", dir.resolve("idle-cp").toString()).format("noop").start();
    }
}
