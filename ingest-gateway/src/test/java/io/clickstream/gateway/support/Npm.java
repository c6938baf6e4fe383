package io.clickstream.gateway.support;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Runs npm, which the tests use to fetch the real SDKs they send with from the npm registry. */
public final class Npm {

    private Npm() {
    }

    public static void run(Path directory, List<String> command) throws IOException, InterruptedException {
        Processes.Result r;
        try {
            r = Processes.run(new ProcessBuilder(command).directory(directory.toFile()), Duration.ofMinutes(5));
        } catch (IOException e) {
            throw new IllegalStateException("these tests need npm (Node.js) and the npm registry to fetch the SDKs they "
                    + "send with: " + e.getMessage(), e);
        }
        if (r.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + r.output());
        }
    }
}
