package io.clickstream.spark.table;

import io.clickstream.spark.runtime.PlanConstants;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.io.Serializable;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

/**
 * Which streaming query and micro-batch last changed a row. A table that is updated read-modify-write (the new
 * value is the current one plus the batch's) stamps every row it writes, and a MERGE skips rows this query already
 * wrote in this batch or a later one: a batch replayed after a crash then changes nothing. Only the last batch before
 * a restart is ever replayed, and no later batch can have run before it, so the batch id alone orders the writes of
 * one query; the query id keeps a new checkpoint (batch ids from 0 again) from being mistaken for a replay.
 */
public record BatchStamp(String queryId, long batchId) implements Serializable {
    public static final String QUERY_ID = "_query_id";
    public static final String BATCH_ID = "_batch_id";

    /** Spark sets it on the stream's thread; it stays the same across restarts from the same checkpoint. */
    private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

    /** The stamp of the micro-batch {@code rows} belong to (outside a stream: a fixed writer name). */
    public static BatchStamp of(Dataset<Row> rows, long batchId) {
        String queryId = rows.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        return new BatchStamp(queryId == null ? "batch" : queryId, batchId);
    }

    public static StructType addTo(StructType schema) {
        return schema.add(QUERY_ID, DataTypes.StringType).add(BATCH_ID, DataTypes.LongType);
    }

    /** {@code rows} with this stamp in the two stamp columns. */
    public Dataset<Row> on(Dataset<Row> rows) {
        return rows.withColumn(QUERY_ID, lit(queryId)).withColumn(BATCH_ID, PlanConstants.of(batchId));
    }

    /** Whether {@code table} holds a row this query wrote in this batch or a later one: this batch is a replay. */
    public boolean isIn(Dataset<Row> table) {
        // Literal bounds, so that Delta skips every file whose batch ids are all older.
        return !table.where(col(QUERY_ID).equalTo(queryId).and(col(BATCH_ID).geq(batchId))).isEmpty();
    }

    /** MERGE condition for updating target row {@code t} from source row {@code s}: not already written by this batch. */
    public static Column notYetWritten(String target, String source) {
        Column sameQuery = col(target + "." + QUERY_ID).eqNullSafe(col(source + "." + QUERY_ID));
        return sameQuery.and(col(target + "." + BATCH_ID).geq(col(source + "." + BATCH_ID))).unary_$bang();
    }
}
