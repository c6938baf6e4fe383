package io.clickstream.launcher;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.clickstream.launcher.stack.DeltaRowCounts;
import io.clickstream.launcher.stack.Processes;
import io.clickstream.launcher.stack.StackSettings;
import io.clickstream.launcher.stack.StackState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "status", mixinStandardHelpOptions = true, description = "Each component's state, the gateway URL, the demo site's id and write key, "
        + "row counts per table and freshness per layer.")
class StatusCommand implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    StackOptions options;

    @Option(names = "--json", description = "Print JSON")
    boolean json;

    @Option(names = "--no-counts", description = "Skip the row counts (they read each table's Delta log)")
    boolean noCounts;

    @Override
    public Integer call() throws IOException, InterruptedException {
        StackSettings s = options.settings();
        StackState state = StackState.read(s.stateFile()).orElse(null);
        Map<String, Object> status = new LinkedHashMap<>();
        Map<String, Object> components = new LinkedHashMap<>();
        if (state != null) {
            state.pids().forEach((name, pid) -> components.put(name, Map.of("pid", pid, "state", state.describe(name))));
            status.put("gateway_url", state.gatewayUrl());
            status.put("gateway_ready", Processes.httpStatus(state.gatewayUrl() + "/q/health/ready") == 200);
            status.put("kafka", state.kafka());
            if (state.prometheusPort() != null) {
                status.put("prometheus_url", "http://127.0.0.1:" + state.prometheusPort());
            }
            status.put("freshness_seconds", freshness(state.sparkMetricsPort()));
        }
        status.put("running", state != null && state.anyAlive());
        status.put("components", components);
        status.put("demo_site", Map.of("site_id", StackSettings.DEMO_SITE, "write_key", StackSettings.DEMO_WRITE_KEY));
        status.put("data_dir", s.dataDir().toString());
        if (!noCounts) {
            DeltaRowCounts.Counts counts = new DeltaRowCounts().all(s.warehouse());
            status.put("rows", counts.rows());
            if (!counts.unreadable().isEmpty()) {
                status.put("unreadable_tables", counts.unreadable());
            }
        }
        if (json) {
            System.out.println(JSON.writeValueAsString(status));
        } else {
            print(status);
        }
        return 0;
    }

    /** {@code clickstream_*freshness*} gauges of the Spark driver, by layer label. */
    static Map<String, Double> freshness(int metricsPort) {
        Map<String, Double> out = new LinkedHashMap<>();
        Processes.httpGet("http://127.0.0.1:" + metricsPort + "/metrics").ifPresent(body -> body.lines()
                .filter(l -> l.startsWith("clickstream_") && l.contains("freshness") && l.contains("layer=\""))
                .forEach(l -> {
                    String layer = l.replaceAll(".*layer=\"([^\"]+)\".*", "$1");
                    out.put(layer, Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)));
                }));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static void print(Map<String, Object> status) {
        System.out.println("running        " + status.get("running"));
        ((Map<String, Object>) status.get("components")).forEach((name, c) -> System.out.printf("  %-12s %s%n", name, c));
        if (status.containsKey("gateway_url")) {
            System.out.println("gateway        " + status.get("gateway_url") + (Boolean.TRUE.equals(status.get("gateway_ready")) ? " (ready)" : " (not ready)"));
            System.out.println("kafka          " + status.get("kafka"));
        }
        if (status.containsKey("prometheus_url")) {
            System.out.println("prometheus     " + status.get("prometheus_url"));
        }
        Map<String, String> demo = (Map<String, String>) status.get("demo_site");
        System.out.println("demo site      " + demo.get("site_id") + ", write key " + demo.get("write_key"));
        System.out.println("data           " + status.get("data_dir"));
        Object fresh = status.get("freshness_seconds");
        if (fresh instanceof Map<?, ?> f && !f.isEmpty()) {
            System.out.println("freshness (s)");
            f.forEach((layer, secs) -> System.out.printf("  %-12s %.1f%n", layer, (Double) secs));
        }
        Map<?, ?> rows = status.get("rows") instanceof Map<?, ?> r ? r : Map.of();
        Map<?, ?> unreadable = status.get("unreadable_tables") instanceof Map<?, ?> u ? u : Map.of();
        if (!rows.isEmpty() || !unreadable.isEmpty()) {
            System.out.println("rows");
            rows.forEach((table, n) -> System.out.printf("  %-32s %d%n", table, (Long) n));
            unreadable.forEach((table, why) -> System.out.printf("  %-32s cannot be read: %s%n", table, why));
        }
    }
}
