package io.clickstream.gateway.health;

import io.clickstream.gateway.support.Events;
import io.clickstream.gateway.support.LocalKafkaResource;
import io.clickstream.gateway.support.TopicReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packaged gateway as Kubernetes stops it. SIGTERM and the pod's removal from the Service's endpoints happen at
 * the same time, and proxies keep sending to the pod for a few seconds more. With {@code quarkus.shutdown.delay} set
 * (the Helm chart sets it), readiness is down at once but requests are still taken and acknowledged until the delay
 * is over; only then does the graceful shutdown refuse new ones and drain.
 */
class ShutdownDelayIT {
    private static final Path JAR = Path.of(System.getProperty("gateway.jar", "target/quarkus-app/quarkus-run.jar"));
    private static final String TOPIC = "shutdown-delay-events";
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process gateway;

    @Test
    void requestsSentDuringTheDelayAreAcknowledgedWhileReadinessIsDown() throws Exception {
        int port = freePort();
        Path log = Files.createDirectories(Path.of("target/shutdown-delay-it")).resolve("gateway.log");
        gateway = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dquarkus.http.port=" + port,
                "-Dkafka.bootstrap.servers=" + LocalKafkaResource.broker().bootstrapServers(),
                "-Dclickstream.kafka.events-topic=" + TOPIC,
                "-Dclickstream.kafka.partitions=1",
                "-Dclickstream.sites.demo.write-key=demo-write-key",
                "-Dquarkus.shutdown.delay=PT6S",
                "-jar", JAR.toAbsolutePath().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        URI base = URI.create("http://127.0.0.1:" + port);
        awaitReadiness(base, 200, Duration.ofSeconds(90), log);

        String before = UUID.randomUUID().toString();
        assertThat(post(base, before)).as("an event before the shutdown").isEqualTo(202);

        gateway.destroy(); // SIGTERM, as the kubelet sends it
        awaitReadiness(base, 503, Duration.ofSeconds(3), log);
        String during = UUID.randomUUID().toString();
        assertThat(post(base, during)).as("an event sent while readiness is down; see " + log).isEqualTo(202);
        assertThat(gateway.isAlive()).isTrue();

        assertThat(gateway.waitFor(60, TimeUnit.SECONDS)).as("the gateway exits after the delay; see " + log).isTrue();
        List<TopicReader.Record> published = TopicReader.readUntil(TOPIC, Duration.ofSeconds(30), all -> all.size() >= 2);
        assertThat(published).extracting(r -> r.value().path("anonymous_id").asText()).containsExactly(before, during);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.destroyForcibly();
        }
    }

    private void awaitReadiness(URI base, int status, Duration timeout, Path log) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        int seen = -1;
        while (Instant.now().isBefore(deadline)) {
            seen = get(base.resolve("/q/health/ready"));
            if (seen == status) {
                return;
            }
            assertThat(gateway.isAlive()).as("the gateway is running; see " + log).isTrue();
            Thread.sleep(100);
        }
        assertThat(seen).as("readiness within " + timeout + "; see " + log).isEqualTo(status);
    }

    private int get(URI uri) throws InterruptedException {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build());
    }

    private int post(URI base, String anonymousId) throws InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve("/v1/events")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json").header("X-Write-Key", "demo-write-key")
                .POST(HttpRequest.BodyPublishers.ofString(Events.pageView(anonymousId))).build());
    }

    /** The answer's status, or -1 when no connection could be made. */
    private int send(HttpRequest request) throws InterruptedException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException refused) {
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
