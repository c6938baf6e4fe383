package io.clickstream.spark.silver;

import io.clickstream.spark.runtime.MicroBatches;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.time.Duration;
import java.util.List;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_micros;

/**
 * Events sent again after deduplication has forgotten their id. The tracker keeps unsent events for days and sends
 * them with the visitor's next page; when the first copy did arrive (its answer lost on the way back), the repeat comes
 * long after the watermark let the event id go. Deduplication keeps an id for at least the watermark's delay after
 * the first copy's receipt, so only an event older than that on arrival can be such a repeat: only those are looked up
 * in {@code silver.events}, by event id, around their event time. A row there at the same Kafka position
 * is the event itself, written by a batch that is now replayed, not an earlier copy.
 */
public final class LateRepeats {
    private static final List<String> POSITION = List.of("topic", "partition", "offset");

    private final Dataset<Row> positions;
    private final long count;

    private LateRepeats(Dataset<Row> positions, long count) {
        this.positions = positions;
        this.count = count;
    }

    /**
     * The rows of {@code checked} (a materialized, deduplicated batch) whose event id {@code silver.events} at
     * {@code eventsPath} already holds from another Kafka position. Rows less than half the watermark old on arrival
     * are not looked up: half leaves room for clocks and time in transit.
     */
    public static LateRepeats find(Dataset<Row> checked, String eventsPath, Duration dedupWatermark) {
        long halfWatermarkMicros = dedupWatermark.toNanos() / 2000;
        Dataset<Row> aged = SilverTransform.valid(checked)
                .where(unix_micros(col("received_ts")).minus(unix_micros(col("event_ts"))).gt(halfWatermarkMicros))
                .select(col("event_id"), col("event_ts"), col("topic"), col("partition"), col("offset"));
        Row span = aged.agg(count(lit(1)), min("event_ts"), max("event_ts")).head();
        if (span.getLong(0) == 0) {
            return new LateRepeats(null, 0);
        }
        // Both copies' event times are the gateway's receipt less the client's own send delay: they differ by the
        // time in transit, or by a clock set right in between. The dates prune partitions; the times, files.
        Column from = lit(span.getTimestamp(1)).minus(expr("INTERVAL 1 HOUR"));
        Column to = lit(span.getTimestamp(2)).plus(expr("INTERVAL 1 HOUR"));
        Column around = col("s.event_date").between(to_date(from), to_date(to))
                .and(col("s.event_time").between(from, to));
        Column earlierCopy = col("s.event_id").equalTo(col("a.event_id"))
                .and(col("s.kafka_topic").equalTo(col("a.topic"))
                        .and(col("s.kafka_partition").equalTo(col("a.partition")))
                        .and(col("s.kafka_offset").equalTo(col("a.offset"))).unary_$bang());
        SparkSession spark = checked.sparkSession();
        Dataset<Row> stored = spark.read().format("delta").load(eventsPath).alias("s").where(around);
        Dataset<Row> repeats = aged.alias("a").join(stored, earlierCopy, "left_semi")
                .select(POSITION.stream().map(c -> col("a." + c).as("repeat_" + c)).toArray(Column[]::new))
                .distinct();
        // Computed from the table this batch writes next: kept as rows, not as a plan over the table.
        Dataset<Row> positions = MicroBatches.materialize(repeats);
        return new LateRepeats(positions, positions.count());
    }

    /** How many rows of the batch are repeats. */
    public long size() {
        return count;
    }

    /** {@code checked} without the repeats. */
    public Dataset<Row> removedFrom(Dataset<Row> checked) {
        if (count == 0) {
            return checked;
        }
        Column samePosition = POSITION.stream().map(c -> col(c).equalTo(col("repeat_" + c)))
                .reduce(Column::and).orElseThrow();
        return checked.join(broadcast(positions), samePosition, "left_anti");
    }

    public void release() {
        if (positions != null) {
            MicroBatches.release(positions);
        }
    }
}
