package io.clickstream.spark.table;

import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.apache.spark.sql.functions.col;

/**
 * Appends from {@code foreachBatch} that happen once per micro-batch, even when the batch is run again after a crash.
 * Each commit names its writer, query and batch in the commit's {@code userMetadata} (see {@code DESCRIBE HISTORY}).
 * Only the first batch a query runs after it starts can be a replay (a batch that failed stops the query, and no batch
 * starts before the one before it is committed), so a writer looks up its last batch in the table's history once,
 * when it first writes in this JVM, and appends without further checks after that.
 * <p>
 * Delta's own idempotent writes ({@code txnAppId}/{@code txnVersion}) check the same thing on every append, and each
 * check rebuilds the table's state from its log: on a two-core driver that doubled the cost of every append.
 */
public final class IdempotentWrites {
    private static final Pattern MARKER = Pattern.compile("^clickstream writer=(\\S+) batch=(\\d+)$");
    /** Per table and writer (with its query): the newest batch known to be committed. */
    private static final ConcurrentMap<String, Long> COMMITTED = new ConcurrentHashMap<>();
    private static final int[] HISTORY_PAGES = {20, 500, Integer.MAX_VALUE};

    private IdempotentWrites() {
    }

    /** Appends {@code rows} unless {@code batchId} of this writer and query is already in the table; nothing if empty. */
    public static void append(Dataset<Row> rows, String path, String writer, long batchId) {
        String id = writer + "/" + BatchStamp.of(rows, batchId).queryId();
        String key = path + " " + id;
        long committed = COMMITTED.computeIfAbsent(key, k -> lastCommitted(rows.sparkSession(), path, id));
        if (batchId <= committed) {
            return; // a replay of a batch this writer already appended
        }
        if (!rows.isEmpty()) {
            rows.write().format("delta").mode(SaveMode.Append)
                    .option("userMetadata", "clickstream writer=" + id + " batch=" + batchId)
                    .save(path);
        }
        COMMITTED.put(key, batchId);
    }

    /** The newest batch the table's history records for writer {@code id}, or -1; the newest commits are read first. */
    static long lastCommitted(SparkSession spark, String path, String id) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return -1;
        }
        DeltaTable table = DeltaTable.forPath(spark, path);
        for (int page : HISTORY_PAGES) {
            Dataset<Row> history = page == Integer.MAX_VALUE ? table.history() : table.history(page);
            List<Row> ours = history.where(col("userMetadata").startsWith("clickstream writer=" + id + " "))
                    .select("userMetadata").collectAsList();
            long newest = -1;
            for (Row r : ours) {
                Matcher m = MARKER.matcher(r.getString(0));
                if (m.matches() && m.group(1).equals(id)) {
                    newest = Math.max(newest, Long.parseLong(m.group(2)));
                }
            }
            if (newest >= 0 || history.count() < page) {
                return newest;
            }
        }
        return -1;
    }
}
