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
 * {@code ./clickstream restart-spark} against a stack that {@code ./clickstream up} runs in the foreground: the
 * foreground launcher follows the new driver instead of reading the old one's exit as a crash and stopping
 * everything, and its Ctrl-C then stops the new driver with the rest.
 */
class ForegroundUpIT {
    private static final Path HOME = Path.of(System.getProperty("clickstream.home", "..")).toAbsolutePath().normalize();
    private final List<Long> pids = new ArrayList<>();
    private Process launcher;

    @Test
    void restartSparkLeavesAForegroundStackRunningAndItsCtrlCStopsTheNewDriver() throws Exception {
        Path work = WorkDir.fresh(HOME.resolve("launcher/target/e2e-foreground"));
        Path data = Files.createDirectories(work.resolve("data"));
        int sparkMetrics = Ports.free();
        List<String> flags = List.of("--data-dir", data.toString(), "--port", Integer.toString(Ports.free()),
                "--kafka-port", Integer.toString(Ports.freePair()), "--spark-metrics-port", Integer.toString(sparkMetrics),
                "--no-prometheus", "--spark-heap", "1g");
        Cli cli = new Cli(HOME, data, flags, work.resolve("cli.log"));
        List<String> cmd = new ArrayList<>(List.of(HOME.resolve("clickstream").toString(), "up"));
        cmd.addAll(flags);
        Path out = work.resolve("up.out");
        // The script execs java: this pid is the launcher's JVM, as a terminal's Ctrl-C reaches it.
        launcher = new ProcessBuilder(cmd).directory(HOME.toFile()).redirectErrorStream(true)
                .redirectOutput(out.toFile()).start();
        awaitOutput(out, "Ctrl-C stops everything", Duration.ofMinutes(6));

        Path stackFile = data.resolve("stack.json");
        Map<String, Long> before = pids(stackFile);
        assertThat(before).containsKeys("kafka", "gateway", "spark");
        pids.addAll(before.values());

        Cli.Result restart = cli.run(400, "restart-spark");
        assertThat(restart.exitCode()).as("restart-spark; see " + cli.log).isZero();
        long driver = pids(stackFile).get("spark");
        pids.add(driver);
        assertThat(driver).isNotEqualTo(before.get("spark"));
        awaitOutput(out, "spark was restarted (pid " + driver + ")", Duration.ofSeconds(30));
        Thread.sleep(2_000);
        assertThat(launcher.isAlive()).as("up keeps running; see " + out).isTrue();
        assertThat(Files.readString(out)).doesNotContain("stopping");
        for (String component : List.of("kafka", "gateway")) {
            assertThat(alive(before.get(component))).as(component + " still runs").isTrue();
        }
        assertThat(alive(driver)).as("the new driver runs").isTrue();
        Cli.Result status = cli.run(120, "status", "--json", "--no-counts");
        assertThat(new ObjectMapper().readTree(status.stdout()).at("/components/spark/state").asText()).isEqualTo("running");

        assertThat(new ProcessBuilder("kill", "-INT", Long.toString(launcher.pid())).start().waitFor()).isZero();
        assertThat(launcher.waitFor(4, TimeUnit.MINUTES)).as("up exits after Ctrl-C; see " + out).isTrue();
        for (long pid : pids) {
            assertThat(awaitGone(pid)).as("pid " + pid + " still running; see " + out).isTrue();
        }
        assertThat(stackFile).doesNotExist();
        assertThat(Files.readString(out)).contains("stopping spark (pid " + driver + ")")
                .as("Ctrl-C is not reported as a component that exited").doesNotContain("exited");
    }

    @AfterEach
    void killWhatIsLeft() {
        if (launcher != null) {
            launcher.destroyForcibly();
        }
        pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    }

    private void awaitOutput(Path out, String text, Duration timeout) throws IOException, InterruptedException {
        Instant deadline = Instant.now().plus(timeout);
        while (!Files.readString(out).contains(text)) {
            assertThat(launcher.isAlive()).as("up is running; see " + out).isTrue();
            assertThat(Instant.now()).as("\"" + text + "\" in " + out).isBefore(deadline);
            Thread.sleep(200);
        }
    }

    private static Map<String, Long> pids(Path stackFile) throws IOException {
        Map<String, Long> pids = new LinkedHashMap<>();
        JsonNode state = new ObjectMapper().readTree(stackFile.toFile());
        state.path("pids").fields().forEachRemaining(e -> pids.put(e.getKey(), e.getValue().asLong()));
        return pids;
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Stopping may take a moment after the launcher exits: allow it a few seconds. */
    private static boolean awaitGone(long pid) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(5);
        while (alive(pid)) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }
}
