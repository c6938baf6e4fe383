package io.clickstream.spark.metrics;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrometheusMetricsTest {
    /** metrics.host: the local stack keeps the driver's figures (revenue among them) off the machine's network. */
    @Test
    void servesOnTheConfiguredAddressOnly() throws Exception {
        // Linux answers on all of 127.0.0.0/8: an endpoint bound to 127.0.0.2 is not reachable on 127.0.0.1.
        try (PrometheusMetrics metrics = new PrometheusMetrics().serve("127.0.0.2", 0)) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.2", metrics.port()), 2_000);
                assertThat(s.isConnected()).isTrue();
            }
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", metrics.port()), 2_000);
                }
            }).isInstanceOf(IOException.class);
        }
    }
}
