package io.clickstream.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.clickstream.gateway.config.GatewayConfig;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets (Bucket4j) per client IP (one token per request) and per site (one token per event).
 * IP buckets live in memory only and expire when idle; the raw IP is never written anywhere.
 */
@Singleton
public class RateLimiter {
    private final GatewayConfig.RateLimit config;
    private final Cache<String, Bucket> perIp = Caffeine.newBuilder()
            .maximumSize(200_000).expireAfterAccess(Duration.ofMinutes(10)).build();
    private final Cache<String, Bucket> perSite = Caffeine.newBuilder().build();

    public RateLimiter(GatewayConfig config) {
        this.config = config.rateLimit();
    }

    /** Seconds to wait before retrying, or 0 when the request may go on. */
    public long checkIp(String ip) {
        if (!config.enabled() || ip == null) {
            return 0;
        }
        return waitSeconds(perIp.get(ip, k -> bucket(config.perIpBurst(), config.perIpPerSecond())), 1);
    }

    public long checkSite(String siteId, int events) {
        if (!config.enabled() || events == 0) {
            return 0;
        }
        return waitSeconds(perSite.get(siteId, k -> bucket(config.perSiteBurst(), config.perSitePerSecond())), events);
    }

    private static long waitSeconds(Bucket bucket, long tokens) {
        ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(tokens);
        if (probe.isConsumed()) {
            return 0;
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toSeconds(probe.getNanosToWaitForRefill()) + 1);
    }

    private static Bucket bucket(long burst, long perSecond) {
        return Bucket.builder()
                .addLimit(limit -> limit.capacity(burst).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .build();
    }
}
