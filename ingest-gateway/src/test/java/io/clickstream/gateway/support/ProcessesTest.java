package io.clickstream.gateway.support;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

class ProcessesTest {

    @Test
    void aCommandThatOutlivesItsLimitIsKilledWithWhatItStartedAndWhatItPrinted() {
        // What npm does with an install script: a child of its own, still running.
        Throwable failure = catchThrowable(() -> Processes.run(
                new ProcessBuilder("bash", "-c", "sleep 600 & echo \"child $!\"; wait"), Duration.ofSeconds(2)));

        assertThat(failure).isInstanceOf(IllegalStateException.class).hasMessageContaining("did not finish within");
        Matcher child = Pattern.compile("child (\\d+)").matcher(failure.getMessage());
        assertThat(child.find()).as(failure.getMessage()).isTrue();
        ProcessHandle.of(Long.parseLong(child.group(1))).ifPresent(h -> assertThat(h.onExit())
                .as("the child it started is gone too").succeedsWithin(Duration.ofSeconds(10)));
    }

    @Test
    void aCommandThatFinishesGivesItsExitCodeAndOutput() throws Exception {
        Processes.Result r = Processes.run(new ProcessBuilder("bash", "-c", "echo out; echo err >&2; exit 3"),
                Duration.ofMinutes(1));
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.output()).contains("out").contains("err");
    }
}
