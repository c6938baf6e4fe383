package io.clickstream.spark.testing;

import io.clickstream.spark.app.SparkSessions;
import io.clickstream.spark.config.ConfigLoader;
import io.clickstream.spark.config.PipelineConfig;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** One local[2] SparkSession shared by every test class of the JVM: starting Spark costs seconds. */
public final class SparkTestSession {
    private static SparkSession spark;

    private SparkTestSession() {
    }

    public static synchronized SparkSession get() {
        if (spark == null) {
            spark = SparkSessions.create(config(tmp().resolve("spark-warehouse")));
            spark.sparkContext().setLogLevel("WARN");
        }
        return spark;
    }

    /** A test configuration whose tables and checkpoints live under {@code dir}. */
    public static PipelineConfig config(Path dir) {
        return config(dir, Map.of());
    }

    /** With {@code env}: overrides as environment variables would give them. */
    public static PipelineConfig config(Path dir, Map<String, String> env) {
        Map<String, String> all = new java.util.HashMap<>(Map.of(
                "CLICKSTREAM_METRICS_PORT", "0",
                "CLICKSTREAM_BRONZE_TRIGGER", "500ms",
                "CLICKSTREAM_SILVER_TRIGGER", "500ms",
                "CLICKSTREAM_GOLD_TRIGGER", "500ms",
                "CLICKSTREAM_GOLD_PERIODIC_TRIGGER", "500ms"));
        all.putAll(env);
        PipelineConfig base = ConfigLoader.load(null, all);
        return base.withLocations(dir.resolve("warehouse").toString(), dir.resolve("checkpoints").toString());
    }

    public static Path tmp() {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"));
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
