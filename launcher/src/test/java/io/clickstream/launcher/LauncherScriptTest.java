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

    /** A stack runs from the outputs: a build would replace the classes and jars its JVMs read. */
    @Test
    void noBuildUnderAStackRunningFromTheOutputs() throws Exception {
        buildOutput();
        Files.createFile(stamp);
        Instant built = Instant.now().minus(1, ChronoUnit.HOURS);
        Files.setLastModifiedTime(stamp, FileTime.from(built));
        Files.setLastModifiedTime(source, FileTime.from(built.plus(1, ChronoUnit.MINUTES)));
        Path markers = Files.createDirectories(home.resolve("target/.clickstream-in-use"));
        Process ended = new ProcessBuilder("true").start();
        ended.waitFor();
        long me = ProcessHandle.current().pid();
        String myTicks = startTicks(me);
        Files.writeString(markers.resolve("gone"), ended.pid() + ":" + myTicks + "\n"); // a stack that ended
        // a stack of before a reboot whose pid this JVM has now: its start differs
        Files.writeString(markers.resolve("rebooted"), me + ":" + (Long.parseLong(myTicks) - 1) + "\n");
        assertThat(run()).contains("sources changed since the last build: building");
        assertThat(builds()).isEqualTo(1);

        Files.setLastModifiedTime(source, FileTime.from(Instant.now().plus(1, ChronoUnit.MINUTES)));
        Path running = Files.writeString(markers.resolve("data-dir"), ended.pid() + ": " + me + ":" + myTicks + "\n");
        assertThat(run()).contains("a stack is running from it: not building now");
        assertThat(builds()).isEqualTo(1);
        Files.writeString(running, me + "\n"); // without start ticks (a system without /proc): the pid alone
        assertThat(run()).contains("a stack is running from it: not building now");
        assertThat(builds()).isEqualTo(1);

        Files.delete(running); // ./clickstream down
        assertThat(run()).contains("sources changed since the last build: building");
        assertThat(builds()).isEqualTo(2);
    }

    /** Field 22 of /proc/[pid]/stat: the process's start, in clock ticks since boot. */
    private static String startTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ")[19];
    }

    /** Ctrl-C during a build leaves outputs that look complete (a module's lib folder half copied, say). */
    @Test
    void aBuildThatDidNotFinishIsRunAgain() throws Exception {
        buildOutput();
        Files.createFile(stamp);
        Files.createDirectories(home.resolve("target"));
        Files.createFile(home.resolve("target/.clickstream-building"));

        assertThat(run("status")).contains("the last build did not finish: building");
        assertThat(builds()).isEqualTo(1);
        assertThat(run()).doesNotContain("building");
        assertThat(builds()).isEqualTo(1);
    }

    /** The first build shows which module it is at (it takes minutes); a failed one shows its end and stops. */
    @Test
    void aBuildShowsItsModulesAndAFailedOneItsEnd() throws Exception {
        String progress = """
                echo "[INFO] Scanning for projects..."
                echo "[INFO] Building Clickstream :: event contract 0.1.0 [1/2]"
                echo "[INFO] Downloading from central: https://repo.maven.apache.org/..."
                echo "[INFO] Building Clickstream :: launcher 0.1.0 [2/2]"
                """;
        mvnw(progress + """
                echo "[ERROR] COMPILATION ERROR : Main.java:[1,1] class, interface, enum, or record expected"
                exit 1
                """);
        String failed = run();
        assertThat(failed).contains("COMPILATION ERROR").contains("the build failed");
        assertThat(failed.indexOf("COMPILATION ERROR")).isLessThan(failed.indexOf("the build failed"));
        assertThat(home.resolve("target/clickstream-build.log")).content().contains("Downloading from central");
        assertThat(stamp).doesNotExist();

        mvnw(progress + """
                mkdir -p ingest-gateway/target/quarkus-app spark-apps/target/lib launcher/target/lib
                touch ingest-gateway/target/quarkus-app/quarkus-run.jar
                """);
        assertThat(run()).contains("building")
                .contains("Building Clickstream :: event contract", "Building Clickstream :: launcher")
                .doesNotContain("Scanning for projects").doesNotContain("Downloading");
        assertThat(stamp).exists();
        assertThat(home.resolve("target/.clickstream-building")).doesNotExist();
    }

    /** Replaces the recording mvnw's body after its first line. */
    private void mvnw(String body) throws IOException {
        Files.writeString(home.resolve("mvnw"), "#!/usr/bin/env bash\ncd \"$(dirname \"$0\")\"\necho \"$*\" >> mvnw.calls\n" + body);
    }

    /** A java that cannot even tell its version (macOS's stub without a JDK, a broken JAVA_HOME) is passed over. */
    @Test
    void aJavaThatFailsIsPassedOverForTheNextOne() throws Exception {
        buildOutput();
        Path stub = Files.createDirectories(home.resolve("broken-jdk/bin")).resolve("java");
        Files.writeString(stub, "#!/usr/bin/env bash\necho 'No Java runtime present' >&2\nexit 1\n");
        Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder("bash", home.resolve("clickstream").toString(), "status");
        pb.environment().put("JAVA_HOME", home.resolve("broken-jdk").toString());
        String err = stderrOf(pb);
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
        return stderrOf(new ProcessBuilder("bash", home.resolve("clickstream").toString(), command));
    }

    /**
     * Runs the script in the scratch layout, at most a minute; returns what it wrote to stderr. Into a file: reading a
     * pipe to its end would wait forever for a script that hangs.
     */
    private String stderrOf(ProcessBuilder pb) throws Exception {
        // Outside the scratch layout, whose files the script looks at.
        Path errors = Files.createTempFile("clickstream-script-", ".err");
        try {
            Process p = pb.directory(home.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(errors.toFile()).start();
            boolean finished = p.waitFor(60, TimeUnit.SECONDS);
            p.descendants().forEach(ProcessHandle::destroyForcibly); // the java it started
            p.destroyForcibly();
            String err = Files.readString(errors);
            assertThat(finished).as("the script finished within a minute; it wrote: " + err).isTrue();
            return err;
        } finally {
            Files.deleteIfExists(errors);
        }
    }

    private long builds() throws IOException {
        Path calls = home.resolve("mvnw.calls");
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }
}
