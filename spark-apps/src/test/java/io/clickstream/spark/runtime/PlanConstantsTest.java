package io.clickstream.spark.runtime;

import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.debug.package$;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.function.LongFunction;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

class PlanConstantsTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void aValuePerBatchKeepsTheGeneratedCodeTheSame() {
        assertThat(values(PlanConstants::of, 7)).containsOnly(8L);
        assertThat(values(PlanConstants::of, 41)).containsOnly(42L);
        assertThat(generatedCode(PlanConstants::of, 7)).isEqualTo(generatedCode(PlanConstants::of, 41));
        // what it replaces: a literal is written into the generated source, so each value compiles a new class
        assertThat(generatedCode(v -> lit(v), 7)).isNotEqualTo(generatedCode(v -> lit(v), 41));
    }

    @Test
    void nowIsTheTimeEachRowIsComputed() {
        Instant before = Instant.now();
        List<Row> rows = spark.range(3).select(PlanConstants.now().as("t")).collectAsList();
        Instant after = Instant.now();
        for (Row r : rows) {
            assertThat(r.getTimestamp(0).toInstant()).isBetween(before.minusMillis(1), after.plusMillis(1));
        }
        assertThat(spark.range(1).select(PlanConstants.now()).schema().fields()[0].nullable()).isFalse();
    }

    @Test
    void hourBoundsContainTheInstantAndChangeOnlyOnTheHour() {
        Timestamp t = Timestamp.from(Instant.parse("2026-12-02T10:17:42.123456Z"));
        assertThat(PlanConstants.startOfHour(t).toInstant()).isEqualTo(Instant.parse("2026-12-02T10:00:00Z"));
        assertThat(PlanConstants.endOfHour(t).toInstant()).isEqualTo(Instant.parse("2026-12-02T10:59:59.999999Z"));
        Timestamp onTheHour = Timestamp.from(Instant.parse("2026-12-02T11:00:00Z"));
        assertThat(PlanConstants.startOfHour(onTheHour)).isEqualTo(onTheHour);
    }

    /** The distinct values of {@code v} ({@code value + 1}) over the plan's rows. */
    private List<Long> values(LongFunction<Column> constant, long value) {
        return plan(constant, value).collectAsList().stream().map(r -> r.getLong(0)).distinct().toList();
    }

    private List<String> generatedCode(LongFunction<Column> constant, long value) {
        // (subtree, generated source, byte code stats) per whole-stage-codegen subtree: the source only
        return scala.collection.JavaConverters.seqAsJavaList(package$.MODULE$.codegenStringSeq(
                        plan(constant, value).queryExecution().executedPlan()))
                .stream().map(t -> t._2()).toList();
    }

    private Dataset<Row> plan(LongFunction<Column> constant, long value) {
        return spark.range(5).select(constant.apply(value).plus(1).as("v"), col("id")).where(col("id").geq(0)).select("v");
    }
}
