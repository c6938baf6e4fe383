package io.clickstream.launcher.simulate;

import io.clickstream.contract.ClickEvent;

/**
 * One event the simulator will send: to which visitor, when (ms after the start), and what the pipeline should
 * make of it.
 */
record PlannedEvent(String visitor, long sendAtMs, ClickEvent event, Kind kind, boolean bot) {

    enum Kind {
        /** A good event: it reaches silver and counts in gold. */
        VALID,
        /** Breaks the contract: the gateway refuses it (and dead-letters it). */
        GATEWAY_INVALID,
        /** Passes the gateway, breaks a silver rule (negative price): quarantined. */
        QUARANTINE,
        /** Happened hours ago: lands in silver as late, too late for gold's windows and sessions. */
        TOO_LATE
    }
}
