package io.clickstream.launcher;

import io.clickstream.launcher.stack.Artifacts;
import io.clickstream.launcher.stack.StackException;
import io.clickstream.launcher.stack.StackSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "sql", mixinStandardHelpOptions = true, description = "Run Spark SQL over the tables by name (bronze.events, silver.events, gold.sessions, ...).")
class SqlCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Option(names = "--json", description = "Print JSON rows (one object per line) instead of a table")
    boolean json;

    @Option(names = "--large-scan", description = "For a query over millions of rows: the JVM's optimising compiler"
            + " on, which costs seconds at start and pays off on a long scan")
    boolean largeScan;

    @Parameters(index = "0", paramLabel = "QUERY", description = "e.g. \"SELECT page_path, SUM(page_views) FROM gold.page_metrics_1m GROUP BY page_path\"")
    String query;

    @Override
    public Integer call() throws IOException, InterruptedException {
        StackSettings s = options.settings();
        Artifacts artifacts = new Artifacts(s.home());
        if (!artifacts.missing().isEmpty()) {
            throw new StackException("not built yet: " + artifacts.missing() + "; run ./mvnw install -DskipTests");
        }
        List<String> args = new ArrayList<>();
        if (json) {
            args.add("--json");
        }
        args.add(query);
        // A query needs no metrics endpoint of its own, and must not collide with the running driver's.
        StackSettings quiet = new StackSettings(s.home(), s.dataDir(), s.gatewayPort(), s.kafkaPort(), 0,
                s.prometheusPort(), false, "1g");
        // Most queries (of gold's small tables) are over long before the optimising compiler would pay off: the quick
        // one alone answers them ~25% sooner, and takes less CPU from a running stack on a small machine.
        List<String> jvm = largeScan ? List.of() : List.of("-XX:TieredStopAtLevel=1");
        ProcessBuilder pb = new ProcessBuilder(artifacts.sparkCommand(quiet, jvm, Artifacts.SQL_MAIN, args))
                .directory(s.home().toFile());
        pb.environment().putAll(Artifacts.sparkEnvironment(quiet));
        return pb.inheritIO().start().waitFor();
    }
}
