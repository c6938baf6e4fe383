package io.clickstream.spark.config;

import java.time.Duration;

/**
 * Everything the jobs can be told: Kafka, table and checkpoint locations, watermarks, windows, triggers, limits.
 * Loaded by {@link ConfigLoader} from a properties file plus {@code CLICKSTREAM_*} environment variables.
 */
public record PipelineConfig(
        String appName,
        String sparkMaster,
        int shufflePartitions,
        String kafkaBootstrapServers,
        String eventsTopic,
        String startingOffsets,
        long maxOffsetsPerTrigger,
        boolean failOnDataLoss,
        String warehouseRoot,
        String checkpointRoot,
        Duration bronzeTrigger,
        Duration silverTrigger,
        Duration goldTrigger,
        Duration goldPeriodicTrigger,
        Duration dedupWatermark,
        Duration allowedLateness,
        Duration maxEventAge,
        Duration maxClockAhead,
        Duration sessionGap,
        Duration pageWindow,
        Duration revenueWindow,
        Duration funnelWindow,
        Duration trendingWindow,
        int botEventsPerMinute,
        Duration maintenanceInterval,
        int maintenanceCompactDays,
        int metricsPort,
        String metricsHost,
        Duration metricsFailureLinger) {

    public PipelineConfig {
        require(!kafkaBootstrapServers.isBlank(), "kafka.bootstrap.servers must not be empty");
        require(!eventsTopic.isBlank(), "kafka.topic.events must not be empty");
        require(startingOffsets.equals("earliest") || startingOffsets.equals("latest"),
                "kafka.starting.offsets must be earliest or latest");
        require(maxOffsetsPerTrigger > 0, "kafka.max.offsets.per.trigger must be positive");
        require(shufflePartitions > 0, "spark.shuffle.partitions must be positive");
        require(!warehouseRoot.isBlank(), "warehouse.root must not be empty");
        require(!checkpointRoot.isBlank(), "checkpoint.root must not be empty");
        require(!sessionGap.isNegative() && !sessionGap.isZero(), "gold.session.gap must be positive");
        require(botEventsPerMinute > 0, "silver.bot.events.per.minute must be positive");
        require(maintenanceCompactDays > 0, "maintenance.compact.days must be positive");
        require(metricsPort >= 0 && metricsPort <= 65535, "metrics.port must be 0 (off) or a TCP port");
        require(!metricsFailureLinger.isNegative(), "metrics.failure.linger must not be negative");
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** Whether the jobs compact and vacuum their tables on a schedule ({@code maintenance.interval} above zero). */
    public boolean maintenanceEnabled() {
        return !maintenanceInterval.isZero();
    }

    /** Location of a table, e.g. {@code table("silver", "events")} → {@code <root>/silver/events}. */
    public String tablePath(String layer, String table) {
        return join(warehouseRoot, layer + "/" + table);
    }

    /** Checkpoint of one streaming query. */
    public String checkpoint(String query) {
        return join(checkpointRoot, query);
    }

    private static String join(String root, String child) {
        return root.endsWith("/") ? root + child : root + "/" + child;
    }

    public PipelineConfig withLocations(String warehouse, String checkpoints) {
        return new PipelineConfig(appName, sparkMaster, shufflePartitions, kafkaBootstrapServers, eventsTopic,
                startingOffsets, maxOffsetsPerTrigger, failOnDataLoss, warehouse, checkpoints, bronzeTrigger, silverTrigger,
                goldTrigger, goldPeriodicTrigger, dedupWatermark, allowedLateness, maxEventAge, maxClockAhead, sessionGap, pageWindow,
                revenueWindow, funnelWindow, trendingWindow, botEventsPerMinute, maintenanceInterval, maintenanceCompactDays,
                metricsPort, metricsHost, metricsFailureLinger);
    }

    public PipelineConfig withKafka(String bootstrapServers) {
        return new PipelineConfig(appName, sparkMaster, shufflePartitions, bootstrapServers, eventsTopic,
                startingOffsets, maxOffsetsPerTrigger, failOnDataLoss, warehouseRoot, checkpointRoot, bronzeTrigger, silverTrigger,
                goldTrigger, goldPeriodicTrigger, dedupWatermark, allowedLateness, maxEventAge, maxClockAhead, sessionGap, pageWindow,
                revenueWindow, funnelWindow, trendingWindow, botEventsPerMinute, maintenanceInterval, maintenanceCompactDays,
                metricsPort, metricsHost, metricsFailureLinger);
    }
}
