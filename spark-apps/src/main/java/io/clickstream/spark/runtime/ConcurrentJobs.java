package io.clickstream.spark.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs independent Spark actions (writes to different tables) side by side and waits for all of them. A new
 * thread per action inherits the caller's Spark local properties (scheduler pool, job group, query id).
 * The first failure is rethrown once every action has finished, so a batch never half-commits unnoticed.
 */
public final class ConcurrentJobs {
    private ConcurrentJobs() {
    }

    public static void run(String name, List<Runnable> actions) {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < actions.size(); i++) {
            Runnable action = actions.get(i);
            Thread t = new Thread(() -> {
                try {
                    action.run();
                } catch (Throwable e) {
                    if (!failure.compareAndSet(null, e)) {
                        failure.get().addSuppressed(e);
                    }
                }
            }, name + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try {
            for (Thread t : threads) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            threads.forEach(Thread::interrupt);
            throw new IllegalStateException(name + " interrupted", e);
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IllegalStateException(name + " failed", e);
        }
    }
}
