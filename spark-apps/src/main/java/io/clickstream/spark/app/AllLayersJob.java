package io.clickstream.spark.app;

import io.clickstream.spark.bronze.BronzeStream;
import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.gold.GoldStreams;
import io.clickstream.spark.gold.GoldTables;
import io.clickstream.spark.silver.SilverStream;
import org.apache.spark.sql.streaming.StreamingQuery;

import java.util.ArrayList;
import java.util.List;

/** Bronze, silver and gold in one driver: the local mode. */
public final class AllLayersJob {
    private AllLayersJob() {
    }

    public static void main(String[] args) {
        new StreamingApp("all-layers", "Runs bronze, silver and gold in one driver (local mode).",
                (spark, config, metrics) -> {
                    // Every table first: each layer's stream reads the table the previous one writes.
                    BronzeTable.ensure(spark, config);
                    GoldTables.ensure(spark, config);
                    List<StreamingQuery> queries = new ArrayList<>();
                    queries.add(BronzeStream.start(spark, config, metrics));
                    queries.add(SilverStream.start(spark, config, metrics));
                    queries.addAll(GoldStreams.start(spark, config, metrics));
                    return queries;
                }).main(args);
    }
}
