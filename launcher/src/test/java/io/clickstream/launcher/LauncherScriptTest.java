package io.clickstream.launcher;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the {@code clickstream} script builds: the real script in a scratch copy of the repository's layout, with a
 * {@code mvnw} that only records that it ran (the launcher itself is not there, so the script's last step, starting
 * it, fails; only the building is checked).
 */
class LauncherScriptTest {
    private static final Path SCRIPT = Path.of("..", "clickstream");

    @TempDir
    Path home;

    private Path stamp;
    private Path source;

    @BeforeEach
    void layout() throws IOException {
        Files.copy(SCRIPT, home.resolve("clickstream"), StandardCopyOption.COPY_ATTRIBUTES);
        // Records the call and leaves the outputs a real build leaves.
        Path mvnw = Files.writeString(home.resolve("mvnw"), """
                #!/usr/bin/env bash
                cd "$(dirname "$0")"
                echo "$*" >> mvnw.calls
                mkdir -p ingest-gateway/target/quarkus-app spark-apps/target/lib launcher/target/lib
                touch ingest-gateway/target/quarkus-app/quarkus-run.jar
                """);
        Files.setPosixFilePermissions(mvnw, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.writeString(home.resolve("pom.xml"), "<project/>");
        source = Files.createDirectories(home.resolve("launcher/src/main/java")).resolve("Main.java");
        Files.writeString(source, "class Main {}");
        stamp = home.resolve("launcher/target/.clickstream-built");
    }

    @Test
    void buildsWhenOutputIsMissing() throws Exception {
        assertThat(run()).contains("building (first run only");
        assertThat(builds()).isEqualTo(1);
        assertThat(stamp).exists();
    }

    @Test
    void takesABuildWithoutStampAsCurrent() throws Exception {
        buildOutput();
        assertThat(run()).doesNotContain("building");
        assertThat(builds()).isZero();
        assertThat(stamp).exists();
    }

    @Test
    void buildsAgainOnlyAfterSourcesChanged() throws Exception {
        buildOutput();
        Files.createFile(stamp);
        Instant built = Instant.now().minus(1, ChronoUnit.HOURS);
        Files.setLastModifiedTime(stamp, FileTime.from(built));
        try (Stream<Path> all = Files.walk(home.resolve("launcher/src"))) {
            for (Path p : Stream.concat(all, Stream.of(home.resolve("pom.xml"))).toList()) {
                Files.setLastModifiedTime(p, FileTime.from(built.minus(1, ChronoUnit.HOURS)));
            }
        }
        assertThat(run()).doesNotContain("building");
        assertThat(builds()).isZero();

        Files.setLastModifiedTime(source, FileTime.from(built.plus(1, ChronoUnit.MINUTES)));
        // A stack may be running from the outputs: down and status act on it as it is.
        assertThat(run("status")).doesNotContain("building");
        assertThat(run("down")).doesNotContain("building");
        assertThat(builds()).isZero();

        assertThat(run()).contains("sources changed since the last build: building");
        assertThat(builds()).isEqualTo(1);

        assertThat(run()).doesNotContain("building");
        assertThat(builds()).as("the stamp moved past the sources").isEqualTo(1);
    }

    /** A java that cannot even tell its version (macOS's stub without a JDK, a broken JAVA_HOME) is passed over. */
    @Test
    void aJavaThatFailsIsPassedOverForTheNextOne() throws Exception {
        buildOutput();
        Path stub = Files.createDirectories(home.resolve("broken-jdk/bin")).resolve("java");
        Files.writeString(stub, "#!/usr/bin/env bash\necho 'No Java runtime present' >&2\nexit 1\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("clickstream").toString(), "status")
                .directory(home.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("JAVA_HOME", home.resolve("broken-jdk").toString());
        Process p = pb.start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        // It went on to start the launcher with the JDK found after it (absent from this scratch layout).
        assertThat(err).contains("io.clickstream.launcher.ClickstreamCli");
    }

    /** The outputs of a build this script did not run ({@code ./mvnw install} by hand, CI). */
    private void buildOutput() throws IOException {
        Files.createDirectories(home.resolve("ingest-gateway/target/quarkus-app"));
        Files.createFile(home.resolve("ingest-gateway/target/quarkus-app/quarkus-run.jar"));
        Files.createDirectories(home.resolve("spark-apps/target/lib"));
        Files.createDirectories(home.resolve("launcher/target/lib"));
    }

    /** Runs {@code ./clickstream sql}; returns what it wrote to stderr. */
    private String run() throws Exception {
        return run("sql");
    }

    private String run(String command) throws Exception {
        Process p = new ProcessBuilder("bash", home.resolve("clickstream").toString(), command)
                .directory(home.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return err;
    }

    private long builds() throws IOException {
        Path calls = home.resolve("mvnw.calls");
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }
}
