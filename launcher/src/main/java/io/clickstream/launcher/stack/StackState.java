package io.clickstream.launcher.stack;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What a running stack left in its data folder ({@code stack.json}): pids and ports, for status and down. Each pid
 * comes with its process's start time, so that a pid the system gave to another process since (after a reboot, say)
 * is not taken for, or stopped as, a component: on Linux the kernel's own (clock ticks since boot), elsewhere the
 * epoch ms the JVM derives from it. Those epoch ms depend on the wall clock when each JVM started: a clock step
 * between the launcher that wrote the file and the one reading it would make every component look stopped.
 */
public record StackState(Instant startedAt, boolean detached, String gatewayUrl, String kafka, int sparkMetricsPort,
                         Integer prometheusPort, Map<String, Long> pids, Map<String, Long> pidStarts,
                         Map<String, Long> pidStartTicks, StackSettings settings) {

    public StackState {
        pidStartTicks = pidStartTicks == null ? new LinkedHashMap<>() : pidStartTicks; // absent from older files
        pidStarts = pidStarts == null ? new LinkedHashMap<>() : pidStarts; // absent from files of older launchers
    }

    /** The pid a component has while {@code restart-spark} replaces it: the old process is stopping, the new not yet started. */
    public static final long RESTARTING = 0;

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public static StackState starting(StackSettings s, boolean detached) {
        return new StackState(Instant.now(), detached, s.gatewayUrl(), s.kafkaBootstrap(), s.sparkMetricsPort(),
                null, new LinkedHashMap<>(), new LinkedHashMap<>(), new LinkedHashMap<>(), s);
    }

    public StackState withPrometheus(int port) {
        return new StackState(startedAt, detached, gatewayUrl, kafka, sparkMetricsPort, port, pids, pidStarts, pidStartTicks,
                settings);
    }

    /** Writes the state to {@code file}, and the stack's pids to its {@link #inUseMarker in-use marker}. */
    public void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            Path marker = inUseMarker(settings);
            Files.createDirectories(marker.getParent());
            // pid:start ticks, as the script can read them from /proc: a pid the system has given to another process since
            // (after a reboot) is not taken for the stack's
            Files.writeString(marker, pids.keySet().stream().filter(name -> pids.get(name) > 0)
                    .map(name -> pids.get(name) + ":" + (pidStartTicks.containsKey(name) ? pidStartTicks.get(name) : ""))
                    .collect(java.util.stream.Collectors.joining(" ", "", "\n")));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Removes the state file of the stack in {@code settings}' data folder and its in-use marker: it has stopped. */
    public static void forget(StackSettings settings) throws IOException {
        Files.deleteIfExists(settings.stateFile());
        Files.deleteIfExists(inUseMarker(settings));
    }

    /**
     * The file that tells the {@code clickstream} script a stack runs from this home's build outputs (its processes,
     * {@code pid:start-ticks} on one line), one per data folder: the script does not rebuild them under a running stack, whose JVMs load classes and
     * read jars from them.
     */
    static Path inUseMarker(StackSettings settings) {
        String dataDir = settings.dataDir().toAbsolutePath().normalize().toString();
        return settings.home().resolve("target").resolve(".clickstream-in-use")
                .resolve(java.util.UUID.nameUUIDFromBytes(dataDir.getBytes(java.nio.charset.StandardCharsets.UTF_8)).toString());
    }

    public static Optional<StackState> read(Path file) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), StackState.class));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Records {@code process} as the component {@code name}. */
    public void started(String name, ProcessHandle process) {
        pids.put(name, process.pid());
        process.info().startInstant().ifPresentOrElse(t -> pidStarts.put(name, t.toEpochMilli()), () -> pidStarts.remove(name));
        startTicks(process.pid()).ifPresentOrElse(t -> pidStartTicks.put(name, t), () -> pidStartTicks.remove(name));
    }

    /** Marks the component as being replaced by {@code restart-spark}. */
    public void restarting(String name) {
        pids.put(name, RESTARTING);
        pidStarts.remove(name);
        pidStartTicks.remove(name);
    }

    /** The component's process, if it is still the one this stack started and alive. */
    public Optional<ProcessHandle> process(String name) {
        long pid = pids.getOrDefault(name, -1L);
        if (pid <= 0) {
            return Optional.empty();
        }
        Optional<ProcessHandle> alive = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        Long ticks = pidStartTicks.get(name);
        Optional<Long> ticksNow = ticks == null ? Optional.empty() : startTicks(pid);
        if (ticksNow.isPresent()) {
            return alive.filter(h -> ticksNow.get().equals(ticks));
        }
        Long start = pidStarts.get(name);
        return alive.filter(h -> start == null || h.info().startInstant()
                .map(t -> Math.abs(t.toEpochMilli() - start) < 1_000).orElse(true));
    }

    /** The process's start in clock ticks since boot (field 22 of /proc/[pid]/stat), where there is a /proc. */
    static Optional<Long> startTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // "pid (command) state ppid ...": the command may hold spaces and parentheses; the fields after it are plain.
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            return Optional.of(Long.parseLong(fields[19]));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code running}, {@code restarting} or {@code stopped}. */
    public String describe(String name) {
        return pids.getOrDefault(name, -1L) == RESTARTING ? "restarting" : process(name).isPresent() ? "running" : "stopped";
    }

    /** True while any process of this stack is alive. */
    public boolean anyAlive() {
        return pids.keySet().stream().anyMatch(name -> process(name).isPresent());
    }
}
