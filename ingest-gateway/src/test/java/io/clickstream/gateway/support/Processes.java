package io.clickstream.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Runs a command the tests need (npm, node) with a time limit that holds even when it stops talking. */
public final class Processes {

    private Processes() {
    }

    /** What a finished command printed (stdout and stderr together) and its exit code. */
    public record Result(int exitCode, String output) {
    }

    /**
     * Starts {@code command}, its output into a file (reading a pipe until the end would wait for a hung process
     * forever), and waits at most {@code limit}: then the process is killed and this fails with what it printed.
     */
    public static Result run(ProcessBuilder command, Duration limit) throws IOException, InterruptedException {
        Path log = Files.createTempFile("process-", ".log");
        Process p = null;
        try {
            p = command.redirectErrorStream(true).redirectOutput(log.toFile()).start();
            p.getOutputStream().close();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new IllegalStateException(String.join(" ", command.command()) + " did not finish within " + limit
                        + ":\n" + output(log));
            }
            return new Result(p.exitValue(), output(log));
        } finally {
            if (p != null && p.isAlive()) {
                kill(p); // interrupted while waiting
            }
            Files.deleteIfExists(log);
        }
    }

    /** The process and what it started (npm runs install scripts in processes of their own). */
    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    private static String output(Path log) throws IOException {
        return new String(Files.readAllBytes(log), StandardCharsets.UTF_8);
    }
}
