package io.clickstream.gateway.privacy;

import io.clickstream.gateway.support.ForwardedFor;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A client that is not a trusted proxy cannot choose its address (nor its rate-limit bucket) with X-Forwarded-For. */
@QuarkusTest
@TestProfile(UntrustedProxyTest.OnlyClusterProxies.class)
class UntrustedProxyTest {

    public static class OnlyClusterProxies implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.proxy.trusted-proxies", "10.0.0.0/8");
        }
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() {
        var event = ForwardedFor.send("198.51.100.7");
        assertThat(event.at("/context/ip").asText()).isEqualTo("127.0.0.0");
        assertThat(event.toString()).doesNotContain("198.51.100");
    }
}
