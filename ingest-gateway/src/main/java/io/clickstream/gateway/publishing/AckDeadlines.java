package io.clickstream.gateway.publishing;

import io.clickstream.gateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.inject.Singleton;
import jakarta.enterprise.event.Observes;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long a request waits for Kafka ({@code clickstream.kafka.publish-timeout}) without a timer per request.
 * Every request gets the same timeout, so deadlines come in arrival order: one queue, swept a few times a second,
 * expires the ones at its head whose deadline passed and drops the ones already answered. A request is answered
 * 503 between {@code publish-timeout − sweep period} and {@code publish-timeout} after it started waiting.
 * <p>
 * The producer would fail a record itself after {@code delivery.timeout.ms}, but that is much longer than the
 * publish timeout (30 s against 5 s): this sweep is what keeps the gateway's promise to answer in time.
 */
@Singleton
public class AckDeadlines {
    private final long timeoutNanos;
    private final long periodNanos;
    private final ConcurrentLinkedQueue<Acks> pending = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kafka-ack-deadlines");
        t.setDaemon(true);
        return t;
    });

    public AckDeadlines(GatewayConfig config) {
        long timeout = config.kafka().publishTimeout().toNanos();
        this.periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(10), Math.min(TimeUnit.MILLISECONDS.toNanos(100), timeout / 10));
        // Deadlines are checked every period: start the clock one period early so the answer is never late.
        this.timeoutNanos = Math.max(timeout - periodNanos, 0);
        sweeper.scheduleWithFixedDelay(this::sweep, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** A new request waiting for acks; {@code outcome} gets false if the acks do not all come within the timeout. */
    public Acks track(Acks.Outcome outcome) {
        Acks acks = new Acks(System.nanoTime() + timeoutNanos, outcome);
        pending.offer(acks);
        return acks;
    }

    void sweep() {
        try {
            long now = System.nanoTime();
            for (Acks head = pending.peek(); head != null; head = pending.peek()) {
                if (!head.isDone()) {
                    if (now - head.deadlineNanos < 0) {
                        return; // everything behind it started later
                    }
                    head.expire();
                }
                pending.poll();
            }
        } catch (RuntimeException e) {
            org.jboss.logging.Logger.getLogger(AckDeadlines.class).error("expiring Kafka waits failed", e);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        sweeper.shutdownNow();
    }
}
