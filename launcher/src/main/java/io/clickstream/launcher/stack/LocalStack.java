package io.clickstream.launcher.stack;

import io.clickstream.localkafka.KafkaBroker;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole pipeline on one machine: a KRaft broker, the gateway (production jar), the all-layers Spark driver in
 * local mode and, when installed, Prometheus. Started in dependency order, stopped in reverse, each gracefully:
 * Spark stops at a batch boundary, the gateway drains its in-flight sends, Kafka shuts down cleanly.
 */
public final class LocalStack {
    /** The gateway's production JVM flags (see ingest-gateway/README.md), with {@link #GATEWAY_ENV}. */
    public static final String GATEWAY_JAVA_OPTS = "-Xms128m -Xmx128m -Xmn80m -XX:SurvivorRatio=3 -XX:TargetSurvivorRatio=90 -XX:+UseSerialGC -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -Xss512k -XX:MaxDirectMemorySize=64m";
    /** Caps glibc's per-thread malloc arenas, a large share of a small JVM's resident memory. */
    public static final Map<String, String> GATEWAY_ENV = Map.of("MALLOC_ARENA_MAX", "2");

    /** How long a foreground up waits for restart-spark to replace the driver: its graceful stop, then a JVM start. */
    private static final Duration RESTART_LIMIT = grace("spark").plusMinutes(2);

    private final StackSettings settings;
    private final Artifacts artifacts;
    private final PrintStream out;
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private KafkaBroker kafka;
    private StackState state;
    /** Set by {@link #stop}: a start still in progress (Ctrl-C during up) launches nothing more. */
    private volatile boolean stopped;

    /** {@link #GATEWAY_ENV}, and the stack's visitor-id secret unless the environment already names one. */
    private Map<String, String> gatewayEnvironment() {
        Map<String, String> env = new HashMap<>(GATEWAY_ENV);
        if (System.getenv(VisitorIdSecret.ENV) == null) {
            env.put(VisitorIdSecret.ENV, VisitorIdSecret.of(settings));
        }
        return env;
    }

    public LocalStack(StackSettings settings, PrintStream out) {
        this.settings = settings;
        this.artifacts = new Artifacts(settings.home());
        this.out = out;
    }

    public StackState start(boolean detached) {
        checkDataDir();
        StackState.read(settings.stateFile()).filter(StackState::anyAlive).ifPresent(s -> {
            throw new StackException("a stack is already running from " + settings.dataDir()
                    + " (gateway " + s.gatewayUrl() + "); run ./clickstream down first");
        });
        checkPortsFree();
        List<String> missing = artifacts.missing();
        if (!missing.isEmpty()) {
            throw new StackException("not built yet: " + missing + "; run ./mvnw install -DskipTests");
        }
        state = StackState.starting(settings, detached);
        try {
            out.println("starting Kafka on " + settings.kafkaBootstrap() + " ...");
            startKafka(detached);

            out.println("starting the gateway on " + settings.gatewayUrl() + " ...");
            Process gateway = launch("gateway", artifacts.gatewayCommand(settings, GATEWAY_JAVA_OPTS), gatewayEnvironment());
            // Ready means Kafka answered and the topics exist: only then may Spark subscribe.
            Processes.await("the gateway", Duration.ofSeconds(90), gateway, log("gateway").toString(),
                    () -> Processes.httpStatus(settings.gatewayUrl() + "/q/health/ready") == 200);

            startSpark();

            if (settings.prometheus()) {
                startPrometheus();
            }
            return state;
        } catch (RuntimeException e) {
            boolean interrupted = stopped; // Ctrl-C: the shutdown hook stopped the stack under this start
            stop();
            throw interrupted ? new StackException("interrupted while starting; stopped what had started") : e;
        }
    }

    private synchronized void startKafka(boolean detached) {
        requireNotStopped("Kafka");
        try {
            kafka = KafkaBroker.builder().dataDir(settings.kafkaDir()).port(settings.kafkaPort())
                    .controllerPort(settings.kafkaPort() + 1).tiedToParent(!detached).stopHook(false).ignoreSigint(true).start();
        } catch (IllegalStateException | java.io.UncheckedIOException e) {
            // said in one line, as the launcher's other refusals are (a port in use, a broker that did not come up)
            throw new StackException(e.getMessage());
        }
        ProcessHandle.of(kafka.pid()).ifPresent(broker -> state.started("kafka", broker));
        state.write(settings.stateFile());
    }

    private void requireNotStopped(String component) {
        if (stopped) {
            throw new StackException("stopped while starting; " + component + " was not started");
        }
    }

    private void startSpark() {
        out.println("starting the Spark pipeline (bronze, silver, gold) ...");
        Process spark = launch("spark", artifacts.sparkCommand(settings, Artifacts.ALL_LAYERS_MAIN, List.of()),
                Artifacts.sparkEnvironment(settings));
        Processes.await("the Spark pipeline", Duration.ofSeconds(180), spark, log("spark").toString(),
                () -> Processes.httpStatus("http://127.0.0.1:" + settings.sparkMetricsPort() + "/metrics") == 200);
    }

    /**
     * Restarts the Spark driver of a running stack (started by any launcher): stops it gracefully, or kills it
     * like a crash with {@code kill}, then starts it again; it resumes from its checkpoints.
     */
    public static void restartSpark(StackSettings requested, boolean kill, PrintStream out) {
        StackState running = StackState.read(requested.stateFile()).filter(StackState::anyAlive)
                .orElseThrow(() -> new StackException("nothing is running from " + requested.dataDir()));
        Optional<ProcessHandle> driver = running.process("spark");
        // A foreground up watching this stack reads the marker as "being replaced", not as a crash to stop everything for.
        running.restarting("spark");
        running.write(requested.stateFile());
        driver.ifPresent(h -> {
            out.println((kill ? "killing" : "stopping") + " the Spark driver (pid " + h.pid() + ") ...");
            if (kill) {
                h.destroyForcibly();
                h.onExit().join();
            } else {
                Processes.stop(h, grace("spark"));
            }
        });
        // Ctrl-C of a foreground up, or a down, while the old driver was stopping: the stack is gone, start nothing.
        StackState now = StackState.read(requested.stateFile()).orElse(null);
        if (now == null || now.pids().getOrDefault("spark", -1L) != StackState.RESTARTING) {
            throw new StackException("the stack was stopped while the Spark driver was restarting; nothing was started");
        }
        LocalStack stack = new LocalStack(running.settings(), out);
        stack.state = running;
        stack.startSpark();
        stack.processes.clear(); // the new driver belongs to the stack, not to this launcher
    }

    private void startPrometheus() {
        if (!onPath("prometheus")) {
            out.println("prometheus is not installed: skipping it (apt-get install prometheus to get it)");
            return;
        }
        Path dir = settings.dataDir().resolve("prometheus");
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("prometheus.yml"),
                    PrometheusConfig.render(settings, PrometheusConfig.ruleFiles(settings.home())));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String url = "http://127.0.0.1:" + settings.prometheusPort();
        out.println("starting Prometheus on " + url + " ...");
        Process prometheus = launch("prometheus", List.of("prometheus",
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + settings.prometheusPort(),
                "--web.enable-lifecycle"), Map.of());
        Processes.await("Prometheus", Duration.ofSeconds(60), prometheus, log("prometheus").toString(),
                () -> Processes.httpStatus(url + "/-/ready") == 200);
        state = state.withPrometheus(settings.prometheusPort());
        state.write(settings.stateFile());
    }

    /**
     * Blocks until a component exits by itself (then the caller stops the rest) or the JVM is asked to stop. A component
     * that {@code restart-spark} replaced is followed under its new pid, from the state file.
     */
    public String awaitFailure() throws InterruptedException {
        Map<String, ProcessHandle> watched = new LinkedHashMap<>();
        processes.forEach((name, p) -> watched.put(name, p.toHandle()));
        Map<String, Instant> restartSeen = new HashMap<>();
        String failure = null;
        while (failure == null) {
            Thread.sleep(500);
            failure = failure(watched, restartSeen);
        }
        if (stopped) {
            // Ctrl-C: the shutdown hook is stopping everything, one by one, and ends the JVM when it is done.
            new java.util.concurrent.CountDownLatch(1).await();
        }
        return failure;
    }

    /** What ended, if anything did; follows a component restart-spark replaced. */
    private String failure(Map<String, ProcessHandle> watched, Map<String, Instant> restartSeen) {
        for (Map.Entry<String, ProcessHandle> w : watched.entrySet()) {
            String name = w.getKey();
            if (w.getValue().isAlive()) {
                continue;
            }
            StackState current = currentState();
            long now = current == null ? -1 : current.pids().getOrDefault(name, -1L);
            Optional<ProcessHandle> replacement = current == null || now == w.getValue().pid() ? Optional.empty()
                    : current.process(name);
            if (now == StackState.RESTARTING) {
                Instant since = restartSeen.computeIfAbsent(name, n -> Instant.now());
                if (Duration.between(since, Instant.now()).compareTo(RESTART_LIMIT) > 0) {
                    return name + " was being restarted and did not come back within " + RESTART_LIMIT.toSeconds() + " s";
                }
            } else if (replacement.isPresent()) {
                out.println(name + " was restarted (pid " + now + ")");
                restartSeen.remove(name);
                w.setValue(replacement.get());
            } else {
                Process own = processes.get(name);
                return name + (own != null && own.pid() == w.getValue().pid() ? " exited with code " + own.exitValue() : " exited")
                        + "; see " + log(name);
            }
        }
        KafkaBroker broker = kafka;
        return broker != null && !broker.isRunning() ? "Kafka exited; see " + broker.logFile() : null;
    }

    /** The state file as it is now (restart-spark rewrites it), or null. */
    private StackState currentState() {
        try {
            return StackState.read(settings.stateFile()).orElse(null);
        } catch (UncheckedIOException unreadable) {
            return null;
        }
    }

    /** Stops what this launcher started, in reverse order. */
    public synchronized void stop() {
        stopped = true;
        List<String> names = new ArrayList<>(processes.keySet());
        java.util.Collections.reverse(names);
        for (String name : names) {
            Process p = processes.get(name);
            if (p.isAlive()) {
                out.println("stopping " + name + " ...");
                Processes.stop(p.toHandle(), grace(name));
            }
            StackState current = currentState(); // restart-spark may have started another in this one's place
            Optional<ProcessHandle> replacement = current == null ? Optional.empty()
                    : current.process(name).filter(h -> h.pid() != p.pid());
            replacement.ifPresent(h -> {
                out.println("stopping " + name + " (pid " + h.pid() + ") ...");
                Processes.stop(h, grace(name));
            });
        }
        processes.clear();
        if (kafka != null) {
            out.println("stopping Kafka ...");
            kafka.stop();
            kafka = null;
        }
        if (state == null) {
            return; // refused before starting anything: the state file, if any, is another stack's
        }
        try {
            StackState.forget(settings);
        } catch (IOException ignored) {
            // a stale state file is recognised by its dead pids
        }
    }

    /** Stops a stack started by another launcher (e.g. up --detach), from its state file. */
    public static boolean stopFromState(StackSettings settings, PrintStream out) {
        StackState state = StackState.read(settings.stateFile()).orElse(null);
        if (state == null || !state.anyAlive()) {
            if (state != null) {
                forgetQuietly(settings); // a stack that ended without down (a crash, a reboot): its files go
            }
            return false;
        }
        List<String> names = new ArrayList<>(state.pids().keySet());
        java.util.Collections.reverse(names);
        for (String name : names) {
            state.process(name).ifPresent(h -> {
                out.println("stopping " + name + " (pid " + h.pid() + ") ...");
                Processes.stop(h, grace(name));
            });
        }
        try {
            StackState.forget(settings);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return true;
    }

    private static void forgetQuietly(StackSettings settings) {
        try {
            StackState.forget(settings);
        } catch (IOException e) {
            // left behind: its pids are dead, which is how the next look tells it is stale
        }
    }

    static Duration grace(String component) {
        return switch (component) {
            case "spark" -> Duration.ofSeconds(90); // finishes the running micro-batches
            case "gateway", "kafka" -> Duration.ofSeconds(30);
            default -> Duration.ofSeconds(10);
        };
    }

    private synchronized Process launch(String name, List<String> command, Map<String, String> env) {
        requireNotStopped(name);
        try {
            Files.createDirectories(settings.logsDir());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log(name).toFile()))
                    .directory(settings.home().toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            processes.put(name, p);
            state.started(name, p.toHandle());
            state.write(settings.stateFile());
            return p;
        } catch (IOException e) {
            throw new StackException("cannot start " + name + ": " + e.getMessage());
        }
    }

    private Path log(String name) {
        return settings.logsDir().resolve(name + ".log");
    }

    private void checkDataDir() {
        try {
            Files.createDirectories(settings.dataDir());
        } catch (IOException e) {
            throw new StackException("cannot create the data folder " + settings.dataDir() + ": " + e.getMessage());
        }
        if (!Files.isWritable(settings.dataDir())) {
            throw new StackException("the data folder " + settings.dataDir() + " is not writable (choose another with --data-dir)");
        }
    }

    private void checkPortsFree() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--port (gateway)", settings.gatewayPort());
        ports.put("--kafka-port", settings.kafkaPort());
        ports.put("--kafka-port + 1 (Kafka controller)", settings.kafkaPort() + 1);
        ports.put("--spark-metrics-port", settings.sparkMetricsPort());
        if (settings.prometheus() && onPath("prometheus")) {
            ports.put("--prometheus-port", settings.prometheusPort());
        }
        ports.forEach((flag, port) -> {
            if (Processes.portInUse(port)) {
                throw new StackException("port " + port + " is already in use on 127.0.0.1; choose another with " + flag);
            }
        });
    }

    static boolean onPath(String command) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
