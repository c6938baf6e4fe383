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

/** What a running stack left in its data folder ({@code stack.json}): pids and ports, for status and down. */
public record StackState(Instant startedAt, boolean detached, String gatewayUrl, String kafka, int sparkMetricsPort,
                         Integer prometheusPort, Map<String, Long> pids, StackSettings settings) {

    /** The pid a component has while {@code restart-spark} replaces it: the old process is stopping, the new not yet started. */
    public static final long RESTARTING = 0;

    static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    public static StackState starting(StackSettings s, boolean detached) {
        return new StackState(Instant.now(), detached, s.gatewayUrl(), s.kafkaBootstrap(), s.sparkMetricsPort(),
                null, new LinkedHashMap<>(), s);
    }

    public StackState withPrometheus(int port) {
        return new StackState(startedAt, detached, gatewayUrl, kafka, sparkMetricsPort, port, pids, settings);
    }

    public void write(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
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

    /** {@code running}, {@code restarting} or {@code stopped}. */
    public static String describe(long pid) {
        return pid == RESTARTING ? "restarting" : Processes.alive(pid) ? "running" : "stopped";
    }

    /** True while any process of this stack is alive. */
    public boolean anyAlive() {
        return pids.values().stream().anyMatch(Processes::alive);
    }
}
