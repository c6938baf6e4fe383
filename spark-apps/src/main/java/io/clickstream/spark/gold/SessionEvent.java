package io.clickstream.spark.gold;

import org.apache.spark.sql.Row;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

/** What sessionization needs to know about one silver event. */
public record SessionEvent(String eventId, String eventType, long eventTimeMs, String userId, String pagePath,
                           BigDecimal revenue, String currency, List<String> skus, List<String> categories)
        implements Serializable {

    /** One row of {@link LiveSessions#input}. */
    public static SessionEvent of(Row r) {
        return new SessionEvent(r.getString(2), r.getString(3), r.getTimestamp(4).getTime(), r.getString(5),
                r.getString(6), r.isNullAt(7) ? null : (BigDecimal) r.get(7), r.getString(11), SessionRows.strings(r, 8),
                SessionRows.strings(r, 9));
    }
}
