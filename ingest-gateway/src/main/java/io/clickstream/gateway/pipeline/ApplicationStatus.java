package io.clickstream.gateway.pipeline;

import java.time.Instant;

/**
 * One medallion application as {@code GET /pipeline} shows it.
 *
 * @param state            the operator's application state (RUNNING, COMPLETED, FAILED, ...), UNKNOWN before it set one
 * @param driverPodPresent whether the driver pod the status names exists; null while no driver is named
 * @param restarts         resubmissions by the supervisor, kept on the application itself so they survive restarts
 * @param problem          why the supervisor considers the application down, or null
 * @param nextResubmission when the supervisor will resubmit it if nothing changes, or null
 */
public record ApplicationStatus(
        String application,
        String layer,
        String state,
        String errorMessage,
        Instant submissionTime,
        int submissionAttempts,
        int executionAttempts,
        String driverPod,
        Boolean driverPodPresent,
        int restarts,
        Instant lastRestart,
        String problem,
        Instant nextResubmission) {

    public boolean running() {
        return "RUNNING".equals(state) && !Boolean.FALSE.equals(driverPodPresent);
    }
}
