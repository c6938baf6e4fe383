package io.clickstream.launcher.stack;

import java.nio.file.Path;

/** Where the local stack lives and which ports it takes: from flags, then CLICKSTREAM_* environment variables. */
public record StackSettings(
        Path home,
        Path dataDir,
        int gatewayPort,
        int kafkaPort,
        int sparkMetricsPort,
        int prometheusPort,
        boolean prometheus,
        String sparkHeap) {

    /** The demo site every local stack registers, used by the demo shop and the simulator. */
    public static final String DEMO_SITE = "demo";
    public static final String DEMO_WRITE_KEY = "demo-write-key";

    public Path kafkaDir() {
        return dataDir.resolve("kafka");
    }

    public Path logsDir() {
        return dataDir.resolve("logs");
    }

    public Path warehouse() {
        return dataDir.resolve("warehouse");
    }

    public Path checkpoints() {
        return dataDir.resolve("checkpoints");
    }

    public Path stateFile() {
        return dataDir.resolve("stack.json");
    }

    public String gatewayUrl() {
        return "http://127.0.0.1:" + gatewayPort;
    }

    public String kafkaBootstrap() {
        return "127.0.0.1:" + kafkaPort;
    }
}
