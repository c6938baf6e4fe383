package io.clickstream.launcher.stack;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code restart-spark} racing a stop of the whole stack ({@code down}, or Ctrl-C of a foreground {@code up}). */
class RestartSparkTest {
    @TempDir
    Path dir;
    private Process driver;

    @AfterEach
    void stopTheDriver() {
        if (driver != null) {
            driver.destroyForcibly();
        }
    }

    @Test
    void aStackStoppedWhileTheOldDriverStopsGetsNoNewDriver() throws Exception {
        StackSettings settings = new StackSettings(dir, dir.resolve("data"), 8181, 9192, 9465, 9091, false, "1g");
        // Stands for the old driver; its stop is where the stack gets stopped: the state file goes with it.
        driver = new ProcessBuilder("bash", "-c", "trap 'rm -f \"$0\"; exit 0' TERM; echo ready; while :; do sleep 0.1; done",
                settings.stateFile().toString()).start();
        assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(driver.getInputStream())).readLine())
                .as("the trap is set").isEqualTo("ready");
        StackState state = StackState.starting(settings, true);
        state.started("spark", driver.toHandle());
        state.write(settings.stateFile());
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThatThrownBy(() -> LocalStack.restartSpark(settings, false, new PrintStream(out, true)))
                .isInstanceOf(StackException.class).hasMessageContaining("nothing was started");
        assertThat(out.toString()).contains("stopping the Spark driver").doesNotContain("starting the Spark pipeline");
        assertThat(settings.stateFile()).doesNotExist();
    }
}
