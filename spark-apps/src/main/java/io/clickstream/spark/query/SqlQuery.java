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
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Spark SQL against the tables by name ({@code bronze.events}, {@code silver.events}, {@code gold.sessions}, …)
 * and prints the result as a table, or as JSON lines with {@code --json}.
 */
public final class SqlQuery {
    static final int MAX_ROWS = 1000;
    private static final List<String> LAYERS = List.of(BronzeTable.LAYER, SilverTables.LAYER, GoldTables.LAYER);
    /** In {@link #namedTables}: every table of the layer. */
    static final String ALL = "*";
    /** A layer, optionally followed by a table name: {@code gold}, {@code gold.sessions}, {@code `gold`.`sessions`}. */
    private static final Pattern LAYER_NAME = Pattern.compile(
            "(?i)\\b(" + String.join("|", LAYERS) + ")\\b`?(?:\\s*\\.\\s*`?(\\w+))?");

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
        SparkSession spark = SparkSessions.forQuery(config);
        String statement = String.join(" ", cli.arguments());
        try {
            registerTables(spark, config, namedTables(statement));
            print(spark.sql(statement), cli.json(), out);
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
     * The tables a statement may name, by layer: {@code gold.sessions} names one, a layer named alone
     * ({@code SHOW TABLES IN gold}) all of its tables ({@link #ALL}). Read off the text, so a name inside a string
     * counts too: a table registered for nothing costs a little time, one missed would fail the query.
     */
    static Map<String, Set<String>> namedTables(String statement) {
        Map<String, Set<String>> named = new HashMap<>();
        Matcher m = LAYER_NAME.matcher(statement);
        while (m.find()) {
            String layer = m.group(1).toLowerCase(Locale.ROOT);
            String table = m.group(2) == null ? ALL : m.group(2).toLowerCase(Locale.ROOT);
            named.computeIfAbsent(layer, l -> new HashSet<>()).add(table);
        }
        return named;
    }

    /**
     * Registers the pipeline's tables among {@code named} by name ({@code layer.table}), in this session's catalog
     * only: registering one reads its log, about a fifth of a second each, so a query registers only what it names.
     * Nothing is written: a query run while a driver creates its tables must not create or clean up any of them itself.
     */
    public static void registerTables(SparkSession spark, PipelineConfig config, Map<String, Set<String>> named)
            throws IOException {
        for (String layer : LAYERS) {
            Path root = new Path(config.tablePath(layer, ""));
            FileSystem fs = root.getFileSystem(spark.sessionState().newHadoopConf());
            if (!fs.exists(root)) {
                continue;
            }
            spark.sql("CREATE DATABASE IF NOT EXISTS " + layer);
            Set<String> wanted = named.getOrDefault(layer, Set.of());
            // _seen and the like are bookkeeping beside the tables, not tables to query
            List<Path> tables = Arrays.stream(fs.listStatus(root))
                    .filter(dir -> dir.isDirectory() && !dir.getPath().getName().startsWith("_"))
                    .map(FileStatus::getPath).toList();
            // a name that is none of the layer's tables: all of them, for Spark's error to suggest the nearest
            boolean all = wanted.contains(ALL)
                    || !tables.stream().map(Path::getName).toList().containsAll(wanted);
            for (Path dir : tables) {
                String table = dir.getName();
                if ((all || wanted.contains(table)) && DeltaTable.isDeltaTable(spark, dir.toString())) {
                    // a name registered before for another location is re-pointed: dropping it keeps the table's files
                    spark.sql("DROP TABLE IF EXISTS " + layer + "." + table);
                    spark.sql("CREATE TABLE " + layer + "." + table + " USING delta LOCATION '"
                            + dir.toString().replace("'", "\\'") + "'");
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
