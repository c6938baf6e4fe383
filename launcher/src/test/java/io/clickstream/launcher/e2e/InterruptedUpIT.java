package io.clickstream.launcher.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ctrl-C while {@code ./clickstream up --detach} is still starting: the user gave up on the start, so what it had
 * started is stopped, and nothing is left running that {@code down} would have to find.
 */
class InterruptedUpIT {
    private static final Path HOME = Path.of(System.getProperty("clickstream.home", "..")).toAbsolutePath().normalize();
    private final Map<String, Long> pids = new LinkedHashMap<>();
    private Process launcher;

    @Test
    void ctrlCWhileADetachedStackIsStartingStopsWhatItStarted() throws Exception {
        Path work = WorkDir.fresh(HOME.resolve("launcher/target/e2e-interrupted"));
        Path data = Files.createDirectories(work.resolve("data"));
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("clickstream").toString(), "up", "--detach",
                "--data-dir", data.toString(), "--port", Integer.toString(Ports.free()),
                "--kafka-port", Integer.toString(Ports.freePair()),
                "--spark-metrics-port", Integer.toString(Ports.free()), "--no-prometheus", "--spark-heap", "1g"));
        Path out = work.resolve("up.out");
        // The script execs java: this pid is the launcher's JVM, as a terminal's Ctrl-C reaches it.
        launcher = new ProcessBuilder(cmd).directory(HOME.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();

        Path stackFile = data.resolve("stack.json");
        Instant deadline = Instant.now().plus(Duration.ofMinutes(5));
        while (!pids.containsKey("gateway")) {
            assertThat(launcher.isAlive()).as("up is still starting; see " + out).isTrue();
            assertThat(Instant.now()).as("the gateway started; see " + out).isBefore(deadline);
            readPids(stackFile);
            Thread.sleep(50);
        }
        assertThat(pids).containsKey("kafka");
        assertThat(Files.readString(out)).doesNotContain("Clickstream is up");

        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(launcher.pid())).start().waitFor()).isZero();
        assertThat(launcher.waitFor(3, TimeUnit.MINUTES)).as("up exits after Ctrl-C; see " + out).isTrue();

        for (Map.Entry<String, Long> p : pids.entrySet()) {
            assertThat(alive(p.getValue())).as(p.getKey() + " (pid " + p.getValue() + ") still running; see " + out)
                    .isFalse();
        }
        assertThat(stackFile).doesNotExist();
        assertThat(Files.readString(out)).contains("stopping gateway").contains("stopping Kafka")
                .doesNotContain("starting the Spark pipeline");
    }

    @AfterEach
    void killWhatIsLeft() {
        if (launcher != null) {
            launcher.destroyForcibly();
        }
        pids.values().forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private void readPids(Path stackFile) {
        try {
            JsonNode state = new ObjectMapper().readTree(stackFile.toFile());
            state.path("pids").fields().forEachRemaining(e -> pids.put(e.getKey(), e.getValue().asLong()));
        } catch (IOException notYetWritten) {
            // absent until Kafka runs; written atomically after that
        }
    }

    private static boolean alive(long pid) throws InterruptedException {
        // Stopping is asynchronous for a moment after the launcher exits at most: allow it a few seconds.
        Instant deadline = Instant.now().plusSeconds(5);
        while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
            if (Instant.now().isAfter(deadline)) {
                return true;
            }
            Thread.sleep(100);
        }
        return false;
    }
}
