package io.clickstream.spark.testing;

import io.clickstream.spark.bronze.BronzeTable;
import io.clickstream.spark.bronze.BronzeTransform;
import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.metrics.PipelineMetrics;
import io.clickstream.spark.silver.SilverStream;
import io.clickstream.spark.silver.SilverTables;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.Trigger;

import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Rows shaped like Spark's Kafka source, to feed the bronze transform without a broker. */
public final class KafkaRows {
    private final List<Row> rows = new ArrayList<>();
    private long nextOffset;

    public KafkaRows() {
        this(0);
    }

    public KafkaRows(long firstOffset) {
        this.nextOffset = firstOffset;
    }

    public KafkaRows add(String key, String value, String kafkaTime) {
        byte[] v = value == null ? null : value.getBytes(StandardCharsets.UTF_8);
        List<Row> headers = List.of(RowFactory.create("site_id", "shop".getBytes(StandardCharsets.UTF_8)),
                RowFactory.create("received_at", kafkaTime.getBytes(StandardCharsets.UTF_8)));
        rows.add(RowFactory.create(key.getBytes(StandardCharsets.UTF_8), v, "clickstream.events", 0, nextOffset++,
                Timestamp.from(Instant.parse(kafkaTime)), 0, headers.toArray()));
        return this;
    }

    public Dataset<Row> toKafkaFrame(SparkSession spark) {
        return spark.createDataFrame(rows, BronzeTransform.KAFKA_SCHEMA);
    }

    public Dataset<Row> toBronze(SparkSession spark) {
        return BronzeTransform.apply(toKafkaFrame(spark));
    }

    /** Appends the rows, through the bronze transform, to {@code bronze.events}. */
    public void appendToBronze(SparkSession spark, PipelineConfig config) {
        toBronze(spark).write().format("delta").mode("append").save(BronzeTable.path(config));
    }

    /** Appends the rows to bronze, runs the silver query over what is new, and returns all of {@code silver.events}. */
    public Dataset<Row> throughSilver(SparkSession spark, PipelineConfig config) throws Exception {
        appendToBronze(spark, config);
        SilverStream.start(spark, config, PipelineMetrics.NONE, Trigger.AvailableNow()).awaitTermination();
        return spark.read().format("delta").load(SilverTables.path(config, SilverTables.EVENTS));
    }
}
