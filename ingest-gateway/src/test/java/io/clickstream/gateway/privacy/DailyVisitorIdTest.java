package io.clickstream.gateway.privacy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;

class DailyVisitorIdTest {
    private static final byte[] SECRET = "a secret of the deployment".getBytes(StandardCharsets.UTF_8);
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0";

    private static DailyVisitorId at(String instant, byte[] secret) {
        return new DailyVisitorId(secret, Clock.fixed(Instant.parse(instant), ZoneOffset.UTC));
    }

    @Test
    void oneBrowserKeepsItsIdAllDayOnEveryGatewayWithTheSecret() {
        String morning = at("2026-12-07T00:00:00Z", SECRET).of("shop", "203.0.113.9", UA);
        String evening = at("2026-12-07T23:59:59.999Z", SECRET).of("shop", "203.0.113.9", UA);
        assertThat(morning).isEqualTo(evening).matches("px-[0-9a-f]{32}");
    }

    @Test
    void theIdChangesWithTheDayTheSiteTheAddressTheBrowserAndTheSecret() {
        DailyVisitorId today = at("2026-12-07T12:00:00Z", SECRET);
        String id = today.of("shop", "203.0.113.9", UA);
        assertThat(at("2026-12-08T00:00:00Z", SECRET).of("shop", "203.0.113.9", UA)).isNotEqualTo(id);
        assertThat(today.of("blog", "203.0.113.9", UA)).isNotEqualTo(id);
        assertThat(today.of("shop", "203.0.113.10", UA)).isNotEqualTo(id);
        assertThat(today.of("shop", "203.0.113.9", UA + " Edg/131.0")).isNotEqualTo(id);
        assertThat(at("2026-12-07T12:00:00Z", "another secret entirely".getBytes(StandardCharsets.UTF_8))
                .of("shop", "203.0.113.9", UA)).isNotEqualTo(id);
    }

    @Test
    void fieldsCannotRunIntoEachOther() {
        DailyVisitorId ids = at("2026-12-07T12:00:00Z", SECRET);
        assertThat(ids.of("shop1", "0.0.0.0", UA)).isNotEqualTo(ids.of("shop", "10.0.0.0", UA));
        assertThat(ids.of("shop", null, null)).isNotEqualTo(ids.of("shop", null, "x")).matches("px-[0-9a-f]{32}");
    }
}
