package io.clickstream.launcher;

import io.clickstream.launcher.stack.StackSettings;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** Flags every command shares; each falls back to a CLICKSTREAM_* environment variable, then a laptop default. */
public class StackOptions {
    @Option(names = "--data-dir", defaultValue = "${env:CLICKSTREAM_DATA_DIR}",
            description = "Data folder: Kafka log, Delta tables, checkpoints, logs (default: .clickstream in the repository; env CLICKSTREAM_DATA_DIR)")
    Path dataDir;

    @Option(names = "--port", defaultValue = "${env:CLICKSTREAM_PORT:-8080}", description = "Gateway HTTP port (env CLICKSTREAM_PORT, default ${DEFAULT-VALUE})")
    int gatewayPort;

    @Option(names = "--kafka-port", defaultValue = "${env:CLICKSTREAM_KAFKA_PORT:-9092}",
            description = "Kafka client port; the controller takes the next one (env CLICKSTREAM_KAFKA_PORT, default ${DEFAULT-VALUE})")
    int kafkaPort;

    @Option(names = "--spark-metrics-port", defaultValue = "${env:CLICKSTREAM_SPARK_METRICS_PORT:-9464}",
            description = "Prometheus endpoint of the Spark driver (env CLICKSTREAM_SPARK_METRICS_PORT, default ${DEFAULT-VALUE})")
    int sparkMetricsPort;

    @Option(names = "--prometheus-port", defaultValue = "${env:CLICKSTREAM_PROMETHEUS_PORT:-9090}",
            description = "Port of the local Prometheus, if installed (env CLICKSTREAM_PROMETHEUS_PORT, default ${DEFAULT-VALUE})")
    int prometheusPort;

    @Option(names = "--no-prometheus", description = "Do not start Prometheus even if it is installed")
    boolean noPrometheus;

    @Option(names = "--spark-heap", defaultValue = "${env:CLICKSTREAM_SPARK_HEAP:-3g}",
            description = "Heap of the Spark driver (env CLICKSTREAM_SPARK_HEAP, default ${DEFAULT-VALUE})")
    String sparkHeap;

    StackSettings settings() {
        Path home = Path.of(System.getProperty("clickstream.home", ".")).toAbsolutePath().normalize();
        Path data = dataDir != null ? dataDir.toAbsolutePath().normalize() : home.resolve(".clickstream");
        return new StackSettings(home, data, gatewayPort, kafkaPort, sparkMetricsPort, prometheusPort, !noPrometheus, sparkHeap);
    }
}
