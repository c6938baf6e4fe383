package io.clickstream.spark.table;

import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** What a restarted writer finds in the table's history: the only place its last batch is known from after a crash. */
class IdempotentWritesTest {
    private final SparkSession spark = SparkTestSession.get();

    @Test
    void aRestartedWriterFindsItsLastBatchBehindOtherWritersCommits(@TempDir Path dir) {
        String path = dir.resolve("t").toString();
        Dataset<Row> rows = spark.range(2).toDF("n");
        assertThat(IdempotentWrites.lastCommitted(spark, path, "a/batch")).isEqualTo(-1); // no table yet

        IdempotentWrites.append(rows, path, "a", 3);
        IdempotentWrites.append(rows, path, "a", 4);
        // More commits of another writer and of plain appends than the first page of history holds.
        for (int b = 0; b < 22; b++) {
            IdempotentWrites.append(rows, path, "b", b);
        }
        rows.write().format("delta").mode("append").save(path);

        assertThat(IdempotentWrites.lastCommitted(spark, path, "a/batch")).isEqualTo(4);
        assertThat(IdempotentWrites.lastCommitted(spark, path, "b/batch")).isEqualTo(21);
        // a writer whose name starts like another's is not taken for it
        assertThat(IdempotentWrites.lastCommitted(spark, path, "a/batc")).isEqualTo(-1);
        assertThat(spark.read().format("delta").load(path).count()).isEqualTo(2 * (2 + 22 + 1));
    }
}
