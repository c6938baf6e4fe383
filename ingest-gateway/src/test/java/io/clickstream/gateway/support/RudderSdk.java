package io.clickstream.gateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * RudderStack's Node SDK ({@code @rudderstack/rudder-sdk-node}), installed once with its dependencies from the npm
 * registry into {@code target/}, and a script of test resources that sends through it.
 */
public final class RudderSdk {
    public static final String VERSION = "3.1.1";
    private static final Path HOME = Path.of("target", "rudder-sdk-node", VERSION);
    private static final Path SEND = Path.of("src", "test", "resources", "rudder-sdk", "send.js");

    private RudderSdk() {
    }

    /** Runs {@code send.js} with Node: its exit code and what it printed. */
    public static Result send(String dataPlaneUrl, String writeKey, String anonymousId) throws IOException, InterruptedException {
        Path modules = install();
        ProcessBuilder node = new ProcessBuilder("node", SEND.toAbsolutePath().toString(), dataPlaneUrl, writeKey, anonymousId);
        // The script lives in the sources, the SDK under target/.
        node.environment().put("NODE_PATH", modules.toAbsolutePath().toString());
        Processes.Result r = Processes.run(node, Duration.ofMinutes(2));
        return new Result(r.exitCode(), r.output());
    }

    public record Result(int exitCode, String output) {
    }

    private static synchronized Path install() throws IOException, InterruptedException {
        Path modules = HOME.resolve("node_modules");
        if (Files.isDirectory(modules.resolve("@rudderstack/rudder-sdk-node"))) {
            return modules;
        }
        Files.createDirectories(HOME);
        Npm.run(HOME, List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", ".",
                "@rudderstack/rudder-sdk-node@" + VERSION));
        return modules;
    }
}
