package io.clickstream.spark.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    @Test
    void defaultsThenFileThenEnvironment(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("clickstream.properties");
        Files.writeString(file, """
                kafka.bootstrap.servers=broker-a:9092
                warehouse.root=s3a://lake/warehouse
                gold.session.gap=20 minutes
                """);

        PipelineConfig c = ConfigLoader.load(file, Map.of("CLICKSTREAM_KAFKA_BOOTSTRAP_SERVERS", "broker-b:9093",
                "CLICKSTREAM_METRICS_PORT", "0", "CLICKSTREAM_METRICS_HOST", "127.0.0.1"));

        assertThat(c.kafkaBootstrapServers()).isEqualTo("broker-b:9093");
        assertThat(c.warehouseRoot()).isEqualTo("s3a://lake/warehouse");
        assertThat(c.tablePath("silver", "events")).isEqualTo("s3a://lake/warehouse/silver/events");
        assertThat(c.sessionGap()).isEqualTo(Duration.ofMinutes(20));
        assertThat(c.metricsPort()).isZero();
        assertThat(c.metricsHost()).isEqualTo("127.0.0.1");
        assertThat(ConfigLoader.load(null, Map.of()).metricsHost()).as("every interface by default").isEmpty();
        assertThat(c.eventsTopic()).isEqualTo("clickstream.events");
        assertThat(c.pageWindow()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.maxOffsetsPerTrigger()).isEqualTo(200_000);
        assertThat(c.goldTrigger()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.goldPeriodicTrigger()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsTyposAndBadValues(@TempDir Path dir) throws Exception {
        Path typo = dir.resolve("typo.properties");
        Files.writeString(typo, "kafka.bootstrap.server=x:1\n");
        assertThatThrownBy(() -> ConfigLoader.load(typo, Map.of())).hasMessageContaining("kafka.bootstrap.server");

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CLICKSTREAM_GOLD_SESSION_GAP", "soon")))
                .hasMessageContaining("gold.session.gap");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CLICKSTREAM_KAFKA_STARTING_OFFSETS", "middle")))
                .hasMessageContaining("kafka.starting.offsets");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CLICKSTREAM_KAFKA_FAIL_ON_DATA_LOSS", "no")))
                .hasMessageContaining("kafka.fail.on.data.loss must be true or false");
        assertThat(ConfigLoader.load(null, Map.of()).failOnDataLoss()).isTrue();
        assertThat(ConfigLoader.load(null, Map.of("CLICKSTREAM_KAFKA_FAIL_ON_DATA_LOSS", "false")).failOnDataLoss()).isFalse();
    }

    @Test
    void envNamesFollowTheKeys() {
        assertThat(ConfigLoader.envName("kafka.max.offsets.per.trigger")).isEqualTo("CLICKSTREAM_KAFKA_MAX_OFFSETS_PER_TRIGGER");
        assertThat(Durations.parse("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(Durations.parse("1 hour")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.toSpark(Duration.ofMinutes(5))).isEqualTo("300 seconds");
    }
}
