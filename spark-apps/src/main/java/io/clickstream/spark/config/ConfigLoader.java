package io.clickstream.spark.config;

import io.clickstream.contract.Topics;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * Builds the {@link PipelineConfig}: built-in defaults, then a properties file, then environment variables.
 * A key {@code kafka.bootstrap.servers} is overridden by {@code CLICKSTREAM_KAFKA_BOOTSTRAP_SERVERS}.
 */
public final class ConfigLoader {
    public static final String ENV_PREFIX = "CLICKSTREAM_";

    /** Every key with its default; the README's configuration reference lists the same. */
    public static final Map<String, String> DEFAULTS = defaults();

    private ConfigLoader() {
    }

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("app.name", "clickstream");
        d.put("spark.master", "local[2]");
        d.put("spark.shuffle.partitions", "2");
        d.put("kafka.bootstrap.servers", "127.0.0.1:9092");
        d.put("kafka.topic.events", Topics.EVENTS);
        d.put("kafka.starting.offsets", "earliest");
        d.put("kafka.max.offsets.per.trigger", "200000");
        d.put("kafka.fail.on.data.loss", "true");
        d.put("warehouse.root", "data/warehouse");
        d.put("checkpoint.root", "data/checkpoints");
        d.put("bronze.trigger", "2 seconds");
        d.put("silver.trigger", "2 seconds");
        d.put("gold.trigger", "5 seconds");
        d.put("gold.periodic.trigger", "30 seconds");
        d.put("silver.dedup.watermark", "1 hour");
        d.put("silver.allowed.lateness", "10 minutes");
        d.put("silver.max.event.age", "7 days");
        d.put("silver.max.clock.ahead", "10 minutes");
        d.put("silver.bot.events.per.minute", "120");
        d.put("gold.session.gap", "30 minutes");
        d.put("gold.page.window", "1 minute");
        d.put("gold.revenue.window", "5 minutes");
        d.put("gold.funnel.window", "1 hour");
        d.put("gold.trending.window", "1 hour");
        d.put("maintenance.interval", "1 hour");
        d.put("maintenance.compact.days", "2");
        d.put("metrics.port", "9464");
        d.put("metrics.host", "");
        d.put("metrics.failure.linger", "35 seconds");
        return Map.copyOf(d);
    }

    public static PipelineConfig load(Path file) {
        return load(file, System.getenv());
    }

    public static PipelineConfig load(Path file, Map<String, String> env) {
        Map<String, String> values = new LinkedHashMap<>(DEFAULTS);
        if (file != null) {
            values.putAll(readFile(file));
        }
        for (String key : DEFAULTS.keySet()) {
            String override = env.get(envName(key));
            if (override != null) {
                values.put(key, override);
            }
        }
        return from(values);
    }

    /** The environment variable that overrides a key. */
    public static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static Map<String, String> readFile(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read configuration " + file, e);
        }
        Set<String> unknown = new TreeSet<>(p.stringPropertyNames());
        unknown.removeAll(DEFAULTS.keySet());
        if (!unknown.isEmpty()) {
            // A typo would otherwise silently fall back to a default.
            throw new IllegalArgumentException("unknown configuration keys in " + file + ": " + unknown);
        }
        Map<String, String> m = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> m.put(k, p.getProperty(k).trim()));
        return m;
    }

    private static PipelineConfig from(Map<String, String> v) {
        return new PipelineConfig(
                v.get("app.name"),
                v.get("spark.master"),
                integer(v, "spark.shuffle.partitions"),
                v.get("kafka.bootstrap.servers"),
                v.get("kafka.topic.events"),
                v.get("kafka.starting.offsets"),
                longValue(v, "kafka.max.offsets.per.trigger"),
                bool(v, "kafka.fail.on.data.loss"),
                v.get("warehouse.root"),
                v.get("checkpoint.root"),
                duration(v, "bronze.trigger"),
                duration(v, "silver.trigger"),
                duration(v, "gold.trigger"),
                duration(v, "gold.periodic.trigger"),
                duration(v, "silver.dedup.watermark"),
                duration(v, "silver.allowed.lateness"),
                duration(v, "silver.max.event.age"),
                duration(v, "silver.max.clock.ahead"),
                duration(v, "gold.session.gap"),
                duration(v, "gold.page.window"),
                duration(v, "gold.revenue.window"),
                duration(v, "gold.funnel.window"),
                duration(v, "gold.trending.window"),
                integer(v, "silver.bot.events.per.minute"),
                duration(v, "maintenance.interval"),
                integer(v, "maintenance.compact.days"),
                integer(v, "metrics.port"),
                v.get("metrics.host"),
                duration(v, "metrics.failure.linger"));
    }

    private static boolean bool(Map<String, String> v, String key) {
        String value = v.get(key).trim();
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + v.get(key) + "'");
        }
        return Boolean.parseBoolean(value);
    }

    private static int integer(Map<String, String> v, String key) {
        return Math.toIntExact(longValue(v, key));
    }

    private static long longValue(Map<String, String> v, String key) {
        try {
            return Long.parseLong(v.get(key).trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + v.get(key) + "'");
        }
    }

    private static Duration duration(Map<String, String> v, String key) {
        try {
            return Durations.parse(v.get(key));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }
}
