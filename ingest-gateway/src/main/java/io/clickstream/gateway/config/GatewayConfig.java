package io.clickstream.gateway.config;

import io.clickstream.contract.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Every setting of the gateway, in one place ({@code clickstream.*} in application.properties or env). */
@ConfigMapping(prefix = "clickstream")
public interface GatewayConfig {

    /** Registered sites by site id. */
    Map<String, Site> sites();

    Limits limits();

    RateLimit rateLimit();

    Kafka kafka();

    Privacy privacy();

    Dev dev();

    /** Only read in {@code quarkus:dev}: the local broker that dev mode starts. */
    interface Dev {
        @WithDefault("9092")
        int kafkaPort();
    }

    interface Site {
        /** Public write key the site's tracker sends. Not a secret in the browser, but it ties events to the site. */
        String writeKey();

        /** Origins allowed to send from a browser (CORS and Origin check), e.g. https://shop.example; '*' for any. */
        @WithDefault("*")
        List<String> allowedOrigins();
    }

    /** Segment's documented limits are the defaults. */
    interface Limits {
        @WithDefault("512000")
        int maxBodyBytes();

        @WithDefault("32768")
        int maxEventBytes();

        @WithDefault("2500")
        int maxEventsPerBatch();

        /**
         * How long a request's body may take to arrive whole, from its headers on: a slower one is refused with 408
         * and its connection closed. Segment's largest batch, 500 KB, needs about 140 kbit/s to make it.
         */
        @WithDefault("PT30S")
        Duration bodyReadTimeout();

        /** JSON nesting depth of a whole request body. */
        @WithDefault("12")
        int maxNestingDepth();

        /** Events older than this (skew-corrected) are rejected. */
        @WithDefault("P7D")
        Duration maxEventAge();

        /** How far occurred_at may lie after sent_at (both client clock) before the timestamps are nonsense. */
        @WithDefault("PT1M")
        Duration maxClientClockDrift();
    }

    interface RateLimit {
        @WithDefault("true")
        boolean enabled();

        /** Sustained requests per second per client IP (per /64 for IPv6), and the burst above it. */
        @WithDefault("200")
        long perIpPerSecond();

        @WithDefault("400")
        long perIpBurst();

        /** Sustained events per second per site, and the burst above it. */
        @WithDefault("50000")
        long perSitePerSecond();

        @WithDefault("100000")
        long perSiteBurst();
    }

    interface Kafka {
        @WithDefault(Topics.EVENTS)
        String eventsTopic();

        @WithDefault(Topics.DEAD_LETTERS)
        String deadLettersTopic();

        /** Partitions of the topics the gateway creates when they do not exist. */
        @WithDefault("6")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        /** Longest a request waits for Kafka's acknowledgement before answering 503. */
        @WithDefault("PT5S")
        Duration publishTimeout();

        /**
         * Bytes of events waiting for Kafka's acks, across requests, beyond which a request gets its 503 at once. The
         * producer's buffer ({@code buffer.memory}, 32 MiB by default) holds this much; past it, sends would wait in
         * the heap, and a slow Kafka with large events would fill it long before the count of waiting sends is reached.
         */
        @WithDefault("33554432")
        long maxInFlightBytes();

        /** Retry-After sent with 503 answers, in seconds. */
        @WithDefault("5")
        int retryAfterSeconds();
    }

    interface Privacy {
        /** How the client IP is kept in events: 'truncate' (IPv4 /24, IPv6 /48), 'hash' (salted SHA-256) or 'drop'. */
        @WithDefault("truncate")
        IpMode ipMode();

        /** Salt for ip-mode=hash. */
        @WithName("ip-salt")
        Optional<String> ipSalt();

        /**
         * Secret of the daily ids given to pixels that carry no anonymous_id (DailyVisitorId), at least 16 characters.
         * Gateways that share it give one browser the same id; without it, each process draws its own.
         */
        Optional<String> visitorIdSecret();
    }

    enum IpMode { TRUNCATE, HASH, DROP }
}
