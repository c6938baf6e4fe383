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
}
