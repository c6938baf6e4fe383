package io.clickstream.spark.gold;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

import java.io.Serializable;

/**
 * A gold table computed from a silver table. A micro-batch names the <em>scopes</em> it touches (e.g. a site's
 * minute); each touched scope is recomputed in full from silver and merged into gold. So a replayed batch
 * changes nothing, late-but-allowed events simply update their scope, and gold always equals
 * {@code aggregate(relevant(silver))}.
 */
public interface GoldRollup extends Serializable {
    enum Source { EVENTS, PRODUCT_EVENTS }

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
