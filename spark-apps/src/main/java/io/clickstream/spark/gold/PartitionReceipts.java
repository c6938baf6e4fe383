package io.clickstream.spark.gold;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

/**
 * How far a micro-batch read each Kafka partition: the newest gateway receive time among its rows, per partition. A
 * visitor's events are keyed to one partition, so that partition says whether the visitor has been quiet: while a
 * backlog is read, Spark reads partitions at different paces (by their lag), and another partition's newer receipts
 * say nothing of this one's events not read yet. A partition the batch read nothing of had nothing to read (Spark's
 * Kafka source gives every partition with a lag a share of each batch): its next events come after the batch's.
 */
public record PartitionReceipts(Map<String, Long> newestByPartition, long newestOverall) implements Serializable {
    /** The batch's receipts (silver events, with their Kafka positions); null if it holds none. */
    public static PartitionReceipts of(Dataset<Row> silverEvents) {
        Map<String, Long> newest = new HashMap<>();
        long overall = Long.MIN_VALUE;
        for (Row r : silverEvents.groupBy(col("kafka_topic"), col("kafka_partition"))
                .agg(max(col("received_at"))).collectAsList()) {
            if (!r.isNullAt(2)) {
                long ms = r.getTimestamp(2).getTime();
                newest.put(key(r.getString(0), r.isNullAt(1) ? null : r.getInt(1)), ms);
                overall = Math.max(overall, ms);
            }
        }
        return overall == Long.MIN_VALUE ? null : new PartitionReceipts(newest, overall);
    }

    /**
     * The newest receipt the batch read of a partition; of the whole batch for a partition it read nothing of, and for
     * a session stored without its partition (written by an older version).
     */
    public long newest(String topic, Integer partition) {
        return topic == null || partition == null ? newestOverall
                : newestByPartition.getOrDefault(key(topic, partition), newestOverall);
    }

    static String key(String topic, Integer partition) {
        return topic + ":" + partition;
    }
}
