package io.clickstream.gateway.privacy;

import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class TrustedProxiesConfigTest {

    @Test
    void trustedProxiesAreCidrRangesSoNoRequestWaitsForDns() {
        // Quarkus treats an entry that is not CIDR and not a plain IPv4 address (a host name, or IPv6 "::1" read as
        // host ":" and port 1) as a name to resolve in DNS before every request is handled.
        String proxies = ConfigProvider.getConfig().getValue("quarkus.http.proxy.trusted-proxies", String.class);
        assertThat(Arrays.asList(proxies.split(","))).isNotEmpty()
                .allSatisfy(p -> assertThat(p.trim()).matches("[0-9a-fA-F:.]+/[0-9]{1,3}"));
    }
}
