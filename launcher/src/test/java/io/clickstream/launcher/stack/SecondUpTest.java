package io.clickstream.launcher.stack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code up} while a stack runs from the same data folder: refused, and the running stack stays stoppable. */
class SecondUpTest {
    @TempDir
    Path dir;

    @Test
    void aRefusedUpLeavesTheRunningStacksStateFile() throws Exception {
        StackSettings settings = new StackSettings(dir, dir.resolve("data"), 8182, 9193, 9466, 9092, false, "1g");
        Files.createDirectories(settings.dataDir());
        StackState running = StackState.starting(settings, true);
        running.started("gateway", ProcessHandle.current()); // a live process stands for the running stack
        running.write(settings.stateFile());
        LocalStack second = new LocalStack(settings, new PrintStream(new ByteArrayOutputStream(), true));

        assertThatThrownBy(() -> second.start(false)).isInstanceOf(StackException.class)
                .hasMessageContaining("already running");
        second.stop(); // what the shutdown hook of the refused up runs

        assertThat(settings.stateFile()).exists();
        assertThat(StackState.read(settings.stateFile())).hasValueSatisfying(s -> assertThat(s.anyAlive()).isTrue());
    }
}
