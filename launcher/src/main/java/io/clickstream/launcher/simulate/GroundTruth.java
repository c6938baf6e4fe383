package io.clickstream.launcher.simulate;

import java.math.BigDecimal;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the simulator knows it produced, for checking the pipeline's numbers. Counts of the silver layer are of
 * events the gateway accepted, once per event id, that pass the silver rules; sessions, funnel and revenue are of
 * non-bot visitors within the lateness bound.
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
        BigDecimal revenue) {

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
