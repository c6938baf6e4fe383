package io.clickstream.spark.app;

import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.bronze.BronzeTable;

import java.util.List;

/** Kafka → {@code bronze.events}. */
public final class BronzeJob {
    private BronzeJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("bronze", "Streams the events topic into bronze.events (raw, parsed, partitioned by date).",
                (spark, config, metrics, stopRequested) -> List.of(BronzeStream.start(spark, config, metrics)),
                BronzeTable::maintained).main(args);
    }
}
