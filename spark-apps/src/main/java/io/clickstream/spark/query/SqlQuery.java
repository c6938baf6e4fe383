package io.clickstream.spark.query;

import io.clickstream.spark.app.CommandLine;
import io.clickstream.spark.app.SparkSessions;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.ConfigLoader;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.gold.GoldTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;

/**
 * Runs Spark SQL against the tables by name ({@code bronze.events}, {@code silver.events}, {@code gold.sessions}, …)
 * and prints the result as a table, or as JSON lines with {@code --json}.
 */
public final class SqlQuery {
    static final int MAX_ROWS = 1000;

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
            return 1;
        }
    }

    /** Every table by name; a table not written yet is created empty, so queries on it return no rows. */
    public static void registerTables(SparkSession spark, PipelineConfig config) {
        BronzeTable.ensure(spark, config);
        GoldTables.ensure(spark, config);
    }

    static void print(Dataset<Row> result, boolean json, PrintStream out) {
        if (json) {
            result.limit(MAX_ROWS).toJSON().collectAsList().forEach(out::println);
        } else {
            out.print(result.showString(MAX_ROWS, 0, false));
        }
    }
}
