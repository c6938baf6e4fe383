package io.clickstream.spark.table;

import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.metrics.PrometheusMetrics;
import io.clickstream.spark.testing.MetricsScrape;
import io.clickstream.spark.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.apache.spark.sql.functions.input_file_name;
import static org.assertj.core.api.Assertions.assertThat;

/** Scheduled compaction and vacuum of the tables a job writes ({@link TableMaintenance}). */
class TableMaintenanceTest {
    private static final Clock DEC_4 = Clock.fixed(Instant.parse("2026-12-04T10:00:00Z"), ZoneOffset.UTC);
    private final SparkSession spark = SparkTestSession.get();
    private final List<String> recorded = new CopyOnWriteArrayList<>();
    private final PipelineMetrics metrics = new PipelineMetrics() {
        @Override
        public void maintained(String table, String operation, boolean ok, long durationMs) {
            recorded.add(table + " " + operation + " " + (ok ? "ok" : "failed"));
        }
    };
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @Test
    void compactsTheRecentPartitionsVacuumsWhatTheyReplacedAndAStreamReadsEachRowOnce(@TempDir Path dir) throws Exception {
        String path = dir.resolve("events").toString();
        DeltaTables.ensureAt(spark, path, rows(0, "2026-12-04").schema(), "event_date");
        // Five appends per day, as a stream leaves them: today, yesterday and a week ago.
        for (int batch = 0; batch < 5; batch++) {
            for (String day : List.of("2026-12-04", "2026-12-03", "2026-11-27")) {
                IdempotentWrites.append(rows(batch, day), path, "writer", batch * 3L + dayIndex(day));
            }
        }
        // Files replaced by a compaction are deleted at once, instead of after Delta's default of 7 days.
        spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('delta.deletedFileRetentionDuration' = 'interval 0 hours')");
        assertThat(read(path, dir).count()).isEqualTo(150);
        assertThat(parquetFiles(dir.resolve("events/event_date=2026-12-04"))).isEqualTo(5);

        withoutRetentionCheck(() -> maintenance(TableMaintenance.Table.compacted("bronze.events", path, "event_date")).runOnce());

        DeltaTable table = DeltaTable.forPath(spark, path);
        assertThat(table.history().where("operation = 'OPTIMIZE'").count()).isEqualTo(1);
        // Today and yesterday (maintenance.compact.days = 2) are one file each; the week-old day was left alone.
        assertThat(filesIn(table, "2026-12-04")).isEqualTo(1);
        assertThat(filesIn(table, "2026-12-03")).isEqualTo(1);
        assertThat(filesIn(table, "2026-11-27")).isEqualTo(5);
        // The vacuum deleted the 10 replaced files from the disk.
        assertThat(parquetFiles(dir.resolve("events/event_date=2026-12-04"))).isEqualTo(1);
        assertThat(parquetFiles(dir.resolve("events/event_date=2026-12-03"))).isEqualTo(1);
        assertThat(parquetFiles(dir.resolve("events/event_date=2026-11-27"))).isEqualTo(5);
        assertThat(table.toDF().count()).isEqualTo(150);
        assertThat(table.toDF().distinct().count()).isEqualTo(150);
        assertThat(recorded).containsExactly("bronze.events optimize ok", "bronze.events vacuum ok");

        // As silver streams from bronze: the compaction changes no data, a stream of the table skips it and goes on.
        IdempotentWrites.append(rows(5, "2026-12-04"), path, "writer", 15);
        Dataset<Row> copied = read(path, dir);
        assertThat(copied.count()).isEqualTo(160);
        assertThat(copied.distinct().count()).isEqualTo(160);
    }

    @Test
    void aTableThatFailsIsReportedAndTheOthersAreStillMaintained(@TempDir Path dir) {
        String path = dir.resolve("gold").toString();
        IdempotentWrites.append(rows(0, "2026-12-04"), path, "writer", 0);
        String missing = dir.resolve("not-a-table").toString();

        maintenance(TableMaintenance.Table.compacted("silver.events", missing, "event_date"),
                TableMaintenance.Table.vacuumed("gold.sessions", path)).runOnce();

        assertThat(recorded).containsExactly("silver.events optimize failed", "silver.events vacuum failed",
                "gold.sessions vacuum ok");
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("optimize of silver.events failed");
        assertThat(DeltaTable.forPath(spark, path).history().where("operation = 'OPTIMIZE'").count())
                .as("a vacuumed-only table is not compacted").isZero();
    }

    @Test
    void runsEveryIntervalOnItsOwnThreadUntilClosedAndCountsOnTheDriversEndpoint(@TempDir Path dir) throws Exception {
        String path = dir.resolve("t").toString();
        IdempotentWrites.append(rows(0, "2026-12-04"), path, "writer", 0);
        String ok = "clickstream_table_maintenance_total{operation=\"vacuum\",outcome=\"ok\",table=\"gold.t\"}";
        String failed = "clickstream_table_maintenance_total{operation=\"vacuum\",outcome=\"failed\",table=\"gold.t\"} 0.0";
        try (PrometheusMetrics prometheus = new PrometheusMetrics().serve(0);
             TableMaintenance m = new TableMaintenance(spark, List.of(TableMaintenance.Table.vacuumed("gold.t", path)), 2,
                     prometheus, new PrintStream(log, true, StandardCharsets.UTF_8), DEC_4).every(Duration.ofSeconds(1))) {
            // Before the first run, at zero: the failure alert has a series to watch from the start.
            assertThat(MetricsScrape.of(prometheus)).contains(ok + " 0.0").contains(failed);
            long deadline = System.currentTimeMillis() + 60_000;
            while (!MetricsScrape.of(prometheus).contains(ok + " 2.0") && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            assertThat(MetricsScrape.of(prometheus)).as(log.toString(StandardCharsets.UTF_8)).contains(ok + " 2.0").contains(failed)
                    .contains("clickstream_table_maintenance_duration_seconds{operation=\"vacuum\",table=\"gold.t\"}");
        }
        assertThat(DeltaTable.forPath(spark, path).history().where("operation LIKE 'VACUUM%'").count())
                .as("vacuums in the table's history").isPositive();
    }

    @Test
    void theFirstRunComesOneIntervalAfterTheStartAtMostTenMinutes() {
        assertThat(TableMaintenance.firstRunDelay(Duration.ofSeconds(3))).isEqualTo(Duration.ofSeconds(3));
        assertThat(TableMaintenance.firstRunDelay(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(10));
    }

    private TableMaintenance maintenance(TableMaintenance.Table... tables) {
        return new TableMaintenance(spark, List.of(tables), 2, metrics, new PrintStream(log, true, StandardCharsets.UTF_8), DEC_4);
    }

    private Dataset<Row> rows(int batch, String day) {
        return spark.range(batch * 10L, batch * 10L + 10).toDF("n")
                .selectExpr("n", "'" + day + "' AS day", "DATE'" + day + "' AS event_date")
                .repartition(1);
    }

    private static int dayIndex(String day) {
        return List.of("2026-12-04", "2026-12-03", "2026-11-27").indexOf(day);
    }

    /** What a stream copying the table has copied so far, after one more run from its checkpoint. */
    private Dataset<Row> read(String path, Path dir) throws Exception {
        String copy = dir.resolve("copy").toString();
        StreamingQuery q = spark.readStream().format("delta").load(path).writeStream().format("delta")
                .option("checkpointLocation", dir.resolve("reader").toString())
                .trigger(Trigger.AvailableNow()).start(copy);
        q.awaitTermination();
        return spark.read().format("delta").load(copy);
    }

    private long filesIn(DeltaTable table, String day) {
        return table.toDF().where("event_date = DATE'" + day + "'").select(input_file_name()).distinct().count();
    }

    private static long parquetFiles(Path partition) throws IOException {
        try (Stream<Path> files = Files.list(partition)) {
            return files.filter(f -> f.toString().endsWith(".parquet")).count();
        }
    }

    /** Delta refuses a retention under 7 days unless told the reader knows what it does. */
    private void withoutRetentionCheck(Runnable work) {
        String key = "spark.databricks.delta.retentionDurationCheck.enabled";
        String previous = spark.conf().get(key, "true");
        spark.conf().set(key, "false");
        try {
            work.run();
        } finally {
            spark.conf().set(key, previous);
        }
    }
}
