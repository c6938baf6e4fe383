package io.clickstream.localkafka;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaBrokerTest {

    @Test
    void startsStopsAndRestartsOnTheSameData(@TempDir Path dir) throws Exception {
        KafkaBroker broker = KafkaBroker.builder().dataDir(dir).build();
        broker.start();
        assertThat(broker.isRunning()).isTrue();
        assertThat(KafkaBroker.isListening(broker.port())).isTrue();
        assertThat(Files.exists(dir.resolve("kraft-logs/meta.properties"))).isTrue();
        String clusterId = Files.readString(dir.resolve("kraft-logs/meta.properties"));

        broker.stop();
        assertThat(broker.isRunning()).isFalse();
        assertThat(KafkaBroker.isListening(broker.port())).isFalse();

        // Same data dir: storage is not formatted twice, the cluster keeps its id.
        broker.start();
        assertThat(KafkaBroker.isListening(broker.port())).isTrue();
        assertThat(Files.readString(dir.resolve("kraft-logs/meta.properties"))).isEqualTo(clusterId);
        broker.kill();
        assertThat(KafkaBroker.isListening(broker.port())).isFalse();
    }

    /** Ctrl-C in a terminal reaches the broker too; one that is stopped last by its caller keeps running. */
    @Test
    void aBrokerThatIgnoresSigintRunsOnUntilStopped(@TempDir Path dir) throws Exception {
        KafkaBroker broker = KafkaBroker.builder().dataDir(dir).ignoreSigint(true).start();
        try {
            assertThat(new ProcessBuilder("kill", "-INT", Long.toString(broker.pid())).start().waitFor()).isZero();
            Thread.sleep(3_000);
            assertThat(broker.isRunning()).isTrue();
            assertThat(KafkaBroker.isListening(broker.port())).isTrue();
        } finally {
            broker.stop();
        }
        assertThat(broker.isRunning()).isFalse();
    }

    @Test
    void aTakenPortIsAClearError(@TempDir Path dir) throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            KafkaBroker broker = KafkaBroker.builder().dataDir(dir).port(taken.getLocalPort()).build();
            assertThatThrownBy(broker::start).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("port " + taken.getLocalPort()).hasMessageContaining("already in use");
        }
    }

}
