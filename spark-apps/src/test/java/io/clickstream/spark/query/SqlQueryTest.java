package io.clickstream.spark.query;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.testing.SparkTestSession;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class SqlQueryTest {

    @Test
    void aStatementNamesTablesByLayerOrWholeLayers() {
        assertThat(SqlQuery.namedTables("SELECT s.* FROM gold.sessions s JOIN Silver . `orders` o ON o.order_id = s.x"
                + " WHERE s.y IN (SELECT y FROM `gold`.`funnel`)"))
                .isEqualTo(Map.of("gold", Set.of("sessions", "funnel"), "silver", Set.of("orders")));
        assertThat(SqlQuery.namedTables("SHOW TABLES IN bronze")).isEqualTo(Map.of("bronze", Set.of(SqlQuery.ALL)));
        assertThat(SqlQuery.namedTables("SELECT 'golden', gold_periodic, silvery FROM x")).isEmpty();
    }

    /** Only what the statement names is registered; a name that is no table brings the layer's tables for Spark's hint. */
    @Test
    void registersOnlyTheTablesAStatementNames(@TempDir Path dir) throws Exception {
        SparkSession spark = SparkTestSession.get();
        PipelineConfig config = SparkTestSession.config(dir);
        for (String table : List.of("events", "orders")) {
            spark.sql("SELECT 1 AS one").write().format("delta").save(config.tablePath("silver", table));
        }
        spark.sql("CREATE DATABASE IF NOT EXISTS silver");
        // names other tests of this JVM registered: dropping them keeps their files
        registered(spark).forEach(table -> spark.sql("DROP TABLE silver." + table));
        Files.createDirectories(Path.of(config.tablePath("silver", "_seen"))); // bookkeeping, not a table

        SqlQuery.registerTables(spark, config, SqlQuery.namedTables("SELECT * FROM silver.orders"));
        assertThat(registered(spark)).containsExactly("orders");
        assertThat(spark.sql("SELECT one FROM silver.orders").as(org.apache.spark.sql.Encoders.INT()).collectAsList())
                .containsExactly(1);

        SqlQuery.registerTables(spark, config, SqlQuery.namedTables("SELECT * FROM silver.order"));
        assertThat(registered(spark)).containsExactlyInAnyOrder("events", "orders");
    }

    private static List<String> registered(SparkSession spark) {
        return spark.sql("SHOW TABLES IN silver").where("NOT isTemporary").select("tableName").as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList();
    }
}
