package io.clickstream.gateway.support;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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
        Npm.run(HOME, List.of("npm", "pack", "@segment/analytics-next@" + VERSION, "--pack-destination", "."));
        Npm.run(HOME, List.of("tar", "xzf", "segment-analytics-next-" + VERSION + ".tgz"));
        if (!Files.isRegularFile(bundle)) {
            throw new IllegalStateException("npm pack gave no " + bundle);
        }
        return bundle;
    }
}
