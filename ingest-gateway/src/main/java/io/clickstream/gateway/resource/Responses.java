package io.clickstream.gateway.resource;

import io.clickstream.gateway.ingest.IngestOutcome;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** Turns an {@link IngestOutcome} into the HTTP answer. */
public final class Responses {
    private Responses() {
    }

    public static Response json(IngestOutcome outcome) {
        Response.ResponseBuilder r = Response.status(outcome.status()).entity(outcome.body()).type(MediaType.APPLICATION_JSON_TYPE);
        if (outcome.retryAfterSeconds() > 0) {
            r.header("Retry-After", outcome.retryAfterSeconds());
        }
        if (outcome.status() == 401) {
            r.header("WWW-Authenticate", "Basic realm=\"clickstream\"");
        }
        return r.build();
    }
}
