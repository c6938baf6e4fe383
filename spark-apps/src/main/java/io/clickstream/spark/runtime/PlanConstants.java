package io.clickstream.spark.runtime;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.api.java.UDF0;
import org.apache.spark.sql.types.DataTypes;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.udf;

/**
 * Values that change from one micro-batch to the next (a time, a batch id, a range bound), put into plans so that
 * their generated code stays the same. Spark writes long and timestamp literals into the Java source it generates
 * ({@code current_timestamp()} becomes one in a stream), so a plan holding the batch's time as a literal is compiled
 * again every batch: by Janino, then by the JIT from the interpreter up. On a two-core driver that recompilation took
 * a large share of the CPU. A UDF's value reaches the generated code as a reference instead, and a bound rounded to
 * the hour changes once an hour.
 */
public final class PlanConstants {
    private static final UDF0<Long> NOW_MICROS = () -> ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());

    private PlanConstants() {
    }

    /** The time each row is computed (an ingest or processing time), in place of {@code current_timestamp()}. */
    public static Column now() {
        return timestamp_micros(udf(NOW_MICROS, DataTypes.LongType).asNondeterministic().asNonNullable().apply());
    }

    /** {@code value} in every row. */
    public static Column of(long value) {
        return udf((UDF0<Long>) () -> value, DataTypes.LongType).asNonNullable().apply();
    }

    /** The start of {@code t}'s hour (UTC): a lower bound for pruning that stays the same all hour. */
    public static Timestamp startOfHour(Timestamp t) {
        return Timestamp.from(t.toInstant().truncatedTo(ChronoUnit.HOURS));
    }

    /** The last instant of {@code t}'s hour (UTC): the matching upper bound. */
    public static Timestamp endOfHour(Timestamp t) {
        return Timestamp.from(t.toInstant().truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1)).minusNanos(1000));
    }
}
