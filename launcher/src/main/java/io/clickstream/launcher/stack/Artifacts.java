package io.clickstream.launcher.stack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The built artifacts the stack runs, and the command lines that run them. */
public final class Artifacts {
    public static final String ALL_LAYERS_MAIN = "io.clickstream.spark.app.AllLayersJob";
    public static final String SQL_MAIN = "io.clickstream.spark.query.SqlQuery";

    private final Path home;

    public Artifacts(Path home) {
        this.home = home;
    }

    public Path gatewayJar() {
        return home.resolve("ingest-gateway/target/quarkus-app/quarkus-run.jar");
    }

    Path sparkJvmOptions() {
        return home.resolve("spark-apps/src/main/jvm/spark-java17.args");
    }

    String sparkClasspath() {
        Path target = home.resolve("spark-apps/target");
        return target.resolve("lib") + "/*" + java.io.File.pathSeparator + target.resolve("classes");
    }

    /** What is missing to run the stack, e.g. after a fresh clone (./clickstream builds it then). */
    public List<String> missing() {
        List<String> missing = new ArrayList<>();
        if (!Files.exists(gatewayJar())) {
            missing.add(home.relativize(gatewayJar()).toString());
        }
        if (!Files.isDirectory(home.resolve("spark-apps/target/lib")) || !Files.isDirectory(home.resolve("spark-apps/target/classes"))) {
            missing.add("spark-apps/target/lib");
        }
        return missing;
    }

    public List<String> gatewayCommand(StackSettings s, String javaOpts) {
        List<String> cmd = new ArrayList<>(List.of(java()));
        cmd.addAll(List.of(javaOpts.trim().split("\\s+")));
        cmd.addAll(List.of(
                "-Dquarkus.http.port=" + s.gatewayPort(),
                "-Dquarkus.http.host=127.0.0.1",
                "-Dkafka.bootstrap.servers=" + s.kafkaBootstrap(),
                "-Dclickstream.sites." + StackSettings.DEMO_SITE + ".write-key=" + StackSettings.DEMO_WRITE_KEY,
                "-jar", gatewayJar().toString()));
        return cmd;
    }

    /** A spark-apps entry point with the shared JVM flags (the same file Surefire and the image use). */
    public List<String> sparkCommand(StackSettings s, String mainClass, List<String> args) {
        return sparkCommand(s, List.of(), mainClass, args);
    }

    /** {@code jvmOptions}: flags for this process only, after the shared ones. */
    public List<String> sparkCommand(StackSettings s, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "@" + sparkJvmOptions(), "-Xmx" + s.sparkHeap(),
                "-Djava.io.tmpdir=" + s.dataDir().resolve("tmp").toAbsolutePath()));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", sparkClasspath(), mainClass));
        cmd.addAll(args);
        return cmd;
    }

    /** Environment for every spark-apps process of this stack: the jobs' CLICKSTREAM_* config overrides. */
    public static Map<String, String> sparkEnvironment(StackSettings s) {
        try {
            Files.createDirectories(s.dataDir().resolve("tmp"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of(
                "CLICKSTREAM_KAFKA_BOOTSTRAP_SERVERS", s.kafkaBootstrap(),
                "CLICKSTREAM_WAREHOUSE_ROOT", s.warehouse().toAbsolutePath().toString(),
                "CLICKSTREAM_CHECKPOINT_ROOT", s.checkpoints().toAbsolutePath().toString(),
                "CLICKSTREAM_METRICS_PORT", Integer.toString(s.sparkMetricsPort()),
                "CLICKSTREAM_METRICS_HOST", "127.0.0.1", // like everything else of the local stack
                // a failed driver waits for one scrape of the local Prometheus, not the chart's 30 s
                "CLICKSTREAM_METRICS_FAILURE_LINGER", (PrometheusConfig.SCRAPE_SECONDS + 2) + " seconds",
                "SPARK_LOCAL_IP", "127.0.0.1");
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
