package io.clickstream.gateway.privacy;

import io.clickstream.gateway.support.ForwardedFor;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Behind a proxy that appends to X-Forwarded-For (nginx's {@code $proxy_add_x_forwarded_for}, cloud load balancers),
 * the address the proxy saw is kept, not the one the client wrote before it. The test client's loopback connection
 * is the trusted proxy here.
 */
@QuarkusTest
class AppendingProxyTest {

    @Test
    void theAddressTheProxySawIsKeptNotTheOneTheClientWrote() {
        assertThat(ForwardedFor.send("198.51.100.7, 203.0.113.9").at("/context/ip").asText()).isEqualTo("203.0.113.0");
    }
}
