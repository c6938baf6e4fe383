package io.clickstream.spark.table;

import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.JobDescriptions;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Keeps the tables a job writes in shape while its streams run. Every {@code maintenance.interval} it compacts the
 * recent date partitions of the append-only tables ({@code OPTIMIZE}: a stream adds a few small files per batch,
 * tens of thousands a day, which every reader would list and open) and deletes the files that no version within the
 * table's retention needs any more ({@code VACUUM}; Delta's default keeps 7 days, the table property
 * {@code delta.deletedFileRetentionDuration} changes it).
 *
 * <p>It runs beside the streams, not in them: on a thread of its own, with its Spark jobs in the low-weight
 * {@code maintenance} pool. Compaction changes no data, so appends and streams reading the table go on (and skip its
 * commit). A failed run is reported and tried again at the next interval: maintenance never stops a stream.
 */
public final class TableMaintenance implements AutoCloseable {
    public static final String POOL = "maintenance";
    static final Duration FIRST_RUN_AFTER = Duration.ofMinutes(10);

    /**
     * A table a job maintains. {@code datePartition} names its date partition column when the job compacts it; null
     * when it only vacuums it (the gold tables compact themselves after their MERGEs, see
     * {@link DeltaTables#compactAutomatically}).
     */
    public record Table(String name, String location, String datePartition) {
        public static Table compacted(String name, String location, String datePartition) {
            return new Table(name, location, datePartition);
        }

        public static Table vacuumed(String name, String location) {
            return new Table(name, location, null);
        }
    }

    private final SparkSession spark;
    private final List<Table> tables;
    private final int compactDays;
    private final PipelineMetrics metrics;
    private final PrintStream log;
    private final Clock clock;
    private ScheduledExecutorService scheduler;
    private volatile boolean closed;

    public TableMaintenance(SparkSession spark, List<Table> tables, int compactDays, PipelineMetrics metrics,
                            PrintStream log, Clock clock) {
        this.spark = spark;
        this.tables = List.copyOf(tables);
        this.compactDays = compactDays;
        this.metrics = metrics;
        this.log = log;
        this.clock = clock;
    }

    /**
     * Runs {@link #runOnce} every {@code interval}. The first run waits one interval, at most {@link #FIRST_RUN_AFTER}:
     * a job that starts behind catches up before it spends cores on its files, and a local stack that runs for less
     * than an hour at a time is still maintained.
     */
    public TableMaintenance every(Duration interval) {
        for (Table table : tables) {
            for (String operation : operations(table)) {
                metrics.maintenanceScheduled(table.name(), operation);
            }
        }
        scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "clickstream-table-maintenance");
            t.setDaemon(true);
            return t;
        });
        long ms = interval.toMillis();
        scheduler.scheduleWithFixedDelay(this::runOnce, firstRunDelay(interval).toMillis(), ms, TimeUnit.MILLISECONDS);
        return this;
    }

    static Duration firstRunDelay(Duration interval) {
        return interval.compareTo(FIRST_RUN_AFTER) < 0 ? interval : FIRST_RUN_AFTER;
    }

    /** Compacts and vacuums each table once; a table that fails is reported and does not stop the others. */
    public void runOnce() {
        String previous = spark.sparkContext().getLocalProperty("spark.scheduler.pool");
        spark.sparkContext().setLocalProperty("spark.scheduler.pool", POOL);
        try {
            for (Table table : tables) {
                if (closed) {
                    return; // the job is stopping
                }
                if (table.datePartition() != null) {
                    run(table, "optimize", "OPTIMIZE " + quoted(table) + " WHERE " + table.datePartition()
                            + " >= '" + LocalDate.now(clock.withZone(ZoneOffset.UTC)).minusDays(compactDays - 1L) + "'");
                }
                run(table, "vacuum", "VACUUM " + quoted(table));
            }
        } finally {
            spark.sparkContext().setLocalProperty("spark.scheduler.pool", previous);
        }
    }

    private void run(Table table, String operation, String sql) {
        long start = System.nanoTime();
        boolean ok = false;
        try {
            JobDescriptions.run(spark, operation + " " + table.name(), () -> spark.sql(sql).collect());
            ok = true;
        } catch (Exception e) { // Delta's AnalysisException is checked, though Scala does not declare it
            if (closed) {
                return; // cut short by close(): nothing was committed, and it is no failure of the table
            }
            log.println("table maintenance: " + operation + " of " + table.name() + " failed, next try in one interval: " + e);
        }
        metrics.maintained(table.name(), operation, ok, (System.nanoTime() - start) / 1_000_000);
    }

    private static List<String> operations(Table table) {
        return table.datePartition() == null ? List.of("vacuum") : List.of("optimize", "vacuum");
    }

    private static String quoted(Table table) {
        return "delta.`" + table.location() + "`";
    }

    @Override
    public void close() {
        closed = true;
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
