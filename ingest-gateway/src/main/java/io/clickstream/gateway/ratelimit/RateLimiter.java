package io.clickstream.gateway.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.privacy.ClientIp;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Token buckets (Bucket4j) per client IP (one token per request) and per site (one token per event).
 * IP buckets live in memory only and the raw IP is never written anywhere. A bucket left alone for its capacity over
 * its refill rate is full again, the same as a new one, so it is forgotten then: the map holds the clients of the
 * last few seconds, not every address seen (behind a proxy, every visitor has one), and fits the gateway's small heap.
 */
@Singleton
public class RateLimiter {
    /** A bound for floods of distinct addresses; Caffeine keeps the frequent ones (abusers) and drops one-off ones. */
    private static final long MAX_TRACKED_CLIENTS = 100_000;

    private final GatewayConfig.RateLimit config;
    private final Cache<String, Bucket> perIp;
    private final Cache<String, Bucket> perSite = Caffeine.newBuilder().build();

    @Inject
    public RateLimiter(GatewayConfig config) {
        this(config.rateLimit(), Ticker.systemTicker());
    }

    RateLimiter(GatewayConfig.RateLimit config, Ticker ticker) {
        this.config = config;
        this.perIp = Caffeine.newBuilder().maximumSize(MAX_TRACKED_CLIENTS).ticker(ticker)
                .expireAfterAccess(refillTime(config.perIpBurst(), config.perIpPerSecond())).build();
    }

    /** How long an emptied bucket takes to fill up again (at least a second). */
    static Duration refillTime(long capacity, long perSecond) {
        return Duration.ofMillis(Math.max(1000, (capacity * 1000 + perSecond - 1) / Math.max(1, perSecond)));
    }

    /** Client buckets currently kept. */
    long trackedClients() {
        perIp.cleanUp();
        return perIp.estimatedSize();
    }

    /** Seconds to wait before retrying, or 0 when the request may go on. */
    public long checkIp(String ip) {
        if (!config.enabled() || ip == null) {
            return 0;
        }
        return waitSeconds(perIp.get(clientKey(ip), k -> bucket(config.perIpBurst(), config.perIpPerSecond())), 1);
    }

    /**
     * Whose bucket a request draws on: its address, or for IPv6 the address's /64, the block a single subscriber is
     * given (and could otherwise rotate through, a fresh bucket per address).
     */
    static String clientKey(String ip) {
        String block = ClientIp.leadingBytes(ip, 4, 8);
        return block != null && block.indexOf(':') >= 0 ? block + "/64" : ip;
    }

    /** The most events one request may carry: more than a site's bucket holds could never be let through. */
    public long maxEventsPerSiteRequest() {
        return config.enabled() ? config.perSiteBurst() : Long.MAX_VALUE;
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
