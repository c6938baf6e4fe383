package io.clickstream.spark.table;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The gold tables compact their small files as they go ({@link DeltaTables#compactAutomatically}). */
class AutoCompactionTest {
    private static final String MIN_FILES = "spark.databricks.delta.autoCompact.minNumFiles";
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void smallCommitsAreCompactedAndAStreamOfTheTableReadsEachRowOnce(@TempDir Path dir) throws Exception {
        String path = dir.resolve("t").toString();
        DeltaTables.ensureAt(spark, path, new StructType().add("n", DataTypes.LongType));
        DeltaTables.compactAutomatically(spark, path);
        String previous = spark.conf().get(MIN_FILES, "50");
        spark.conf().set(MIN_FILES, "8"); // 50 by default: fewer, to keep the test short
        try {
            for (int batch = 0; batch < 20; batch++) {
                IdempotentWrites.append(spark.range(batch * 10L, batch * 10L + 10).toDF("n"), path, "w", batch);
            }
        } finally {
            spark.conf().set(MIN_FILES, previous);
        }

        DeltaTable table = DeltaTable.forPath(spark, path);
        List<Row> compactions = table.history().where("operation = 'OPTIMIZE'").collectAsList();
        assertThat(compactions).as("auto compaction commits").isNotEmpty();
        long files = table.detail().select("numFiles").head().getLong(0);
        assertThat(files).as("files after 20 appends of 2 files each").isLessThan(10);
        assertThat(table.toDF().count()).isEqualTo(200);
        assertThat(table.toDF().distinct().count()).isEqualTo(200);

        // As gold streams from silver: compaction commits change no data, so a stream skips them.
        String sink = "compacted_" + System.nanoTime();
        StreamingQuery q = spark.readStream().format("delta").load(path).writeStream().format("memory")
                .queryName(sink).trigger(Trigger.AvailableNow()).start();
        q.awaitTermination();
        assertThat(spark.table(sink).count()).isEqualTo(200);
    }

    @Test
    void goldTablesCompactThemselvesBronzeAndSilverDoNot(@TempDir Path dir) {
        PipelineConfig config = SparkTestSession.config(dir);
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
        for (String gold : List.of("sessions", "funnel", "page_metrics_1m", "daily_active_users", "_seen/daily_active_users")) {
            assertThat(properties(GoldTables.path(config, gold))).as(gold).containsEntry(DeltaTables.AUTO_COMPACT, "true");
            // Created with the property: one commit, not a create and then an ALTER.
            assertThat(DeltaTable.forPath(spark, GoldTables.path(config, gold)).history().count()).as(gold).isEqualTo(1);
        }
        // Their batches are large enough, and compacting them in the stream's thread stalls it (see the README).
        assertThat(properties(BronzeTable.path(config))).doesNotContainKey(DeltaTables.AUTO_COMPACT);
        assertThat(properties(SilverTables.path(config, SilverTables.EVENTS))).doesNotContainKey(DeltaTables.AUTO_COMPACT);
    }

    private java.util.Map<String, String> properties(String path) {
        return DeltaTable.forPath(spark, path).detail().select("properties").head().getJavaMap(0);
    }
}
