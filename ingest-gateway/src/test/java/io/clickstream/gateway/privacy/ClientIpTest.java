package io.clickstream.gateway.privacy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ClientIpTest {
    @Test
    void addressesAreTruncatedToTheirNetwork() {
        assertThat(ClientIp.truncate("203.0.113.77")).isEqualTo("203.0.113.0");
        assertThat(ClientIp.truncate("2001:db8:85a3:8d3:1319:8a2e:370:7348")).isEqualTo("2001:db8:85a3:0:0:0:0:0");
        assertThat(ClientIp.truncate("::ffff:203.0.113.77")).isEqualTo("203.0.113.0");
        // 6to4: 2002:cb00:714d::/48 would be the whole of 203.0.113.77
        assertThat(ClientIp.truncate("2002:cb00:714d::1")).isEqualTo("2002:cb00:7100:0:0:0:0:0");
    }

    @Test
    void aPayloadKeepsEveryIpMemberAsAnAddressIsKeptAndNoStartOfACutOne() {
        assertThat(ClientIp.redact("{\"context\":{\"ip\": \"203.0.113.77\"},\"x\":{\"ip\":\"cafe\"}}", ClientIp::truncate))
                .isEqualTo("{\"context\":{\"ip\": \"203.0.113.0\"},\"x\":{\"ip\":null}}");
        // cut inside the value, by the client or by the event size limit
        assertThat(ClientIp.redact("{\"context\":{\"ip\":\"203.0.113.7", ClientIp::truncate)).isEqualTo("{\"context\":{\"ip\":null");
        assertThat(ClientIp.redact("{\"context\":{\"ip\":\"2001:db8:85a3:8d3:13", ClientIp::truncate)).isEqualTo("{\"context\":{\"ip\":null");
        assertThat(ClientIp.redact("{\"ip\":\"203.0\\", ClientIp::truncate)).isEqualTo("{\"ip\":null");
        assertThat(ClientIp.redact("{\"page\":\"x\"}", ClientIp::truncate)).isEqualTo("{\"page\":\"x\"}");
    }

    @Test
    void aLongIpValueIsRedactedWithoutRunningOutOfStack() {
        String value = "9\\\"".repeat(50_000);
        assertThat(ClientIp.redact("{\"ip\":\"" + value + "\",\"a\":1}", ClientIp::truncate)).isEqualTo("{\"ip\":null,\"a\":1}");
        assertThat(ClientIp.redact("{\"ip\":\"" + value, ClientIp::truncate)).isEqualTo("{\"ip\":null");
    }

    @Test
    void anythingButAnIpLiteralIsDropped() {
        // "cafe" and "dead" are hex digits: they must not be read as host names (and looked up).
        assertThat(ClientIp.truncate("cafe")).isNull();
        assertThat(ClientIp.truncate("dead:beef")).isNull();
        assertThat(ClientIp.truncate("localhost")).isNull();
        assertThat(ClientIp.truncate("1.2.3.4.5")).isNull();
        assertThat(ClientIp.truncate("")).isNull();
        assertThat(ClientIp.truncate(null)).isNull();
    }
}
