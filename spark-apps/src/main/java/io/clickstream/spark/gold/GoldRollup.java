package io.clickstream.spark.gold;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.util.Map;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.window;

/**
 * A gold table computed from a silver table: gold always equals {@code aggregate(relevant(silver))}. A micro-batch
 * names the <em>scopes</em> it touches (e.g. a site's minute) and brings them up to date in one of two ways
 * ({@link #maintenance()}); either way a replayed batch changes nothing and allowed-late events update their scope.
 */
public interface GoldRollup extends Serializable {
    enum Source { EVENTS, PRODUCT_EVENTS }

    enum Maintenance {
        /**
         * Each touched window recomputed in full from silver and written in place of the table's rows of it: for
         * windows small enough to reread (minutes). Rows recomputed from silver carry {@code window_start} and
         * {@code window_end}.
         */
        RECOMPUTE,
        /**
         * The batch's own aggregate combined with the table's current rows of the touched scopes, then merged with a
         * {@link io.clickstream.spark.table.BatchStamp}: for scopes too large to reread every batch (an hour, a day).
         */
        INCREMENTAL
    }

    /**
     * How often a rollup's table is brought up to date. Each table written costs a micro-batch a Delta MERGE, which on
     * a small driver is mostly fixed cost; tables of an hour, a day or a lifetime gain nothing from being rewritten
     * every few seconds, so they follow silver on a slower trigger of their own ({@code gold.periodic.trigger}).
     */
    enum Cadence {
        /** With every micro-batch of the gold query: minute windows, the tables dashboards watch live. */
        EVERY_BATCH,
        /** In the gold-periodic query, which reads silver.events on its own, slower trigger. */
        PERIODIC
    }

    /** How an {@link Maintenance#INCREMENTAL} column of two aggregates of disjoint rows combines. */
    enum Combine { SUM, MIN, MAX, UNION }

    /**
     * {@code rows} with the event-time window each falls in ({@code window}: a Spark interval such as
     * {@code "60 seconds"}) as {@code window_start} and {@code window_end}.
     */
    static Dataset<Row> inWindows(Dataset<Row> rows, String window) {
        return rows.withColumn("w", window(col("event_time"), window))
                .withColumn("window_start", col("w.start"))
                .withColumn("window_end", col("w.end"));
    }

    /** Table name within the gold layer. */
    String table();

    Source source();

    /** Filters source rows down to those that count and adds the scope columns. */
    Dataset<Row> relevant(Dataset<Row> sourceRows);

    String[] scopeColumns();

    /** Whether the scope lies within the dates of the events (so silver can be read by date partition). */
    boolean scopedByDate();

    /** Aggregates relevant rows of whole scopes into gold rows. */
    Dataset<Row> aggregate(Dataset<Row> relevantRows);

    /** The key of a gold row. */
    String[] mergeKeys();

    default Maintenance maintenance() {
        return Maintenance.RECOMPUTE;
    }

    /** Which gold query keeps the table; a rollup recomputed from another one's table shares that one's cadence. */
    default Cadence cadence() {
        return Cadence.EVERY_BATCH;
    }

    /**
     * {@link Maintenance#INCREMENTAL}: how each column of {@link #aggregate} that is neither a merge key nor derived
     * (see {@link #finish}) combines with the current value.
     */
    default Map<String, Combine> combining() {
        throw new UnsupportedOperationException(table() + " is recomputed, not combined");
    }

    /**
     * {@link Maintenance#INCREMENTAL}: distinct counts, column → the member counted once per key (null members are
     * not counted). The members already counted are kept beside the table, so a batch adds only the new ones.
     */
    default Map<String, Column> distinctMembers() {
        return Map.of();
    }

    /**
     * {@link Maintenance#INCREMENTAL}: the derived columns recomputed from combined rows, which hold whole scopes
     * (e.g. a score, and a rank within the window). The default derives nothing.
     */
    default Dataset<Row> finish(Dataset<Row> combined) {
        return combined;
    }

    /**
     * Another rollup whose gold table this one is recomputed from, instead of silver, or null. That rollup is merged
     * first in each batch; {@link #aggregateFrom} then turns its rows for whole scopes into this table's rows, which
     * must equal {@code aggregate(relevant(silver))}.
     */
    default GoldRollup recomputedFrom() {
        return null;
    }

    /** Rows of {@link #recomputedFrom()}'s table for whole scopes → this table's rows. */
    default Dataset<Row> aggregateFrom(Dataset<Row> upstreamRows) {
        throw new UnsupportedOperationException(table() + " is recomputed from silver");
    }
}
