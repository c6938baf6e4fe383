package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** The JSON answer of every ingest endpoint: per-request counts and, for refused events, index and reason. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record IngestResponse(int accepted, int rejected, List<Error> errors, String message) {

    public record Error(Integer index, String reason, String message) {
    }

    public static IngestResponse failure(String reason, String message) {
        return new IngestResponse(0, 0, List.of(new Error(null, reason, message)), message);
    }
}
