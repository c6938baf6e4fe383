package io.clickstream.spark.table;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;

/**
 * Appends from {@code foreachBatch} that Delta skips when the same batch is replayed after a crash:
 * Delta remembers the highest {@code txnVersion} (the batch id) committed for each {@code txnAppId}.
 */
public final class IdempotentWrites {
    /** Spark sets it on the stream's thread; it stays the same across restarts from the same checkpoint. */
    private static final String QUERY_ID_PROPERTY = "sql.streaming.queryId";

    private IdempotentWrites() {
    }

    public static void append(Dataset<Row> rows, String path, String writer, long batchId) {
        write(rows, path, appId(rows, writer), batchId);
    }

    private static void write(Dataset<Row> rows, String path, String appId, long batchId) {
        rows.write()
                .format("delta")
                .mode(SaveMode.Append)
                .option("txnAppId", appId)
                .option("txnVersion", batchId)
                .save(path);
    }

    /**
     * The same, under the transaction id Delta's own streaming sink uses (the bare query id), for a table that
     * such a sink may have written before.
     */
    public static void appendAsStreamingSink(Dataset<Row> rows, String path, long batchId) {
        String queryId = rows.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        if (queryId == null) {
            throw new IllegalStateException("not inside a streaming micro-batch: no query id");
        }
        write(rows, path, queryId, batchId);
    }

    /** Scoped to the query id, so a new checkpoint (batch ids from 0 again) is never mistaken for a replay. */
    static String appId(Dataset<Row> rows, String writer) {
        String queryId = rows.sparkSession().sparkContext().getLocalProperty(QUERY_ID_PROPERTY);
        return queryId == null ? writer : writer + "-" + queryId;
    }
}
