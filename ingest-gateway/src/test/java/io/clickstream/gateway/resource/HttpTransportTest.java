package io.clickstream.gateway.resource;

import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class HttpTransportTest {
    @Inject
    Vertx vertx;

    /**
     * The gateway's figures (bench/RESULTS.md) are measured on Netty's epoll transport. Without its native jar for this
     * Netty version, after an upgrade for instance, Vert.x would quietly fall back to Java NIO.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void theHttpServerRunsOnEpollOnLinux() {
        assertThat(vertx.isNativeTransportEnabled())
                .as("native transport (%s)", vertx.unavailableNativeTransportCause())
                .isTrue();
    }
}
