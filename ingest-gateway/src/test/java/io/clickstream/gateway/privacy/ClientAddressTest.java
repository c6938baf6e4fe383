package io.clickstream.gateway.privacy;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ClientAddressTest {
    private final ClientAddress behindProxies = ClientAddress.trusting("10.0.0.0/8", "127.0.0.0/8", "fc00::/7");

    @Test
    void theRightMostAddressThatIsNoTrustedProxyIsTheClient() {
        // nginx's $proxy_add_x_forwarded_for and cloud load balancers append what they saw to what the client sent.
        assertThat(behindProxies.choose("10.1.2.3", "198.51.100.7, 203.0.113.9")).isEqualTo("203.0.113.9");
        assertThat(behindProxies.choose("10.1.2.3", "198.51.100.7, 203.0.113.9, 10.9.9.9")).isEqualTo("203.0.113.9");
        assertThat(behindProxies.choose("127.0.0.1", "2001:db8::1")).isEqualTo("2001:db8::1");
        assertThat(behindProxies.choose("10.1.2.3", "203.0.113.9:51234,[2001:db8::1]:443")).isEqualTo("2001:db8::1");
    }

    @Test
    void aConnectionFromAnUntrustedPeerKeepsItsOwnAddress() {
        assertThat(behindProxies.choose("192.0.2.50", "198.51.100.7")).isEqualTo("192.0.2.50");
        assertThat(ClientAddress.trusting().choose("127.0.0.1", "198.51.100.7")).isEqualTo("127.0.0.1");
    }

    @Test
    void withAddressForwardingOffNoPeerIsTrusted() {
        // The Helm chart's empty trustedProxies turns forwarding off; the default list (loopback) still stands.
        var off = new ClientAddress(false, true, Optional.of(List.of("127.0.0.0/8")));
        assertThat(off.choose("127.0.0.1", "198.51.100.7")).isEqualTo("127.0.0.1");
        var noXForwarded = new ClientAddress(true, false, Optional.of(List.of("127.0.0.0/8")));
        assertThat(noXForwarded.choose("127.0.0.1", "198.51.100.7")).isEqualTo("127.0.0.1");
    }

    @Test
    void aHopThatIsNoAddressEndsTheChainAtTheLastProxySeen() {
        assertThat(behindProxies.choose("10.1.2.3", "203.0.113.9, unknown")).isEqualTo("10.1.2.3");
        assertThat(behindProxies.choose("10.1.2.3", "cafe, 10.4.4.4")).isEqualTo("10.4.4.4");
        assertThat(behindProxies.choose("10.1.2.3", "unknown, 203.0.113.9")).isEqualTo("203.0.113.9");
    }

    @Test
    void whenEveryHopIsATrustedProxyTheFirstStands() {
        assertThat(behindProxies.choose("10.1.2.3", "10.7.7.7, 10.8.8.8")).isEqualTo("10.7.7.7");
    }

    @Test
    void trustedProxiesMustBeCidrRanges() {
        assertThatThrownBy(() -> ClientAddress.trusting("proxy.internal")).hasMessageContaining("not a CIDR range");
        assertThatThrownBy(() -> ClientAddress.trusting("10.0.0.7")).hasMessageContaining("10.0.0.7/32");
    }
}
