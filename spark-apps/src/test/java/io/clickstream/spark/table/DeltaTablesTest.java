package io.clickstream.spark.table;

import io.clickstream.spark.testing.SparkTestSession;
import io.delta.tables.DeltaTable;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DeltaTablesTest {
    private final SparkSession spark = SparkTestSession.get();

    /**
     * A driver killed while creating a table leaves its log directory with no commit in it (here: the temporary file of
     * the first commit, not yet renamed). Delta refuses to create a table there ("not empty and also not a Delta
     * table"), so every restart failed; the leftover is removed and the table created.
     */
    @Test
    void aCreateCutShortByAKillIsCompletedByTheNextDriver(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("gold/funnel");
        Files.createDirectories(table.resolve("_delta_log"));
        Files.writeString(table.resolve("_delta_log/.00000000000000000000.json.6f1c2a7e-tmp"), "{\"commitInfo\":{}}");

        DeltaTables.ensure(spark, "interrupted", "funnel", table.toString(), new StructType().add("n", DataTypes.LongType));

        spark.range(3).toDF("n").write().format("delta").mode("append").saveAsTable("interrupted.funnel");
        assertThat(spark.table("interrupted.funnel").count()).isEqualTo(3);
    }

    /** Anything but an uncommitted log is somebody's data: it is left alone and the error says where. */
    @Test
    void aLocationHoldingOtherFilesIsLeftAlone(@TempDir Path dir) throws Exception {
        Path table = dir.resolve("t");
        Files.createDirectories(table.resolve("_delta_log"));
        Files.writeString(table.resolve("part-0.parquet"), "not ours");

        assertThatThrownBy(() -> DeltaTables.ensureAt(spark, table.toString(), new StructType().add("n", DataTypes.LongType)))
                .hasMessageContaining("holds files but no Delta table (part-0.parquet)");
        assertThat(table.resolve("part-0.parquet")).exists();
    }

    /** A table written by an older version gains the columns this one writes; its rows stay, the new columns empty. */
    @Test
    void aTableLackingNewColumnsGainsThem(@TempDir Path dir) {
        String path = dir.resolve("t").toString();
        StructType before = new StructType().add("id", DataTypes.StringType).add("n", DataTypes.LongType);
        spark.createDataFrame(List.of(RowFactory.create("a", 1L)), before).write().format("delta").save(path);

        StructType mark = new StructType().add("step", DataTypes.IntegerType).add("at", DataTypes.TimestampType);
        StructType now = before.add("marks", DataTypes.createArrayType(mark)).add("note", DataTypes.StringType);
        DeltaTables.ensureAt(spark, path, now);

        assertThat(DeltaTable.forPath(spark, path).toDF().schema().fieldNames())
                .containsExactly("id", "n", "marks", "note");
        Row old = DeltaTable.forPath(spark, path).toDF().head();
        assertThat(old.getString(0)).isEqualTo("a");
        assertThat(old.isNullAt(2)).isTrue();
        spark.createDataFrame(List.of(RowFactory.create("b", 2L,
                        new Row[] {RowFactory.create(3, java.sql.Timestamp.valueOf("2026-12-05 10:00:00"))}, "x")), now)
                .write().format("delta").mode("append").save(path);
        assertThat(DeltaTable.forPath(spark, path).toDF().where("id = 'b'").head().<Row>getList(2).get(0).getInt(0))
                .isEqualTo(3);
    }

    /**
     * A field the event contract adds to a struct ({@code context.os}) is added to a table an older version created,
     * and a stream that read the table before resumes across the change and reads the new field.
     */
    @Test
    void aStructLackingNewFieldsGainsThemAndAStreamReadsOnAcrossTheChange(@TempDir Path dir) throws Exception {
        String path = dir.resolve("t").toString();
        StructType os = new StructType().add("name", DataTypes.StringType).add("version", DataTypes.StringType);
        StructType contextBefore = new StructType().add("locale", DataTypes.StringType);
        StructType before = new StructType().add("id", DataTypes.StringType).add("context", contextBefore);
        spark.createDataFrame(List.of(RowFactory.create("a", RowFactory.create("en-GB"))), before)
                .write().format("delta").save(path);
        java.util.Queue<String> read = new java.util.concurrent.ConcurrentLinkedQueue<>();
        String checkpoint = dir.resolve("checkpoint").toString();
        Runnable readNew = () -> {
            try {
                spark.readStream().format("delta").load(path).writeStream()
                        .option("checkpointLocation", checkpoint).trigger(Trigger.AvailableNow())
                        .foreachBatch((VoidFunction2<Dataset<Row>, Long>) (batch, id) -> batch.toJSON().collectAsList()
                                .forEach(read::add))
                        .start().awaitTermination();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        readNew.run();

        StructType contextNow = contextBefore.add("os", os);
        StructType now = new StructType().add("id", DataTypes.StringType).add("context", contextNow);
        DeltaTables.ensureAt(spark, path, now);
        assertThat(DeltaTable.forPath(spark, path).toDF().schema().apply("context").dataType()).isEqualTo(contextNow);
        spark.createDataFrame(List.of(RowFactory.create("b", RowFactory.create("de-DE", RowFactory.create("iOS", "17.4")))),
                now).write().format("delta").mode("append").save(path);
        readNew.run();

        assertThat(read).containsExactly("{\"id\":\"a\",\"context\":{\"locale\":\"en-GB\"}}",
                "{\"id\":\"b\",\"context\":{\"locale\":\"de-DE\",\"os\":{\"name\":\"iOS\",\"version\":\"17.4\"}}}");
        // nothing more to add the second time
        DeltaTables.ensureAt(spark.newSession(), path, now);
        assertThat(DeltaTable.forPath(spark, path).history().count()).isEqualTo(3);
    }

    @Test
    void theStructsOfAnArrayGainNewFieldsToo(@TempDir Path dir) {
        String path = dir.resolve("t").toString();
        StructType lineBefore = new StructType().add("sku", DataTypes.StringType);
        StructType before = new StructType().add("id", DataTypes.StringType)
                .add("products", DataTypes.createArrayType(lineBefore));
        spark.createDataFrame(List.of(RowFactory.create("a", new Row[] {RowFactory.create("s-1")})), before)
                .write().format("delta").save(path);

        StructType lineNow = lineBefore.add("brand", DataTypes.StringType);
        StructType now = new StructType().add("id", DataTypes.StringType)
                .add("products", DataTypes.createArrayType(lineNow));
        DeltaTables.ensureAt(spark, path, now);
        spark.createDataFrame(List.of(RowFactory.create("b", new Row[] {RowFactory.create("s-2", "Acme")})), now)
                .write().format("delta").mode("append").save(path);

        assertThat(spark.read().format("delta").load(path).orderBy("id").selectExpr("products[0].brand").collectAsList())
                .extracting(r -> r.getString(0)).containsExactly(null, "Acme");
    }

    /**
     * The tables the jobs create checkpoint their log every 100 commits: with Delta's 10, the nine tables one silver +
     * gold batch commits to all wrote their checkpoint in the same batch (see {@code SparkSessions}).
     */
    @Test
    void aNewTableWritesNoCheckpointAtItsTenthCommit(@TempDir Path dir) {
        String path = dir.resolve("t").toString();
        DeltaTables.ensureAt(spark, path, new StructType().add("n", DataTypes.LongType));
        for (long commit = 1; commit <= 11; commit++) {
            spark.range(commit, commit + 1).toDF("n").write().format("delta").mode("append").save(path);
        }

        assertThat(DeltaTable.forPath(spark, path).history().count()).isEqualTo(12);
        assertThat(dir.resolve("t/_delta_log/00000000000000000010.checkpoint.parquet")).doesNotExist();
        assertThat(DeltaTable.forPath(spark, path).detail().select("properties").head().<String, String>getJavaMap(0))
                .containsEntry("delta.checkpointInterval", "100");
        assertThat(DeltaTable.forPath(spark, path).toDF().count()).isEqualTo(11);
    }

    /**
     * A driver started again finds its tables on disk but not in its catalog: each is registered again as it is, with
     * the properties it was created with and those the session's defaults added.
     */
    @Test
    void aTableCreatedByAnEarlierDriverIsRegisteredAgain(@TempDir Path dir) {
        String path = dir.resolve("t").toString();
        StructType schema = new StructType().add("n", DataTypes.LongType);
        DeltaTables.ensure(spark, "restart_test", "t", path, schema, DeltaTables.AUTO_COMPACTED);
        spark.range(3).toDF("n").write().format("delta").mode("append").save(path);

        SparkSession next = spark.newSession();
        next.sql("DROP TABLE restart_test.t"); // the name only: a new driver's catalog starts empty
        DeltaTables.ensure(next, "restart_test", "t", path, schema, DeltaTables.AUTO_COMPACTED);
        DeltaTables.ensureAt(next, path, schema, DeltaTables.AUTO_COMPACTED);

        assertThat(next.table("restart_test.t").count()).isEqualTo(3);
        assertThat(DeltaTable.forPath(next, path).detail().select("properties").head().<String, String>getJavaMap(0))
                .containsEntry("delta.autoOptimize.autoCompact", "true")
                .containsEntry("delta.checkpointInterval", "100");
    }
}
