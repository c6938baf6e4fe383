package io.clickstream.gateway.metrics;

import io.clickstream.gateway.validation.RejectReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The gateway's own metrics (Micrometer, exported at /q/metrics). Labels are bounded: site ids come from the
 * configured registry (unknown keys are labelled "unknown"), reasons from {@link RejectReason}.
 */
@Singleton
public class GatewayMetrics {
    public static final String UNKNOWN_SITE = "unknown";

    private final MeterRegistry registry;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final ConcurrentMap<CounterKey, Counter> counters = new ConcurrentHashMap<>();
    private final ConcurrentMap<TimerKey, Timer> requestTimers = new ConcurrentHashMap<>();

    /** Meters are looked up on every request: by small record keys, never by concatenated strings. */
    private record CounterKey(String name, String tag1, String value1, String tag2, String value2) {
    }

    private record TimerKey(String endpoint, int status) {
    }
    private final Timer publishLatency;
    private final DistributionSummary payloadBytes;

    public GatewayMetrics(MeterRegistry registry) {
        this.registry = registry;
        registry.gauge("clickstream_gateway_kafka_inflight_sends", inFlight);
        this.publishLatency = Timer.builder("clickstream_gateway_kafka_publish")
                .description("Time from handing a record to the producer until Kafka acknowledged it")
                .publishPercentileHistogram()
                .register(registry);
        this.payloadBytes = DistributionSummary.builder("clickstream_gateway_request_body")
                .baseUnit("bytes")
                .description("Size of request bodies")
                .publishPercentileHistogram()
                .serviceLevelObjectives(1024, 4096, 16384, 65536, 262144, 524288)
                .register(registry);
        // At zero from the start, so the 503/429 panels and the Kafka-unavailable alert have a series to work on
        // before the first refusal (the endpoint and scope names are the ones the routes and the limiter use).
        for (String endpoint : new String[] {"events", "pixel", "segment"}) {
            counter("clickstream_gateway_unavailable_total", "route", endpoint, null, null);
        }
        for (String scope : new String[] {"ip", "site"}) {
            counter("clickstream_gateway_rate_limited_total", "scope", scope, null, null);
        }
    }

    public void received(String site, int events) {
        counter("clickstream_gateway_events_received_total", "site", site, null, null).increment(events);
    }

    public void accepted(String site, int events) {
        counter("clickstream_gateway_events_accepted_total", "site", site, null, null).increment(events);
    }

    public void rejected(String site, RejectReason reason, int events) {
        counter("clickstream_gateway_events_rejected_total", "site", site, "reason", reason.code()).increment(events);
    }

    public void deadLettered(String site, RejectReason reason) {
        counter("clickstream_gateway_dead_letters_total", "site", site, "reason", reason.code()).increment();
    }

    /** A request answered 503 because Kafka did not acknowledge in time or the send buffer was full. */
    public void unavailable(String endpoint) {
        counter("clickstream_gateway_unavailable_total", "route", endpoint, null, null).increment();
    }

    public void rateLimited(String scope) {
        counter("clickstream_gateway_rate_limited_total", "scope", scope, null, null).increment();
    }

    public void payload(int bytes) {
        payloadBytes.record(bytes);
    }

    public Timer.Sample startRequest() {
        return Timer.start(registry);
    }

    public void finishRequest(Timer.Sample sample, String endpoint, int status) {
        sample.stop(requestTimers.computeIfAbsent(new TimerKey(endpoint, status), k -> Timer.builder("clickstream_gateway_request")
                .description("Ingest request latency, from arrival until the answer (after Kafka's ack)")
                .tag("route", endpoint).tag("status", Integer.toString(status))
                .publishPercentileHistogram()
                .register(registry)));
    }

    public Timer publishTimer() {
        return publishLatency;
    }

    public AtomicInteger inFlight() {
        return inFlight;
    }

    private Counter counter(String name, String tag1, String value1, String tag2, String value2) {
        return counters.computeIfAbsent(new CounterKey(name, tag1, value1, tag2, value2), k -> {
            Counter.Builder b = Counter.builder(name).tag(tag1, value1);
            return (tag2 == null ? b : b.tag(tag2, value2)).register(registry);
        });
    }
}
