package io.clickstream.spark.gold;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How live sessions close between batches: only once no event that is not late can still join them. */
class ContinueSessionsTest {
    private static final long MIN = 60_000;
    private static final long GAP = 30 * MIN;
    private static final long LATENESS = 10 * MIN;
    private static final long T0 = 1_780_000_000_000L;
    private static final int IS_LIVE = SessionRows.SCHEMA.fieldIndex("is_live");
    private static final int EVENTS = SessionRows.SCHEMA.fieldIndex("events");

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

    private static List<Row> batch(long newestReceiptMs, List<Row> events, List<Row> live) {
        List<Row> out = new ArrayList<>();
        new ContinueSessions(GAP, LATENESS, 60 * MIN, newestReceiptMs)
                .call(ContinueSessions.key("shop", "v"), events.iterator(), live.iterator()).forEachRemaining(out::add);
        return out;
    }

    private static Row event(String id, long eventMs, long receivedMs) {
        return RowFactory.create("shop", "v", id, "page_view", new Timestamp(eventMs), null, "/" + id, null, null, null,
                new Timestamp(receivedMs), null);
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
