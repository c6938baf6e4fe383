package io.clickstream.spark.query;

import io.clickstream.spark.app.CommandLine;
import io.clickstream.spark.app.SparkSessions;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.ConfigLoader;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.silver.SilverTables;
import io.delta.tables.DeltaTable;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * Runs Spark SQL against the tables by name ({@code bronze.events}, {@code silver.events}, {@code gold.sessions}, …)
 * and prints the result as a table, or as JSON lines with {@code --json}.
 */
public final class SqlQuery {
    static final int MAX_ROWS = 1000;
    private static final List<String> LAYERS = List.of(BronzeTable.LAYER, SilverTables.LAYER, GoldTables.LAYER);

    private SqlQuery() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        CommandLine cli;
        PipelineConfig config;
        try {
            cli = CommandLine.parse(args);
            if (cli.help()) {
                out.println("""
                        usage: sql [--config FILE] [--json] "SELECT ..."

                        Runs Spark SQL on the tables by name, e.g.
                          SELECT page_path, sum(page_views) AS views FROM gold.page_metrics_1m GROUP BY 1 ORDER BY 2 DESC
                        Prints at most %d rows.

                          --json          one JSON object per row instead of a table
                        """.formatted(MAX_ROWS) + CommandLine.commonUsage());
                return 0;
            }
            config = ConfigLoader.load(cli.configFile());
            if (cli.arguments().isEmpty() && !cli.dryRun()) {
                throw new IllegalArgumentException("no SQL statement given (see --help)");
            }
        } catch (RuntimeException e) {
            err.println("sql: " + e.getMessage());
            return 2;
        }
        if (cli.dryRun()) {
            out.println("sql: configuration is valid: " + config);
            return 0;
        }
        SparkSession spark = SparkSessions.create(config);
        try {
            registerTables(spark, config);
            print(spark.sql(String.join(" ", cli.arguments())), cli.json(), out);
            return 0;
        } catch (Exception e) {
            err.println("sql: " + e.getMessage());
            if (String.valueOf(e.getMessage()).contains("TABLE_OR_VIEW_NOT_FOUND")) {
                err.println("sql: a table is there once the pipeline has written it: bronze.events within a minute of"
                        + " starting, silver and gold after their first batches");
            }
            return 1;
        }
    }

    /**
     * Every table the pipeline has created, by name ({@code layer.table}), in this session's catalog only. Nothing is
     * written: a query run while a driver creates its tables must not create or clean up any of them itself.
     */
    public static void registerTables(SparkSession spark, PipelineConfig config) throws IOException {
        for (String layer : LAYERS) {
            Path root = new Path(config.tablePath(layer, ""));
            FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
            if (!fs.exists(root)) {
                continue;
            }
            spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
            for (FileStatus dir : fs.listStatus(root)) {
                String table = dir.getPath().getName();
                // _seen and the like are bookkeeping beside the tables, not tables to query
                if (dir.isDirectory() && !table.startsWith("_") && DeltaTable.isDeltaTable(spark, dir.getPath().toString())) {
                    // a name registered before for another location is re-pointed: dropping it keeps the table's files
                    spark.sql("DROP TABLE IF EXISTS " + layer + "." + table);
                    spark.sql("CREATE TABLE " + layer + "." + table + " USING delta LOCATION '"
                            + dir.getPath().toString().replace("'", "\\'") + "'");
                }
            }
        }
    }

    static void print(Dataset<Row> result, boolean json, PrintStream out) {
        if (json) {
            result.limit(MAX_ROWS).toJSON().collectAsList().forEach(out::println);
        } else {
            out.print(result.showString(MAX_ROWS, 0, false));
        }
    }
}
