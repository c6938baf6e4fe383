package io.clickstream.spark.app;

import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.gold.GoldStream;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.silver.SilverTables;
import org.apache.spark.sql.streaming.Trigger;

import java.util.List;
import java.util.stream.Stream;

/**
 * Bronze, silver and gold in one driver: the local mode. Kafka → bronze, and bronze → silver → gold in one micro-batch
 * ({@link SilverGoldBatchWriter}), so an event waits for two commits on its way to gold, not three; the hour, day and
 * lifetime tables follow silver in a third query on a slower trigger ({@link GoldStream#startPeriodic}).
 */
public final class AllLayersJob {
    private AllLayersJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("all-layers", "Runs bronze, silver and gold in one driver (local mode).",
                (spark, config, metrics) -> {
                    // Every table first: each layer's stream reads the table the previous one writes.
                    BronzeTable.ensure(spark, config);
                    GoldTables.ensure(spark, config);
                    return List.of(BronzeStream.start(spark, config, metrics),
                            // Named like the silver query of the per-layer jobs: it reads bronze the same way, so the
                            // dashboards and alerts that watch silver's input need no second name.
                            SilverStream.start(spark, config, SilverStream.QUERY_NAME,
                                    Trigger.ProcessingTime(config.silverTrigger().toMillis()),
                                    new SilverGoldBatchWriter(config, metrics)),
                            GoldStream.startPeriodic(spark, config, metrics));
                },
                config -> Stream.of(BronzeTable.maintained(config), SilverTables.maintained(config),
                        GoldTables.maintained(config)).flatMap(List::stream).toList()).main(args);
    }
}
