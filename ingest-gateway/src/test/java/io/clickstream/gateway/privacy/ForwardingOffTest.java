package io.clickstream.gateway.privacy;

import io.clickstream.gateway.support.ForwardedFor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With address forwarding off, as the Helm chart renders an empty {@code trustedProxies}, X-Forwarded-For is ignored
 * even from loopback, which the default trusted-proxies list still names.
 */
@QuarkusTest
@TestProfile(ForwardingOffTest.NoForwarding.class)
class ForwardingOffTest {

    public static class NoForwarding implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.proxy-address-forwarding", "false");
        }
    }

    @Test
    void forwardedForIsIgnoredFromEveryPeer() {
        var event = ForwardedFor.send("198.51.100.7");
        assertThat(event.at("/context/ip").asText()).isEqualTo("127.0.0.0");
        assertThat(event.toString()).doesNotContain("198.51.100");
    }
}
