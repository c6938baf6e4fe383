package io.clickstream.localkafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Starts a real single-node KRaft Kafka broker ({@link LocalKafkaServer}) in a child JVM and stops it.
 * This class uses no Kafka classes, so it can live on any classpath (Quarkus tests, Spark tests, the launcher):
 * the broker's own classpath was recorded when this module was built.
 */
public final class KafkaBroker implements AutoCloseable {
    public static final String READY_MARKER = "LOCAL-KAFKA READY";

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private final String heap;
    private final boolean tiedToParent;
    private final boolean stopHook;
    private final boolean ignoreSigint;
    private Process process;

    private KafkaBroker(Builder b) {
        this.dataDir = b.dataDir;
        this.port = b.port == 0 ? freePort() : b.port;
        this.controllerPort = b.controllerPort == 0 ? freePort() : b.controllerPort;
        this.heap = b.heap;
        this.tiedToParent = b.tiedToParent;
        this.stopHook = b.stopHook;
        this.ignoreSigint = b.ignoreSigint;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path logFile() {
        return dataDir.resolve("broker.log");
    }

    /** Process id of the running broker, or -1. */
    public long pid() {
        return process == null ? -1 : process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** Starts the broker (formatting its storage on first start) and waits until it accepts clients. */
    public synchronized KafkaBroker start() {
        if (isRunning()) {
            return this;
        }
        for (int p : new int[] {port, controllerPort}) {
            if (isListening(p)) {
                throw new IllegalStateException("cannot start local Kafka: port " + p
                        + " on 127.0.0.1 is already in use (choose another port)");
            }
        }
        try {
            Files.createDirectories(dataDir);
            List<String> cmd = new ArrayList<>(List.of(javaExecutable(), "-Xms64m", "-Xmx" + heap,
                    "-XX:+UseG1GC", "-Djava.awt.headless=true", "-Dlog4j2.configurationFile=classpath:log4j2.xml",
                    "-cp", brokerClasspath(), LocalKafkaServer.class.getName(),
                    "--data-dir", dataDir.toAbsolutePath().toString(),
                    "--port", Integer.toString(port),
                    "--controller-port", Integer.toString(controllerPort)));
            if (tiedToParent) {
                cmd.add("--exit-on-stdin-eof");
            }
            if (ignoreSigint) {
                cmd.add("--ignore-sigint");
            }
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()));
            long logOffset = Files.exists(logFile()) ? Files.size(logFile()) : 0;
            process = pb.start();
            if (tiedToParent && stopHook) {
                Process started = process;
                Runtime.getRuntime().addShutdownHook(new Thread(started::destroy, "local-kafka-stop"));
            }
            awaitReady(logOffset, Duration.ofSeconds(60));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start local Kafka broker in " + dataDir, e);
        }
    }

    /** Graceful stop: SIGTERM, the broker runs its controlled shutdown. */
    public synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** Abrupt stop, like a crash: SIGKILL. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady(long logOffset, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("local Kafka broker exited with " + process.exitValue()
                        + "; see " + logFile() + ":\n" + tail(logOffset));
            }
            if (tail(logOffset).contains(READY_MARKER) && isListening(port)) {
                return;
            }
            sleep(100);
        }
        process.destroyForcibly();
        throw new IllegalStateException("local Kafka broker not ready after " + timeout + "; see " + logFile());
    }

    private String tail(long offset) throws IOException {
        byte[] all = Files.readAllBytes(logFile());
        int from = (int) Math.min(offset, all.length);
        return new String(all, from, all.length - from, StandardCharsets.UTF_8);
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean isListening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for Kafka", e);
        }
    }

    /** A port that was free a moment ago on 127.0.0.1. */
    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            s.setReuseAddress(true);
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** This module's own code plus the jars recorded by maven-dependency-plugin at build time. */
    static String brokerClasspath() {
        try (InputStream in = KafkaBroker.class.getResourceAsStream("/clickstream/local-kafka/classpath.txt")) {
            if (in == null) {
                throw new IllegalStateException("clickstream/local-kafka/classpath.txt missing: build the local-kafka module");
            }
            String recorded;
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                recorded = r.lines().collect(Collectors.joining()).trim();
            }
            String own = Path.of(KafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            return own + java.io.File.pathSeparator + recorded;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static final class Builder {
        private Path dataDir;
        private int port;
        private int controllerPort;
        private String heap = "256m";
        private boolean tiedToParent = true;
        private boolean stopHook = true;
        private boolean ignoreSigint;

        /** Where the broker keeps its log segments and metadata; kept across restarts. */
        public Builder dataDir(Path dir) {
            this.dataDir = dir;
            return this;
        }

        /** Client port on 127.0.0.1; 0 (default) picks a free one. */
        public Builder port(int p) {
            this.port = p;
            return this;
        }

        public Builder controllerPort(int p) {
            this.controllerPort = p;
            return this;
        }

        public Builder heap(String h) {
            this.heap = h;
            return this;
        }

        /**
         * When true (default) the broker exits as soon as this JVM is gone, even after a kill -9. When false it
         * runs on after this JVM exits (the launcher's --detach), and is stopped by its pid.
         */
        public Builder tiedToParent(boolean tied) {
            this.tiedToParent = tied;
            return this;
        }

        /**
         * Whether a JVM shutdown hook stops the broker (default true). A caller that stops its components in
         * order on shutdown turns it off and calls {@link #stop()} itself.
         */
        public Builder stopHook(boolean hook) {
            this.stopHook = hook;
            return this;
        }

        /**
         * Whether the broker ignores SIGINT (default false): a terminal's Ctrl-C reaches every process of its group at
         * once, and a caller that stops the broker last, after what uses it, must not see it stop first.
         */
        public Builder ignoreSigint(boolean ignore) {
            this.ignoreSigint = ignore;
            return this;
        }

        public KafkaBroker build() {
            if (dataDir == null) {
                try {
                    dataDir = Files.createTempDirectory("local-kafka-");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return new KafkaBroker(this);
        }

        public KafkaBroker start() {
            return build().start();
        }
    }
}
