package io.clickstream.spark.runtime;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConcurrentJobsTest {

    @Test
    void runsTheActionsSideBySideAndWaitsForAll() {
        // Each action waits until all have started: this only finishes if they really run at the same time.
        CountDownLatch allStarted = new CountDownLatch(3);
        AtomicInteger done = new AtomicInteger();
        Runnable action = () -> {
            allStarted.countDown();
            try {
                assertThat(allStarted.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            done.incrementAndGet();
        };
        ConcurrentJobs.run("test", List.of(action, action, action));
        assertThat(done).hasValue(3);
    }

    @Test
    void rethrowsTheFirstFailureOnlyOnceEveryActionHasFinished() {
        AtomicInteger finished = new AtomicInteger();
        Runnable slow = () -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            finished.incrementAndGet();
        };
        Runnable failing = () -> {
            throw new IllegalArgumentException("merge failed");
        };
        assertThatThrownBy(() -> ConcurrentJobs.run("test", List.of(slow, failing, slow)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("merge failed");
        assertThat(finished).hasValue(2);
    }
}
