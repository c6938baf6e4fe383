package io.clickstream.spark.gold;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** How live sessions close between batches: only once no event that is not late can still join them. */
class ContinueSessionsTest {
    private static final long MIN = 60_000;
    private static final long GAP = 30 * MIN;
    private static final long LATENESS = 10 * MIN;
    private static final long T0 = 1_780_000_000_000L;
    private static final int IS_LIVE = SessionRows.SCHEMA.fieldIndex("is_live");
    private static final int EVENTS = SessionRows.SCHEMA.fieldIndex("events");
    private static final String TOPIC = "clickstream.events";
    /** The visitor's partition. */
    private static final int PARTITION = 1;

    @Test
    void anEventWithinTheGapThatArrivesLateButNotTooLateJoinsTheSession() {
        // A at 12:00:00, received 12:00:01.
        List<Row> live = stored(batch(T0 + 1000, List.of(event("a", T0, T0 + 1000)), List.of()));
        // Another visitor's event received at 12:30:30: a gap of receive time, but B may still come.
        List<Row> quiet = batch(T0 + 30 * MIN + 30_000, List.of(), live);
        assertThat(quiet).isEmpty();
        // B happened at 12:25 and is received at 12:31: six minutes behind, within the allowed lateness of ten.
        List<Row> withB = batch(T0 + 31 * MIN, List.of(event("b", T0 + 25 * MIN, T0 + 31 * MIN)), live);
        assertThat(withB).hasSize(1);
        assertThat(withB.get(0).getLong(EVENTS)).isEqualTo(2);
        assertThat(withB.get(0).getBoolean(IS_LIVE)).isTrue();
    }

    @Test
    void aSessionClosesAfterAGapPlusTheAllowedLatenessOfReceiveTime() {
        List<Row> live = stored(batch(T0 + 1000, List.of(event("a", T0, T0 + 1000)), List.of()));
        assertThat(batch(T0 + 1000 + GAP + LATENESS, List.of(), live)).isEmpty();
        List<Row> closed = batch(T0 + 1001 + GAP + LATENESS, List.of(), live);
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).getBoolean(IS_LIVE)).isFalse();
        assertThat(closed.get(0).getLong(EVENTS)).isEqualTo(1);
    }

    /**
     * While a backlog is read, partitions are read at different paces: another partition read past the gap says
     * nothing of the visitor's, where its next event may still wait.
     */
    @Test
    void aSessionStaysLiveWhileItsOwnPartitionHasNotBeenReadPastTheGap() {
        List<Row> live = stored(batch(T0 + 14 * MIN, List.of(event("a", T0, T0), event("b", T0 + 14 * MIN, T0 + 14 * MIN)), List.of()));
        // Partition 0 read up to 11:30, the visitor's only up to 10:19, with nothing of the visitor's.
        assertThat(batch(receipts(Map.of(0, T0 + 90 * MIN, PARTITION, T0 + 19 * MIN)), List.of(), live)).isEmpty();
        // The visitor's 10:20 event: the same session, as one pass over silver has it.
        List<Row> withC = batch(receipts(Map.of(PARTITION, T0 + 20 * MIN)), List.of(event("c", T0 + 20 * MIN, T0 + 20 * MIN)), live);
        assertThat(withC).hasSize(1);
        assertThat(withC.get(0).getLong(EVENTS)).isEqualTo(3);
        // Its own partition read past the gap plus the lateness: closed.
        List<Row> closed = batch(receipts(Map.of(PARTITION, T0 + 20 * MIN + GAP + LATENESS + 1)), List.of(), stored(withC));
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).getBoolean(IS_LIVE)).isFalse();
    }

    /** A partition the batch read nothing of had nothing to read: its sessions close by the batch's newest receipt. */
    @Test
    void aSessionWhosePartitionHadNothingToReadClosesByTheBatchsNewestReceipt() {
        List<Row> live = stored(batch(T0, List.of(event("a", T0, T0)), List.of()));
        assertThat(batch(receipts(Map.of(0, T0 + GAP + LATENESS)), List.of(), live)).isEmpty();
        List<Row> closed = batch(receipts(Map.of(0, T0 + GAP + LATENESS + 1)), List.of(), live);
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).getBoolean(IS_LIVE)).isFalse();
    }

    /** Sessions stored before their partition was: closed against the batch's newest receipt, whatever its partition. */
    @Test
    void aSessionStoredWithoutItsPartitionClosesByTheBatchsNewestReceipt() {
        List<Row> live = stored(batch(T0, List.of(event("a", T0, T0)), List.of()));
        PartitionReceipts receipts = receipts(Map.of(0, T0 + GAP + LATENESS + 1, PARTITION, T0 + MIN));
        assertThat(batch(receipts, List.of(), live)).isEmpty();
        List<Row> closed = batch(receipts, List.of(), withoutPartition(live));
        assertThat(closed).hasSize(1);
        assertThat(closed.get(0).getBoolean(IS_LIVE)).isFalse();
    }

    /** A batch that read the visitor's partition up to {@code newestReceiptMs}. */
    private static List<Row> batch(long newestReceiptMs, List<Row> events, List<Row> live) {
        return batch(receipts(Map.of(PARTITION, newestReceiptMs)), events, live);
    }

    private static List<Row> batch(PartitionReceipts receipts, List<Row> events, List<Row> live) {
        List<Row> out = new ArrayList<>();
        new ContinueSessions(GAP, LATENESS, 60 * MIN, receipts)
                .call(ContinueSessions.key("shop", "v"), events.iterator(), live.iterator()).forEachRemaining(out::add);
        return out;
    }

    private static PartitionReceipts receipts(Map<Integer, Long> newestByPartition) {
        Map<String, Long> byKey = new HashMap<>();
        newestByPartition.forEach((partition, ms) -> byKey.put(PartitionReceipts.key(TOPIC, partition), ms));
        return new PartitionReceipts(byKey, newestByPartition.values().stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    private static Row event(String id, long eventMs, long receivedMs) {
        return RowFactory.create("shop", "v", id, "page_view", new Timestamp(eventMs), null, "/" + id, null, null, null,
                new Timestamp(receivedMs), null, TOPIC, PARTITION);
    }

    private static List<Row> withoutPartition(List<Row> live) {
        List<Row> older = new ArrayList<>();
        for (Row row : live) {
            Object[] values = new Object[row.size()];
            for (int i = 0; i < row.size(); i++) {
                values[i] = row.get(i);
            }
            values[SessionRows.SCHEMA.fieldIndex("kafka_topic")] = null;
            values[SessionRows.SCHEMA.fieldIndex("kafka_partition")] = null;
            older.add(new GenericRowWithSchema(values, SessionRows.TABLE_SCHEMA));
        }
        return older;
    }

    /** The live sessions as the next batch reads them from gold.sessions. */
    private static List<Row> stored(List<Row> touched) {
        List<Row> live = new ArrayList<>();
        for (Row out : touched) {
            if (!out.getBoolean(IS_LIVE)) {
                continue;
            }
            Object[] values = new Object[SessionRows.TABLE_SCHEMA.size()];
            for (int i = 0; i < SessionRows.SCHEMA.size(); i++) {
                Object v = out.get(i);
                values[i] = v instanceof Object[] a ? scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(a)).toSeq() : v;
            }
            live.add(new GenericRowWithSchema(values, SessionRows.TABLE_SCHEMA));
        }
        return live;
    }
}
