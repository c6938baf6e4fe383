package io.clickstream.spark.gold;

import io.clickstream.spark.config.Durations;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.runtime.SchedulerPools;
import io.clickstream.spark.silver.SilverTables;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;

import java.util.List;
import java.util.concurrent.TimeoutException;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.transform;

/** The two gold queries on {@code silver.events}: live sessions (+ funnel), and the windowed rollups. */
public final class GoldStreams {
    public static final String SESSIONS_QUERY = "gold-sessions";
    public static final String ROLLUPS_QUERY = "gold-rollups";

    private GoldStreams() {
    }

    public static List<StreamingQuery> start(SparkSession spark, PipelineConfig config, PipelineMetrics metrics)
            throws TimeoutException {
        Trigger trigger = Trigger.ProcessingTime(config.goldTrigger().toMillis());
        return List.of(startSessions(spark, config, trigger), startRollups(spark, config, metrics, trigger));
    }

    public static StreamingQuery startSessions(SparkSession spark, PipelineConfig config, Trigger trigger)
            throws TimeoutException {
        GoldTables.ensure(spark, config);
        return SchedulerPools.start(spark, SESSIONS_QUERY, sessions(silverEvents(spark, config), config)
                .writeStream()
                .queryName(SESSIONS_QUERY)
                .outputMode(OutputMode.Update())
                .option("checkpointLocation", config.checkpoint(SESSIONS_QUERY))
                .trigger(trigger)
                .foreachBatch(new SessionsBatchWriter(config)));
    }

    public static StreamingQuery startRollups(SparkSession spark, PipelineConfig config, PipelineMetrics metrics,
                                              Trigger trigger) throws TimeoutException {
        GoldTables.ensure(spark, config);
        return SchedulerPools.start(spark, ROLLUPS_QUERY, silverEvents(spark, config)
                .writeStream()
                .queryName(ROLLUPS_QUERY)
                .option("checkpointLocation", config.checkpoint(ROLLUPS_QUERY))
                .trigger(trigger)
                .foreachBatch(new RollupBatchWriter(config, metrics)));
    }

    private static Dataset<Row> silverEvents(SparkSession spark, PipelineConfig config) {
        return spark.readStream().format("delta").load(SilverTables.path(config, SilverTables.EVENTS));
    }

    /**
     * Silver events (stream or batch) → touched sessions, one row each. Late events do not count, and neither do
     * known bots: sessions and the funnel describe people (bots are in silver's is_bot and gold.anomalies).
     */
    public static Dataset<Row> sessions(Dataset<Row> silverEvents, PipelineConfig config) {
        Dataset<Row> input = silverEvents
                .where(not(col("is_late")).and(not(col("is_bot"))).and(col("event_time").isNotNull()))
                .select(col("site_id"), col("anonymous_id"), col("event_id"), col("event_type"), col("event_time"),
                        col("user_id"), col("page_path"), col("revenue"),
                        transform(col("products"), p -> p.getField("sku")).as("skus"),
                        transform(col("products"), p -> p.getField("category")).as("categories"),
                        col("received_at"))
                // Session state expires on the gateway's clock (received_at), which moves steadily even when
                // event times arrive out of order; it drops only rows a whole gap behind the newest receipt.
                .withWatermark("received_at", Durations.toSpark(config.sessionGap()));
        return input
                .groupByKey((MapFunction<Row, String>) SessionStateFunction::key, Encoders.STRING())
                .flatMapGroupsWithState(
                        new SessionStateFunction(config.sessionGap().toMillis(), config.funnelWindow().toMillis()),
                        OutputMode.Update(),
                        Encoders.javaSerialization(Sessionizer.VisitorState.class),
                        Encoders.row(SessionRows.SCHEMA),
                        GroupStateTimeout.EventTimeTimeout());
    }
}
