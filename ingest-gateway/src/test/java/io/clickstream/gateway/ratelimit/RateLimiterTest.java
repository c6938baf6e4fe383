package io.clickstream.gateway.ratelimit;

import io.clickstream.gateway.config.GatewayConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class RateLimiterTest {

    @Test
    void aClientsBucketIsForgottenOnceItWouldBeFullAgain() {
        AtomicLong nanos = new AtomicLong();
        RateLimiter limiter = new RateLimiter(limits(200, 400), nanos::get);
        for (int i = 0; i < 5_000; i++) {
            assertThat(limiter.checkIp("198.18." + (i >> 8) + "." + (i & 0xFF))).isZero();
        }
        assertThat(limiter.trackedClients()).isEqualTo(5_000);

        // 400 tokens at 200 a second: after 2 s untouched a bucket is as full as a new one.
        nanos.addAndGet(Duration.ofMillis(1_900).toNanos());
        limiter.checkIp("198.18.0.0");
        assertThat(limiter.trackedClients()).isEqualTo(5_000);
        nanos.addAndGet(Duration.ofMillis(200).toNanos());
        assertThat(limiter.trackedClients()).as("only the client seen 0.2 s ago is kept").isEqualTo(1);
    }

    @Test
    void anIpv6ClientsBucketIsItsSlash64() {
        RateLimiter limiter = new RateLimiter(limits(1, 2), new AtomicLong()::get);
        assertThat(limiter.checkIp("2001:db8:1:2::1")).isZero();
        assertThat(limiter.checkIp("2001:db8:1:2:aaaa:bbbb:cccc:dddd")).isZero();
        assertThat(limiter.checkIp("2001:db8:1:2::ffff")).as("a third address of the same /64").isPositive();
        assertThat(limiter.checkIp("2001:db8:1:3::1")).as("the next /64").isZero();
        assertThat(RateLimiter.clientKey("2001:DB8:1:2:0:0:0:9")).isEqualTo("2001:db8:1:2:0:0:0:0/64");
        assertThat(RateLimiter.clientKey("::ffff:198.51.100.7")).isEqualTo("::ffff:198.51.100.7");
        assertThat(RateLimiter.clientKey("198.51.100.7")).isEqualTo("198.51.100.7");
        assertThat(RateLimiter.clientKey("unknown")).isEqualTo("unknown");
    }

    @Test
    void refillTimeIsCapacityOverRateAndAtLeastASecond() {
        assertThat(RateLimiter.refillTime(400, 200)).isEqualTo(Duration.ofSeconds(2));
        assertThat(RateLimiter.refillTime(10, 3)).isEqualTo(Duration.ofMillis(3334));
        assertThat(RateLimiter.refillTime(5, 1000)).isEqualTo(Duration.ofSeconds(1));
    }

    private static GatewayConfig.RateLimit limits(long perIpPerSecond, long perIpBurst) {
        return new GatewayConfig.RateLimit() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public long perIpPerSecond() {
                return perIpPerSecond;
            }

            @Override
            public long perIpBurst() {
                return perIpBurst;
            }

            @Override
            public long perSitePerSecond() {
                return 50_000;
            }

            @Override
            public long perSiteBurst() {
                return 100_000;
            }
        };
    }
}
