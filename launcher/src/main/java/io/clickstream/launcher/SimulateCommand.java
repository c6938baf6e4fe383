package io.clickstream.launcher;

import io.clickstream.launcher.simulate.GroundTruth;
import io.clickstream.launcher.simulate.TrafficSimulator;
import io.clickstream.launcher.stack.StackSettings;
import io.clickstream.launcher.stack.StackState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

@Command(name = "simulate", mixinStandardHelpOptions = true, description = "Send realistic visitor journeys to the gateway and write the ground truth "
        + "(events, sessions, funnel, revenue) to a file.")
class SimulateCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Option(names = "--rate", defaultValue = "100", description = "Events per second (default ${DEFAULT-VALUE})")
    int rate;

    @Option(names = "--duration", defaultValue = "60", description = "Seconds (default ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed: the same seed plans the same visits (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--duplicates", defaultValue = "0.03", description = "Share of events sent twice, as client retries do (default ${DEFAULT-VALUE})")
    double duplicates;

    @Option(names = "--gateway", description = "Gateway URL (default: the local stack's)")
    String gateway;

    @Option(names = "--write-key", defaultValue = StackSettings.DEMO_WRITE_KEY, description = "Write key (default: the demo site's)")
    String writeKey;

    @Option(names = "--site-id", defaultValue = StackSettings.DEMO_SITE, description = "Site id (default ${DEFAULT-VALUE})")
    String siteId;

    @Option(names = "--truth", description = "Where to write the ground truth (default: <data-dir>/simulations/truth-<seed>.json)")
    Path truthFile;

    @Override
    public Integer call() throws Exception {
        StackSettings s = options.settings();
        if (rate <= 0 || duration <= 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this), "--rate and --duration must be positive");
        }
        // the stack running from this data folder, whatever port it was started on; else the port given here
        String url = gateway != null ? gateway : StackState.read(s.stateFile()).filter(StackState::anyAlive)
                .map(StackState::gatewayUrl).orElse(s.gatewayUrl());
        if (!reachable(url)) {
            System.err.println("clickstream: no gateway answers at " + url + (gateway != null ? ""
                    : ": start the stack first (./clickstream up), or name a gateway with --gateway"));
            return 1;
        }
        GroundTruth truth = new TrafficSimulator(new TrafficSimulator.Settings(url, writeKey, siteId, rate, duration, seed, duplicates),
                System.out).run();
        Path file = truthFile != null ? truthFile : s.dataDir().resolve("simulations").resolve("truth-" + seed + ".json");
        TrafficSimulator.write(truth, file);
        System.out.printf("sent %d events in %d requests: %d accepted, %d refused by the gateway, %d duplicates, %d to be quarantined%n",
                truth.eventsSent(), truth.requests(), truth.acceptedByGateway(), truth.rejectedByGateway(), truth.duplicatesSent(),
                truth.quarantined());
        System.out.printf("expected: %d silver events, %d sessions, %d orders, revenue %s; ground truth in %s%n",
                truth.silverEvents(), truth.sessions(), truth.orders(), truth.revenue(), file);
        return 0;
    }

    /** Whether anything answers HTTP at {@code url}: without it every batch would be retried and reported undelivered. */
    private static boolean reachable(String url) {
        try {
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build(),
                    HttpResponse.BodyHandlers.discarding());
            return true;
        } catch (IOException | IllegalArgumentException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
