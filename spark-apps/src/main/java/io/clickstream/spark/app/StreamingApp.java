package io.clickstream.spark.app;

import io.clickstream.spark.config.ConfigLoader;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.GoldFigures;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.metrics.PrometheusMetrics;
import io.clickstream.spark.metrics.QueryProgressListener;
import io.clickstream.spark.table.TableMaintenance;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import sun.misc.Signal;

import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Runs streaming layers, and the maintenance of the tables they write ({@link TableMaintenance}), until they fail
 * (exit 1) or the process is asked to stop (SIGTERM/SIGINT, exit 0): then each query is stopped between
 * micro-batches, so no batch is cut in half needlessly.
 */
public final class StreamingApp {
    /**
     * How long a stop waits, for all queries together, for their running batches to end: within the launcher's 90 s
     * and the Kubernetes pods' 120 s grace before they kill the driver.
     */
    private static final long STOP_WAIT_MS = 80_000;

    private final String name;
    private final String description;
    private final Layers layers;
    private final Function<PipelineConfig, List<TableMaintenance.Table>> maintained;
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** {@code maintained}: the tables the layers write, which this job compacts and vacuums on a schedule. */
    public StreamingApp(String name, String description, Layers layers,
                        Function<PipelineConfig, List<TableMaintenance.Table>> maintained) {
        this.name = name;
        this.description = description;
        this.layers = layers;
        this.maintained = maintained;
    }

    /** Parses the arguments, runs, and exits the JVM with the outcome. */
    public void main(String[] args) {
        System.exit(run(args, System.out, System.err, true));
    }

    /** {@code handleSignals}: take over SIGTERM/SIGINT, for a process of its own. */
    int run(String[] args, PrintStream out, PrintStream err, boolean handleSignals) {
        CommandLine cli;
        PipelineConfig config;
        try {
            cli = CommandLine.parse(args);
            if (cli.help()) {
                out.println("usage: " + name + " [--config FILE] [--dry-run]\n\n" + description + "\n\n" + CommandLine.commonUsage());
                return 0;
            }
            config = ConfigLoader.load(cli.configFile());
        } catch (RuntimeException e) {
            err.println(name + ": " + e.getMessage());
            return 2;
        }
        if (cli.dryRun()) {
            out.println(name + ": configuration is valid: " + config);
            return 0;
        }
        return stream(config, err, handleSignals);
    }

    private int stream(PipelineConfig config, PrintStream err, boolean handleSignals) {
        SparkSession spark = SparkSessions.create(config);
        PrometheusMetrics prometheus = null;
        PipelineMetrics metrics = PipelineMetrics.NONE;
        GoldFigures figures = null;
        TableMaintenance maintenance = null;
        if (config.metricsPort() > 0) {
            prometheus = new PrometheusMetrics().serve(config.metricsHost(), config.metricsPort());
            spark.streams().addListener(new QueryProgressListener(prometheus));
            metrics = prometheus;
            figures = GoldFigures.startIfGoldRuns(spark, config, prometheus, name);
        }
        if (handleSignals) {
            installStopSignals(spark);
        }
        try {
            List<StreamingQuery> queries = layers.start(spark, config, metrics, stopping::get);
            if (stopping.get()) {
                // Asked to stop while starting: the stop covered the queries running then; stop those started since.
                awaitQuietly();
                stopAtBatchBoundary(spark);
                return 0;
            }
            if (config.maintenanceEnabled()) {
                maintenance = new TableMaintenance(spark, maintained.apply(config), config.maintenanceCompactDays(),
                        metrics, err, Clock.systemUTC()).every(config.maintenanceInterval());
            }
            while (true) {
                if (stopping.get()) {
                    // the signal's thread stops the queries between batches; exit only once it is done
                    stopped.await(STOP_WAIT_MS * 2, TimeUnit.MILLISECONDS);
                    return 0;
                }
                for (StreamingQuery q : queries) {
                    if (!q.isActive()) {
                        if (stopping.get()) {
                            break;
                        }
                        err.println(name + ": query " + q.name() + " stopped"
                                + (q.exception().isDefined() ? ": " + q.exception().get().getMessage() : ""));
                        stopAll(spark);
                        return failed(prometheus, config, err);
                    }
                }
                spark.streams().awaitAnyTermination(1_000);
                spark.streams().resetTerminated();
            }
        } catch (StreamingQueryException e) {
            if (stopping.get()) {
                awaitQuietly();
                return 0;
            }
            err.println(name + ": " + e.getMessage());
            stopAll(spark);
            return failed(prometheus, config, err);
        } catch (Exception e) {
            err.println(name + ": " + e);
            stopAll(spark);
            return failed(prometheus, config, err);
        } finally {
            if (maintenance != null) {
                maintenance.close();
            }
            if (figures != null) {
                figures.close();
            }
            if (prometheus != null) {
                prometheus.close();
            }
        }
    }

    /**
     * Counts the failure and keeps the endpoint up for {@code metrics.failure.linger}: the restarted driver counts from
     * zero, so a failure Prometheus never scraped would not exist for the alert on it. A stop signal ends the wait.
     */
    private int failed(PrometheusMetrics prometheus, PipelineConfig config, PrintStream err) {
        if (prometheus == null) {
            return 1;
        }
        prometheus.jobFailed();
        long linger = config.metricsFailureLinger().toMillis();
        if (linger > 0) {
            err.println(name + ": keeping the metrics endpoint up for " + linger / 1000 + " s, for Prometheus to record the failure");
            try {
                stopped.await(linger, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return 1;
    }

    private void installStopSignals(SparkSession spark) {
        for (String sig : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(sig), s -> requestStop(spark));
        }
    }

    /** What SIGTERM and SIGINT do: stop every query between micro-batches, on a thread of its own. */
    void requestStop(SparkSession spark) {
        if (stopping.compareAndSet(false, true)) {
            Thread t = new Thread(() -> {
                try {
                    stopAtBatchBoundary(spark);
                } finally {
                    stopped.countDown();
                }
            }, "clickstream-stop");
            t.start();
        }
    }

    private void awaitQuietly() {
        try {
            stopped.await(STOP_WAIT_MS * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits until a query is between triggers, then stops it; replays after restart make a cut batch safe anyway. */
    static void stopAtBatchBoundary(SparkSession spark) {
        long deadline = System.currentTimeMillis() + STOP_WAIT_MS;
        for (StreamingQuery q : spark.streams().active()) {
            while (q.isActive() && q.status().isTriggerActive() && System.currentTimeMillis() < deadline) {
                sleep(50);
            }
            stopQuietly(q);
        }
    }

    private static void stopAll(SparkSession spark) {
        for (StreamingQuery q : spark.streams().active()) {
            stopQuietly(q);
        }
    }

    private static void stopQuietly(StreamingQuery q) {
        try {
            q.stop();
        } catch (Exception e) {
            // already failing or stopping: nothing more to do
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
