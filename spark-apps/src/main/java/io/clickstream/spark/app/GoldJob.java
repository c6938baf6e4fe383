package io.clickstream.spark.app;

import io.clickstream.spark.gold.GoldStream;
import io.clickstream.spark.gold.GoldTables;

import java.util.List;

/** {@code silver.events} → the gold tables. */
public final class GoldJob {
    private GoldJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("gold", "Builds sessions, funnel and windowed business tables from silver.events.",
                (spark, config, metrics, stopRequested) -> List.of(GoldStream.start(spark, config, metrics),
                        GoldStream.startPeriodic(spark, config, metrics)),
                GoldTables::maintained).main(args);
    }
}
