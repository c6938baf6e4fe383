package io.clickstream.spark.gold;

import java.io.Serializable;
import java.math.BigDecimal;
import java.util.List;

/** What sessionization needs to know about one silver event. */
public record SessionEvent(String eventId, String eventType, long eventTimeMs, String userId, String pagePath,
                           BigDecimal revenue, List<String> skus, List<String> categories) implements Serializable {
}
