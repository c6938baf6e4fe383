package io.clickstream.gateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Segment's own browser SDK, analytics.js 2.0 ({@code @segment/analytics-next}), as published on the npm registry:
 * fetched once with {@code npm pack} into {@code target/}, so the gateway is tested against the real client.
 */
public final class SegmentSdk {
    public static final String VERSION = "1.84.3";
    private static final Path HOME = Path.of("target", "segment-sdk", VERSION);

    private SegmentSdk() {
    }

    /** The SDK's UMD bundle (global {@code AnalyticsNext}). */
    public static synchronized Path umdBundle() throws IOException, InterruptedException {
        Path bundle = HOME.resolve("package/dist/umd/index.js");
        if (Files.isRegularFile(bundle)) {
            return bundle;
        }
        Files.createDirectories(HOME);
        run(List.of("npm", "pack", "@segment/analytics-next@" + VERSION, "--pack-destination", "."));
        run(List.of("tar", "xzf", "segment-analytics-next-" + VERSION + ".tgz"));
        if (!Files.isRegularFile(bundle)) {
            throw new IllegalStateException("npm pack gave no " + bundle);
        }
        return bundle;
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(command).directory(HOME.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("this test needs npm (Node.js) and the npm registry to fetch Segment's SDK: "
                    + e.getMessage(), e);
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
    }
}
