package io.clickstream.gateway.ingest;

/** HTTP status, body and Retry-After (seconds, 0 for none) of a finished ingest request. */
public record IngestOutcome(int status, IngestResponse body, int retryAfterSeconds) {

    public IngestOutcome(int status, IngestResponse body) {
        this(status, body, 0);
    }

    public boolean successful() {
        return status >= 200 && status < 300;
    }
}
