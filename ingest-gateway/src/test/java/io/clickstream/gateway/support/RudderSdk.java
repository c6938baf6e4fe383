package io.clickstream.gateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;

/**
 * RudderStack's Node SDK ({@code @rudderstack/rudder-sdk-node}), installed once with its dependencies from the npm
 * registry into {@code target/}, as {@code rudder-sdk/package-lock.json} pins them (a new release of a dependency
 * changes nothing here), and a script of test resources that sends through it.
 */
public final class RudderSdk {
    public static final String VERSION = "3.1.1";
    private static final Path HOME = Path.of("target", "rudder-sdk-node", VERSION);
    private static final Path RESOURCES = Path.of("src", "test", "resources", "rudder-sdk");
    private static final Path SEND = RESOURCES.resolve("send.js");

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
        // Installed, and from this lockfile: not an older install, nor one cut short.
        Path installed = HOME.resolve("installed-from.json");
        byte[] lock = Files.readAllBytes(RESOURCES.resolve("package-lock.json"));
        if (Files.exists(installed) && java.util.Arrays.equals(Files.readAllBytes(installed), lock)) {
            return modules;
        }
        Files.createDirectories(HOME);
        String manifest = Files.readString(RESOURCES.resolve("package.json"));
        if (!manifest.contains("\"@rudderstack/rudder-sdk-node\": \"" + VERSION + "\"")) {
            throw new IllegalStateException(RESOURCES.resolve("package.json") + " does not pin the SDK at " + VERSION);
        }
        for (String file : List.of("package.json", "package-lock.json")) {
            Files.copy(RESOURCES.resolve(file), HOME.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Npm.run(HOME, List.of("npm", "ci", "--no-audit", "--no-fund"));
        Files.write(installed, lock);
        return modules;
    }
}
