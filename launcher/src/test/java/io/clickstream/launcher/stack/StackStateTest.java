package io.clickstream.launcher.stack;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code stack.json} outlives its processes (a reboot, a killed launcher), and the system hands their pids to other
 * processes: status, up and down must not take such a process for a component, let alone stop it.
 */
class StackStateTest {
    @TempDir
    Path dir;
    private Process other;

    @AfterEach
    void stopTheOtherProcess() {
        if (other != null) {
            other.destroyForcibly();
        }
    }

    @Test
    void aPidNowHeldByAnotherProcessIsNeitherRunningNorStoppedByDown() throws IOException {
        StackSettings settings = settings();
        other = new ProcessBuilder("sleep", "300").start();
        StackState state = StackState.starting(settings, true);
        state.started("gateway", other.toHandle());
        // The gateway recorded here started an hour before the process that has its pid now.
        state.pidStarts().compute("gateway", (name, start) -> start - 3_600_000);
        state.pidStartTicks().compute("gateway", (name, ticks) -> ticks - 360_000);
        state.write(settings.stateFile());

        StackState read = StackState.read(settings.stateFile()).orElseThrow();
        assertThat(read.anyAlive()).isFalse();
        assertThat(read.describe("gateway")).isEqualTo("stopped");
        assertThat(LocalStack.stopFromState(settings, quiet())).as("nothing of the stack runs").isFalse();
        assertThat(other.isAlive()).as("down left the other process alone").isTrue();
        // the stack ended without down: down clears what it left, the in-use marker too
        assertThat(settings.stateFile()).doesNotExist();
        try (var markers = Files.list(dir.resolve("target/.clickstream-in-use"))) {
            assertThat(markers.toList()).isEmpty();
        }
    }

    @Test
    void theProcessTheStackStartedIsRunningAndStoppedByDown() throws Exception {
        StackSettings settings = settings();
        other = new ProcessBuilder("sleep", "300").start();
        StackState state = StackState.starting(settings, true);
        state.started("gateway", other.toHandle());
        state.write(settings.stateFile());
        // what tells the clickstream script not to rebuild the outputs under the stack
        Path inUse = dir.resolve("target/.clickstream-in-use");
        try (var markers = Files.list(inUse)) {
            assertThat(markers.toList()).singleElement().satisfies(m -> assertThat(Files.readString(m))
                    .isEqualTo(other.pid() + ":" + StackState.startTicks(other.pid()).orElseThrow() + "\n"));
        }

        StackState read = StackState.read(settings.stateFile()).orElseThrow();
        assertThat(read.anyAlive()).isTrue();
        assertThat(read.describe("gateway")).isEqualTo("running");
        assertThat(LocalStack.stopFromState(settings, quiet())).isTrue();
        assertThat(other.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(settings.stateFile()).doesNotExist();
        try (var markers = Files.list(inUse)) {
            assertThat(markers.toList()).isEmpty();
        }
    }

    @Test
    void aStartTimeThatAnotherJvmDerivedFromAWallClockSteppedSinceStillNamesTheProcess() throws Exception {
        StackSettings settings = settings();
        other = new ProcessBuilder("sleep", "300").start();
        StackState state = StackState.starting(settings, true);
        state.started("gateway", other.toHandle());
        assertThat(state.pidStartTicks()).as("this test needs Linux's /proc").containsKey("gateway");
        // The JVM that wrote the file started before the wall clock was set 5 s ahead: its epoch ms differ from ours.
        state.pidStarts().compute("gateway", (name, start) -> start - 5_000);
        state.write(settings.stateFile());

        StackState read = StackState.read(settings.stateFile()).orElseThrow();
        assertThat(read.describe("gateway")).isEqualTo("running");
        assertThat(read.anyAlive()).isTrue();
    }

    @Test
    void aFileWithoutStartTimesFallsBackToThePids() throws Exception {
        StackSettings settings = settings();
        other = new ProcessBuilder("sleep", "300").start();
        Files.writeString(settings.stateFile(), """
                {"startedAt": "2026-01-01T00:00:00Z", "detached": true, "gatewayUrl": "http://127.0.0.1:8181",
                 "kafka": "127.0.0.1:9192", "sparkMetricsPort": 9465, "pids": {"gateway": %d, "spark": 0}}
                """.formatted(other.pid()));

        StackState read = StackState.read(settings.stateFile()).orElseThrow();
        assertThat(read.describe("gateway")).isEqualTo("running");
        assertThat(read.describe("spark")).isEqualTo("restarting");
        assertThat(read.anyAlive()).isTrue();
    }

    private StackSettings settings() {
        return new StackSettings(dir, dir, 8181, 9192, 9465, 9091, false, "1g");
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }
}
