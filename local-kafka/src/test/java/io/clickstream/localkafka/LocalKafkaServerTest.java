package io.clickstream.localkafka;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LocalKafkaServerTest {

    @Test
    void configSettingsOverrideTheLocalDefaults() {
        Properties props = LocalKafkaServer.serverProperties(Path.of("/tmp/logs"), 9092, 9093, 3);
        LocalKafkaServer.override(props, List.of("num.io.threads=2", "log.retention.hours=1", "log.cleanup.policy=a=b"));
        assertThat(props.getProperty("num.io.threads")).isEqualTo("2");
        assertThat(props.getProperty("log.retention.hours")).isEqualTo("1");
        assertThat(props.getProperty("log.cleanup.policy")).as("only the first = separates").isEqualTo("a=b");
        assertThat(props.getProperty("num.partitions")).isEqualTo("3");
    }

    @Test
    void aSettingWithoutKeyOrValueIsAClearError() {
        Properties props = new Properties();
        assertThatThrownBy(() -> LocalKafkaServer.override(props, List.of("num.io.threads")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KEY=VALUE");
        assertThatThrownBy(() -> LocalKafkaServer.override(props, List.of("=2")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("KEY=VALUE");
    }
}
