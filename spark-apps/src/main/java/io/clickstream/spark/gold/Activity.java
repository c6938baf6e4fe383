package io.clickstream.spark.gold;

import io.clickstream.contract.EventType;
import org.apache.spark.sql.Column;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

/** Which events are something a visitor did: what sessions and daily actives are made of. */
final class Activity {
    private Activity() {
    }

    /** Every event but the profile calls ({@link EventType#PROFILE_CALLS}: identify, group, alias). */
    static Column isActivity() {
        return not(col("event_type").isin(EventType.PROFILE_CALLS.toArray()));
    }
}
