package io.clickstream.spark.gold;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.silver.SilverTransform;
import io.clickstream.spark.table.DeltaMerge;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.table.DeltaTables;
import io.clickstream.spark.table.TableMaintenance;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The gold tables, their rollups and where they live. */
public final class GoldTables {
    public static final String LAYER = "gold";
    public static final String SESSIONS = "sessions";
    /** The currency of revenue sent without one, in every table that keeps amounts by currency. */
    public static final String NO_CURRENCY = "(none)";

    private GoldTables() {
    }

    public static List<GoldRollup> rollups(PipelineConfig config) {
        CustomerDailyOrders customerDays = new CustomerDailyOrders();
        return List.of(
                new PageMetrics(config.pageWindow()),
                new Revenue(config.revenueWindow()),
                new TrendingProducts(config.trendingWindow()),
                new DailyActiveUsers(),
                customerDays,
                new CustomerLifetimeValue(customerDays),
                new Anomalies(config.botEventsPerMinute()));
    }

    /** The rollups one gold query keeps (see {@link GoldRollup.Cadence}). */
    public static List<GoldRollup> rollups(PipelineConfig config, GoldRollup.Cadence cadence) {
        return rollups(config).stream().filter(r -> r.cadence() == cadence).toList();
    }

    public static String path(PipelineConfig config, String table) {
        return config.tablePath(LAYER, table);
    }

    /** Where an incremental rollup keeps the members its distinct counts have counted (not a table for queries). */
    public static String seenPath(PipelineConfig config, String table) {
        return config.tablePath(LAYER, "_seen/" + table);
    }

    /** Empty silver events, for deriving schemas. */
    static Dataset<Row> emptySilverEvents(SparkSession spark, PipelineConfig config) {
        return SilverTransform.enrich(SilverTransform.check(
                spark.createDataFrame(List.of(), BronzeTable.schema(spark)), config));
    }

    public static Dataset<Row> emptySource(SparkSession spark, PipelineConfig config, GoldRollup.Source source) {
        Dataset<Row> events = emptySilverEvents(spark, config);
        return source == GoldRollup.Source.EVENTS ? events : SilverTransform.productLines(events);
    }

    public static void ensure(SparkSession spark, PipelineConfig config) {
        SilverTables.ensure(spark, config);
        DeltaTables.once(spark, LAYER + " " + path(config, SESSIONS), () -> ensureOnce(spark, config));
    }

    private static void ensureOnce(SparkSession spark, PipelineConfig config) {
        createTables(spark, config);
        // Every gold table is rewritten by MERGEs (or appended to) every few seconds, a few kilobytes at a time. New
        // tables are created compacting; these catch tables an older version created without the property.
        for (GoldRollup r : rollups(config)) {
            DeltaTables.compactAutomatically(spark, path(config, r.table()));
            if (!r.distinctMembers().isEmpty()) {
                DeltaTables.compactAutomatically(spark, seenPath(config, r.table()));
            }
        }
        DeltaTables.compactAutomatically(spark, path(config, SESSIONS));
        DeltaTables.compactAutomatically(spark, path(config, Funnel.TABLE));
        requireWindows(spark, config);
    }

    /** The table property that records the window size a table's rows were counted in. */
    static final String WINDOW_PROPERTY = "clickstream.window";

    /** A windowed table's size and the configuration key that sets it. */
    private record Window(String key, Duration size) {
    }

    private static Map<String, Window> windows(PipelineConfig config) {
        return Map.of(
                new PageMetrics(config.pageWindow()).table(), new Window("gold.page.window", config.pageWindow()),
                new Revenue(config.revenueWindow()).table(), new Window("gold.revenue.window", config.revenueWindow()),
                new TrendingProducts(config.trendingWindow()).table(), new Window("gold.trending.window", config.trendingWindow()),
                Funnel.TABLE, new Window("gold.funnel.window", config.funnelWindow()));
    }

    /** What a new gold table is created with: compacting itself, and its window size if it has one. */
    private static Map<String, String> newTableProperties(PipelineConfig config, String table) {
        Window w = windows(config).get(table);
        if (w == null) {
            return DeltaTables.AUTO_COMPACTED;
        }
        Map<String, String> properties = new HashMap<>(DeltaTables.AUTO_COMPACTED);
        properties.put(WINDOW_PROPERTY, w.size().toString());
        return properties;
    }

    /** Each windowed table's rows are in the window size the configuration names (see {@link #requireWindow}). */
    static void requireWindows(SparkSession spark, PipelineConfig config) {
        windows(config).forEach((table, w) -> requireWindow(spark, config, table, w.key(), w.size()));
    }

    /**
     * A table keeps the window size it was first written with. A new size would put rows of both sizes side by side
     * (a window is replaced or merged by its start only): an hour's rows next to the minutes they hold, counted twice.
     */
    private static void requireWindow(SparkSession spark, PipelineConfig config, String table, String key, Duration window) {
        String held = DeltaTables.keepProperty(spark, path(config, table), WINDOW_PROPERTY, window.toString());
        if (held != null) {
            throw new IllegalStateException(LAYER + "." + table + " holds windows of " + held + ", but " + key + " is "
                    + window + ": rows of both sizes in one table would count events twice. Set " + key + " back to "
                    + held + ", or move " + path(config, table) + " aside (or delete it): new events are then counted "
                    + "in the new size (to count silver's older events again too, rebuild gold as its README says).");
        }
    }

    /** The tables the gold query (or silver + gold, fused) adds each batch to: a batch read twice counts twice. */
    public static List<String> addedToBySilverAndGold(PipelineConfig config) {
        return List.of(path(config, SESSIONS), path(config, Funnel.TABLE));
    }

    /** The tables gold-periodic adds each batch to, with the members its distinct counts have already counted. */
    public static List<String> addedToByGoldPeriodic(PipelineConfig config) {
        List<String> tables = new ArrayList<>();
        for (GoldRollup r : rollups(config, GoldRollup.Cadence.PERIODIC)) {
            tables.add(path(config, r.table()));
            if (!r.distinctMembers().isEmpty()) {
                tables.add(seenPath(config, r.table()));
            }
        }
        return tables;
    }

    /**
     * What the gold job vacuums ({@link TableMaintenance}): every gold table and the members its distinct counts keep.
     * They compact themselves after their MERGEs (see {@link #ensure}), so the job does not compact them.
     */
    public static List<TableMaintenance.Table> maintained(PipelineConfig config) {
        List<TableMaintenance.Table> tables = new ArrayList<>();
        for (GoldRollup r : rollups(config)) {
            tables.add(TableMaintenance.Table.vacuumed(LAYER + "." + r.table(), path(config, r.table())));
            if (!r.distinctMembers().isEmpty()) {
                tables.add(TableMaintenance.Table.vacuumed(LAYER + "._seen." + r.table(), seenPath(config, r.table())));
            }
        }
        tables.add(TableMaintenance.Table.vacuumed(LAYER + "." + SESSIONS, path(config, SESSIONS)));
        tables.add(TableMaintenance.Table.vacuumed(LAYER + "." + Funnel.TABLE, path(config, Funnel.TABLE)));
        return tables;
    }

    private static void createTables(SparkSession spark, PipelineConfig config) {
        for (GoldRollup r : rollups(config)) {
            Dataset<Row> empty = r.aggregate(r.relevant(emptySource(spark, config, r.source())));
            if (r.maintenance() == GoldRollup.Maintenance.RECOMPUTE) {
                DeltaTables.ensure(spark, LAYER, r.table(), path(config, r.table()), empty.schema(),
                        newTableProperties(config, r.table()));
                continue;
            }
            DeltaTables.ensure(spark, LAYER, r.table(), path(config, r.table()), BatchStamp.addTo(empty.schema()),
                    newTableProperties(config, r.table()));
            if (!r.distinctMembers().isEmpty()) {
                StructType seen = new StructType();
                for (String k : r.mergeKeys()) {
                    seen = seen.add(empty.schema().apply(k));
                }
                seen = seen.add("counted_as", DataTypes.StringType).add("member", DataTypes.StringType);
                DeltaTables.ensureAt(spark, seenPath(config, r.table()), seen, DeltaTables.AUTO_COMPACTED,
                        Arrays.asList(r.mergeKeys()).contains("event_date") ? new String[] {"event_date"} : new String[0]);
            }
        }
        // Partitioned by is_live: the live sessions, which every batch reads, are a small partition of their own.
        DeltaTables.ensure(spark, LAYER, SESSIONS, path(config, SESSIONS), SessionRows.TABLE_SCHEMA,
                DeltaTables.AUTO_COMPACTED, "is_live");
        Dataset<Row> noSessions = spark.createDataFrame(List.of(), SessionRows.TABLE_SCHEMA);
        DeltaTables.ensure(spark, LAYER, Funnel.TABLE, path(config, Funnel.TABLE),
                BatchStamp.addTo(Funnel.aggregate(noSessions, config.funnelWindow()).schema()),
                newTableProperties(config, Funnel.TABLE));
    }
}
