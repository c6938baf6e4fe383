package io.clickstream.spark.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** An entry point run as its own JVM with the test classpath and the project's Spark JVM flags. */
public final class PipelineProcess {
    private final Process process;

    private PipelineProcess(Process process) {
        this.process = process;
    }

    public static PipelineProcess start(String mainClass, Path configFile, Path log) throws IOException {
        Path classpathFile = Path.of(System.getProperty("clickstream.test.classpath.file"));
        Path target = classpathFile.getParent();
        String classpath = target.resolve("classes") + java.io.File.pathSeparator + target.resolve("test-classes")
                + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
        Path tmp = target.resolve("tmp");
        List<String> cmd = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@" + System.getProperty("clickstream.jvm.args")));
        // Heap and any further driver JVM options (e.g. a flight recording for the benchmark), space-separated.
        cmd.addAll(List.of(System.getProperty("clickstream.driver.heap", "-Xmx1g").trim().split("\\s+")));
        cmd.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-cp", classpath, mainClass, "--config", configFile.toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return new PipelineProcess(pb.start());
    }

    /** SIGKILL: no shutdown hook, no cleanup, like a crash. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGTERM, then the exit code. */
    public int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the pipeline did not stop within 120 s of SIGTERM");
        }
        return process.exitValue();
    }

    /** Resident memory of the process (Linux), in MB, or -1. */
    public long rssMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitCode() {
        return process.exitValue();
    }
}
