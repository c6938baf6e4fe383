package io.clickstream.gateway.publishing;

import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The Kafka acknowledgements one request waits for. Each record sent for the request is {@link #expect() expected}
 * and later {@link #acked() acked} or {@link #failed(Throwable) failed} from the producer's callback; once the request
 * has sent everything it {@link #arm() arms} the count. The outcome is reported exactly once: {@code true} when every
 * record was acknowledged, {@code false} on the first failure or when the deadline passes first (see
 * {@link AckDeadlines}). No Mutiny, no timer per request: this is the hot path of every beacon.
 */
public final class Acks {
    /** Called once with the outcome, on whatever thread decided it (producer I/O thread, sweeper or caller). */
    @FunctionalInterface
    public interface Outcome {
        void done(boolean ok, Throwable failure);
    }

    private static final AtomicIntegerFieldUpdater<Acks> REMAINING = AtomicIntegerFieldUpdater.newUpdater(Acks.class, "remaining");
    private static final AtomicIntegerFieldUpdater<Acks> DONE = AtomicIntegerFieldUpdater.newUpdater(Acks.class, "done");

    /**
     * Dropped once reported: {@link AckDeadlines} keeps answered requests queued until its next sweep, and the
     * outcome holds the whole request (routing context, body, parsed events). Kept, that was ~10 MB of garbage copied
     * by every young collection under load.
     */
    private Outcome outcome;
    final long deadlineNanos;
    // Starts at 1: the request's own token, released by arm(), so that early acks cannot finish it before all sends.
    private volatile int remaining = 1;
    private volatile int done;

    Acks(long deadlineNanos, Outcome outcome) {
        this.deadlineNanos = deadlineNanos;
        this.outcome = outcome;
    }

    /** One more record to wait for; call before handing it to the producer. */
    public void expect() {
        REMAINING.incrementAndGet(this);
    }

    public void acked() {
        if (REMAINING.decrementAndGet(this) == 0) {
            finish(true, null);
        }
    }

    public void failed(Throwable failure) {
        finish(false, failure);
    }

    /** Every record of the request has been handed over: from now on the last ack completes it. */
    public void arm() {
        acked();
    }

    public boolean isDone() {
        return done != 0;
    }

    /** The deadline passed: answer now if nothing else did. */
    void expire() {
        finish(false, null);
    }

    private void finish(boolean ok, Throwable failure) {
        if (DONE.compareAndSet(this, 0, 1)) {
            Outcome report = outcome; // only the thread that won the CAS reads or clears it
            outcome = null;
            report.done(ok, failure);
        }
    }
}
