package io.clickstream.launcher;

import io.clickstream.launcher.stack.LocalStack;
import io.clickstream.launcher.stack.StackSettings;
import io.clickstream.launcher.stack.StackState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

@Command(name = "up", mixinStandardHelpOptions = true, description = "Start Kafka, the gateway, the Spark pipeline and (if installed) Prometheus. "
        + "Ctrl-C stops everything (with --detach: while it is still starting); running up again resumes from the checkpoints.")
class UpCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Option(names = "--detach", description = "Run in the background; stop with ./clickstream down")
    boolean detach;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.settings();
        LocalStack stack = new LocalStack(s, System.out);
        Thread stopper = new Thread(stack::stop, "clickstream-stop");
        // Ctrl-C while the stack is starting stops what was started, detached or not; a detached stack, once up, runs on.
        Runtime.getRuntime().addShutdownHook(stopper);
        StackState state = stack.start(detach);
        if (detach) {
            try {
                Runtime.getRuntime().removeShutdownHook(stopper);
            } catch (IllegalStateException shuttingDown) {
                return 130; // Ctrl-C came as the start finished: the hook stops the stack
            }
        }
        printUrls(s, state, options.dataDir == null ? "" : " --data-dir " + s.dataDir());
        if (detach) {
            System.out.println("\nrunning in the background; stop it with ./clickstream down");
            return 0;
        }
        System.out.println("\nCtrl-C stops everything.");
        String failure = stack.awaitFailure();
        System.err.println("clickstream: " + failure + "; stopping the rest");
        return 1; // the shutdown hook stops the rest
    }

    /** {@code flags}: what the other commands need to find this stack (its data folder, when not the default). */
    static void printUrls(StackSettings s, StackState state, String flags) {
        System.out.println();
        System.out.println("Clickstream is up.");
        System.out.println("  demo shop      " + s.gatewayUrl() + "/demo/");
        System.out.println("  ingest API     " + s.gatewayUrl() + "/v1/events   (site '" + StackSettings.DEMO_SITE
                + "', write key '" + StackSettings.DEMO_WRITE_KEY + "')");
        System.out.println("  tracker        " + s.gatewayUrl() + "/tracker.js");
        System.out.println("  gateway metrics " + s.gatewayUrl() + "/q/metrics");
        System.out.println("  Spark metrics  http://127.0.0.1:" + s.sparkMetricsPort() + "/metrics");
        if (state.prometheusPort() != null) {
            System.out.println("  Prometheus     http://127.0.0.1:" + state.prometheusPort());
        }
        System.out.println("  Kafka          " + s.kafkaBootstrap());
        System.out.println("  data           " + s.dataDir());
        System.out.println("Try: ./clickstream simulate" + flags + " --rate 200 --duration 60   then   ./clickstream sql" + flags
                + " \"SELECT * FROM gold.funnel\"");
    }
}
