package io.clickstream.launcher.simulate;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulator knows it produced, for checking the pipeline's numbers. Counts of the silver layer are of
 * events the gateway accepted, once per event id, that pass the silver rules; sessions, funnel and revenue are of
 * non-bot visitors within the lateness bound.
 *
 * <p>The last four fields count what went over the wire, for checking the data-quality metrics:
 * {@code invalidEventsSent} is every copy of a contract-breaking event in a request the gateway validated (answered
 * 202, 400 or 503), so each was refused and dead-lettered once; {@code duplicatesAccepted} the client-retry copies
 * ({@code duplicatesSent}) of events the gateway accepted, which silver must remove; {@code retriedRequests} the
 * requests sent again after a 429, a 5xx or a network error; {@code responsesByStatus} the gateway's answers to
 * every request and retry, by HTTP status ({@code error} when there was none).
 */
public record GroundTruth(
        long seed,
        int rate,
        int durationSeconds,
        long requests,
        long eventsSent,
        long duplicatesSent,
        long rejectedByGateway,
        long acceptedByGateway,
        long quarantined,
        long silverEvents,
        long tooLateEvents,
        long visitors,
        long botVisitors,
        long botEvents,
        long sessions,
        Map<String, Long> eventsByType,
        Map<String, Long> funnel,
        long orders,
        Map<String, BigDecimal> revenueByProduct,
        BigDecimal revenue,
        long invalidEventsSent,
        long duplicatesAccepted,
        long retriedRequests,
        Map<String, Long> responsesByStatus) {

    public static Map<String, Long> emptyFunnel() {
        Map<String, Long> f = new java.util.LinkedHashMap<>();
        for (String step : Journeys.FUNNEL) {
            f.put(step, 0L);
        }
        return f;
    }

    static Map<String, BigDecimal> sorted(Map<String, BigDecimal> m) {
        return new TreeMap<>(m);
    }
}
