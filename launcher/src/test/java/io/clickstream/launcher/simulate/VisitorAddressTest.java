package io.clickstream.launcher.simulate;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

class VisitorAddressTest {

    @Test
    void eachVisitorKeepsOneAddressOfItsOwnInTheBenchmarkRange() throws Exception {
        Set<String> visitors = new Journeys(3, Instant.parse("2026-12-05T10:00:00Z"), "demo").plan(20_000, 600_000)
                .stream().map(PlannedEvent::visitor).collect(Collectors.toSet());
        Set<String> addresses = visitors.stream().map(TrafficSimulator::visitorAddress).collect(Collectors.toSet());

        // Nearly one address per visitor (a hash into 131,072 addresses collides rarely at this size).
        assertThat(addresses.size()).isGreaterThan(visitors.size() * 95 / 100);
        for (String a : addresses) {
            byte[] ip = InetAddress.getByName(a).getAddress();
            assertThat(ip).hasSize(4);
            assertThat(ip[0] & 0xFF).isEqualTo(198);
            assertThat(ip[1] & 0xFE).isEqualTo(18); // 198.18.0.0/15
        }
        String someone = visitors.iterator().next();
        assertThat(TrafficSimulator.visitorAddress(someone)).isEqualTo(TrafficSimulator.visitorAddress(someone));
    }
}
