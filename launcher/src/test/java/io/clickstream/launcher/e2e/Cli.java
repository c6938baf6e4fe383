package io.clickstream.launcher.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code ./clickstream} as a user does, from the repository root, with this test's ports and data folder. */
final class Cli {
    final Path home;
    final Path dataDir;
    final List<String> stackFlags;
    final Path log;

    Cli(Path home, Path dataDir, List<String> stackFlags, Path log) {
        this.home = home;
        this.dataDir = dataDir;
        this.stackFlags = stackFlags;
        this.log = log;
    }

    record Result(int exitCode, String stdout) {
    }

    Result run(long timeoutSeconds, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(home.resolve("clickstream").toString());
        cmd.add(args[0]);
        cmd.addAll(stackFlags);
        cmd.addAll(List.of(args).subList(1, args.length));
        Path out = Files.createTempFile(dataDir.getParent(), "cli-", ".out");
        long started = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(home.toFile())
                .redirectOutput(out.toFile())
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("./clickstream " + String.join(" ", args) + " did not finish in " + timeoutSeconds + " s; see " + log);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        Files.writeString(log, "$ ./clickstream " + String.join(" ", args) + "\n" + stdout
                + String.format("(exit %d after %.1f s)%n", p.exitValue(), (System.nanoTime() - started) / 1e9), StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        return new Result(p.exitValue(), stdout);
    }
}
