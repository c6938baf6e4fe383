package io.clickstream.spark.gold;

import io.clickstream.spark.config.PipelineConfig;
import io.clickstream.spark.runtime.PlanConstants;
import io.clickstream.spark.silver.SilverTables;
import io.clickstream.spark.silver.SilverTransform;
import io.clickstream.spark.table.BatchStamp;
import io.clickstream.spark.table.DeltaMerge;
import io.clickstream.spark.table.WindowOverwrite;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.storage.StorageLevel;

import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

/** Brings one rollup's touched scopes up to date from a micro-batch of new silver events (see {@link GoldRollup}). */
final class RollupUpdates {
    private final SparkSession spark;
    private final PipelineConfig config;

    RollupUpdates(SparkSession spark, PipelineConfig config) {
        this.spark = spark;
        this.config = config;
    }

    void update(GoldRollup rollup, Dataset<Row> batch, List<Object> dates, BatchStamp stamp) {
        if (rollup.maintenance() == GoldRollup.Maintenance.INCREMENTAL) {
            combine(rollup, batch, dates, stamp);
        } else {
            recompute(rollup, batch);
        }
    }

    /**
     * Recomputes the windows the batch touches in full from silver, every site's, and writes them in place of the
     * table's rows of those windows ({@link WindowOverwrite}).
     */
    private void recompute(GoldRollup rollup, Dataset<Row> batch) {
        Dataset<Row> relevantBatch = rollup.relevant(batchSource(rollup, batch));
        List<Row> touched = relevantBatch.select("window_start", "window_end").distinct().collectAsList();
        if (touched.isEmpty()) {
            return;
        }
        List<Timestamp> windows = touched.stream().map(r -> r.getTimestamp(0)).sorted().toList();
        Timestamp end = touched.stream().map(r -> r.getTimestamp(1)).max(Timestamp::compareTo).orElseThrow();
        String sourceTable = rollup.source() == GoldRollup.Source.EVENTS ? SilverTables.EVENTS : SilverTables.PRODUCT_EVENTS;
        Dataset<Row> source = spark.read().format("delta").load(SilverTables.path(config, sourceTable));
        if (rollup.scopedByDate()) {
            source = source.where(col("event_date").isin(days(touched).toArray()));
        }
        // Every row of a touched window lies in this range: Delta skips the files outside it by their event_time
        // statistics, so a batch does not rescan the whole day.
        source = source.where(col("event_time").geq(windows.get(0)).and(col("event_time").lt(end)));
        Dataset<Row> rows = rollup.aggregate(rollup.relevant(source).where(col("window_start").isin(windows.toArray())));
        WindowOverwrite.replace(rows, GoldTables.path(config, rollup.table()), windows);
    }

    /**
     * The days the rows of these windows fall on: a window's start's day, and the next as well for a window across
     * midnight (one that does not divide a day, such as 7 minutes), whose earlier rows an event of the new day touches.
     */
    static List<LocalDate> days(List<Row> windows) {
        TreeSet<LocalDate> days = new TreeSet<>();
        for (Row w : windows) {
            LocalDate last = w.getTimestamp(1).toInstant().minusNanos(1_000).atOffset(ZoneOffset.UTC).toLocalDate();
            for (LocalDate d = w.getTimestamp(0).toInstant().atOffset(ZoneOffset.UTC).toLocalDate(); !d.isAfter(last); d = d.plusDays(1)) {
                days.add(d);
            }
        }
        return List.copyOf(days);
    }

    /** Recomputes the scopes the batch touched from the gold table of {@code rollup.recomputedFrom()}, merged just before. */
    void recomputeFromGold(GoldRollup rollup, Dataset<Row> batch) {
        Dataset<Row> scopes = rollup.relevant(batchSource(rollup, batch)).select(cols(rollup.scopeColumns())).distinct();
        if (scopes.isEmpty()) {
            return;
        }
        Dataset<Row> upstream = spark.read().format("delta").load(GoldTables.path(config, rollup.recomputedFrom().table()));
        Dataset<Row> inScope = upstream.as("src").join(broadcast(scopes).as("scope"), sameScope(rollup), "left_semi");
        DeltaMerge.upsert(spark, GoldTables.path(config, rollup.table()), rollup.aggregateFrom(inScope), rollup.mergeKeys());
    }

    /**
     * The batch's aggregate (distinct counts: of members not counted before) combined with the table's current rows of
     * the touched scopes, then merged: rows this batch already wrote are left alone, so a replay adds nothing. The
     * members counted are recorded after the merge; a replay between the two finds them uncounted and records them.
     */
    private void combine(GoldRollup rollup, Dataset<Row> batch, List<Object> dates, BatchStamp stamp) {
        Dataset<Row> relevant = rollup.relevant(batchSource(rollup, batch));
        Dataset<Row> scopes = relevant.select(cols(rollup.scopeColumns())).distinct().persist(StorageLevel.MEMORY_AND_DISK());
        Dataset<Row> fresh = null;
        try {
            if (scopes.isEmpty()) {
                return;
            }
            Dataset<Row> partial = rollup.aggregate(relevant);
            if (!rollup.distinctMembers().isEmpty()) {
                fresh = newMembers(rollup, relevant, dates).persist(StorageLevel.MEMORY_AND_DISK());
                partial = withNewMemberCounts(rollup, partial, fresh);
            }
            Dataset<Row> current = spark.read().format("delta").load(GoldTables.path(config, rollup.table()));
            Column targetRange = null;
            List<String> columns = Arrays.asList(partial.columns());
            if (columns.contains("event_date")) {
                current = current.where(col("event_date").isin(dates.toArray()));
                targetRange = col("t.event_date").isin(dates.toArray());
            } else if (columns.contains("window_start")) {
                Row range = scopes.agg(min("window_start"), max("window_start")).head();
                Timestamp from = PlanConstants.startOfHour(range.getTimestamp(0));
                Timestamp to = PlanConstants.endOfHour(range.getTimestamp(1));
                current = current.where(col("window_start").between(from, to));
                targetRange = col("t.window_start").between(from, to);
            }
            current = current.as("src").join(broadcast(scopes).as("scope"), sameScope(rollup), "left_semi");
            Dataset<Row> combined = rollup.finish(combined(rollup, current, partial)).selectExpr(partial.columns());
            DeltaMerge.upsert(spark, GoldTables.path(config, rollup.table()), stamp.on(combined), targetRange,
                    BatchStamp.notYetWritten("t", "s"), rollup.mergeKeys());
            if (fresh != null && !fresh.isEmpty()) {
                fresh.write().format("delta").mode("append").save(GoldTables.seenPath(config, rollup.table()));
            }
        } finally {
            scopes.unpersist();
            if (fresh != null) {
                fresh.unpersist();
            }
        }
    }

    /**
     * (merge keys, counted_as, member) of the batch that the table has not counted yet. One projection with an
     * explode, not a union of one per count: a union of the same micro-batch's rows can bypass its cache and run the
     * stream's stateful operators again.
     */
    private Dataset<Row> newMembers(GoldRollup rollup, Dataset<Row> relevant, List<Object> dates) {
        List<Column> members = new ArrayList<>();
        rollup.distinctMembers().forEach((column, member) ->
                members.add(struct(lit(column).as("counted_as"), member.cast("string").as("member"))));
        List<Column> c = new ArrayList<>(Arrays.asList(cols(rollup.mergeKeys())));
        c.add(explode(array(members.toArray(Column[]::new))).as("m"));
        List<Column> out = new ArrayList<>(Arrays.asList(cols(rollup.mergeKeys())));
        out.add(col("m.counted_as").as("counted_as"));
        out.add(col("m.member").as("member"));
        Dataset<Row> batchMembers = relevant.select(c.toArray(Column[]::new)).select(out.toArray(Column[]::new))
                .where(col("member").isNotNull()).distinct();
        Dataset<Row> seen = spark.read().format("delta").load(GoldTables.seenPath(config, rollup.table()));
        if (Arrays.asList(rollup.mergeKeys()).contains("event_date")) {
            seen = seen.where(col("event_date").isin(dates.toArray()));
        }
        List<String> on = new ArrayList<>(Arrays.asList(rollup.mergeKeys()));
        on.add("counted_as");
        on.add("member");
        return batchMembers.as("m").join(seen.as("seen"), nullSafeEquals("m", "seen", on), "left_anti");
    }

    /** The aggregate with each distinct count replaced by the number of new members. */
    private static Dataset<Row> withNewMemberCounts(GoldRollup rollup, Dataset<Row> partial, Dataset<Row> fresh) {
        List<Column> counts = new ArrayList<>();
        for (String column : rollup.distinctMembers().keySet()) {
            counts.add(count(when(col("counted_as").equalTo(column), true)).as(column));
        }
        Dataset<Row> perKey = fresh.groupBy(cols(rollup.mergeKeys())).agg(counts.get(0), counts.subList(1, counts.size())
                .toArray(Column[]::new));
        List<Column> out = new ArrayList<>();
        for (StructField f : partial.schema().fields()) {
            out.add(rollup.distinctMembers().containsKey(f.name())
                    ? coalesce(col("n." + f.name()), lit(0L)).cast(f.dataType()).as(f.name())
                    : col("p." + f.name()));
        }
        return partial.as("p").join(perKey.as("n"), nullSafeEquals("p", "n", Arrays.asList(rollup.mergeKeys())), "left")
                .select(out.toArray(Column[]::new));
    }

    /** Current rows (t) and the batch's (s), full outer joined by key, each column combined as the rollup says. */
    private static Dataset<Row> combined(GoldRollup rollup, Dataset<Row> current, Dataset<Row> partial) {
        List<String> keys = Arrays.asList(rollup.mergeKeys());
        Map<String, GoldRollup.Combine> how = rollup.combining();
        List<Column> out = new ArrayList<>();
        for (StructField f : partial.schema().fields()) {
            Column t = col("t." + f.name());
            Column s = col("s." + f.name());
            GoldRollup.Combine c = how.get(f.name());
            Column value;
            if (keys.contains(f.name()) || c == null) {
                value = coalesce(s, t); // a key, or derived (finish recomputes it); window_end follows window_start
            } else {
                value = switch (c) {
                    case SUM -> coalesce(t, lit(0)).plus(coalesce(s, lit(0)));
                    case MIN -> least(t, s);
                    case MAX -> greatest(t, s);
                    case UNION -> array_sort(array_distinct(concat(coalesce(t, emptyArray(f.dataType())),
                            coalesce(s, emptyArray(f.dataType())))));
                };
            }
            out.add(value.cast(f.dataType()).as(f.name()));
        }
        return current.as("t").join(partial.as("s"), nullSafeEquals("t", "s", keys), "full_outer")
                .select(out.toArray(Column[]::new));
    }

    private static Column emptyArray(DataType type) {
        return array().cast(type instanceof ArrayType ? type : ArrayType.apply(type));
    }

    private static Dataset<Row> batchSource(GoldRollup rollup, Dataset<Row> batch) {
        return rollup.source() == GoldRollup.Source.EVENTS ? batch : SilverTransform.productLines(batch);
    }

    private static Column sameScope(GoldRollup rollup) {
        return nullSafeEquals("src", "scope", Arrays.asList(rollup.scopeColumns()));
    }

    private static Column nullSafeEquals(String left, String right, List<String> columns) {
        Column on = null;
        for (String k : columns) {
            Column eq = col(left + "." + k).eqNullSafe(col(right + "." + k));
            on = on == null ? eq : on.and(eq);
        }
        return on;
    }

    private static Column[] cols(String[] names) {
        return Arrays.stream(names).map(org.apache.spark.sql.functions::col).toArray(Column[]::new);
    }
}
