package io.clickstream.spark.gold;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.silver.SilverTransform;
import io.clickstream.spark.table.DeltaMerge;
import io.clickstream.spark.table.DeltaTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.util.List;

/** The gold tables, their rollups and where they live. */
public final class GoldTables {
    public static final String LAYER = "gold";
    public static final String SESSIONS = "sessions";

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

    public static String path(PipelineConfig config, String table) {
        return config.tablePath(LAYER, table);
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
        for (GoldRollup r : rollups(config)) {
            Dataset<Row> empty = r.aggregate(r.relevant(emptySource(spark, config, r.source())));
            DeltaTables.ensure(spark, LAYER, r.table(), path(config, r.table()), empty.schema());
        }
        backfillUpstreams(spark, config);
        DeltaTables.ensure(spark, LAYER, SESSIONS, path(config, SESSIONS), SessionRows.SCHEMA);
        Dataset<Row> noSessions = spark.createDataFrame(List.of(), SessionRows.SCHEMA);
        DeltaTables.ensure(spark, LAYER, Funnel.TABLE, path(config, Funnel.TABLE),
                Funnel.aggregate(noSessions, config.funnelWindow()).schema());
    }

    /**
     * A table other rollups are recomputed from must hold all of history. When it is empty while a table derived from
     * it is not (it was added to a running deployment, or a first fill was interrupted), it is filled from silver once;
     * the MERGE makes a repeated fill harmless.
     */
    static void backfillUpstreams(SparkSession spark, PipelineConfig config) {
        for (GoldRollup derived : rollups(config)) {
            GoldRollup upstream = derived.recomputedFrom();
            if (upstream == null || !read(spark, config, upstream.table()).isEmpty()
                    || read(spark, config, derived.table()).isEmpty()) {
                continue;
            }
            String source = upstream.source() == GoldRollup.Source.EVENTS ? SilverTables.EVENTS : SilverTables.PRODUCT_EVENTS;
            Dataset<Row> silver = spark.read().format("delta").load(SilverTables.path(config, source));
            DeltaMerge.upsert(spark, path(config, upstream.table()), upstream.aggregate(upstream.relevant(silver)),
                    upstream.mergeKeys());
        }
    }

    private static Dataset<Row> read(SparkSession spark, PipelineConfig config, String table) {
        return spark.read().format("delta").load(path(config, table));
    }
}
