package io.clickstream.gateway.ingest;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * The JSON answer of every ingest endpoint: per-request counts and, for refused events, index and reason. An answer
 * that refuses the whole request also carries {@code code} and {@code message}, the fields Segment's API errors have:
 * Segment's and RudderStack's Python SDKs read both to tell a refusal they should give up on from one to retry.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record IngestResponse(int accepted, int rejected, List<Error> errors, String code, String message) {

    public record Error(Integer index, String reason, String message) {
    }

    public static IngestResponse failure(String reason, String message) {
        return new IngestResponse(0, 0, List.of(new Error(null, reason, message)), reason, message);
    }

    /** Some events accepted and some refused; or, with none accepted, a refusal named after the first event's. */
    public static IngestResponse of(int accepted, List<Error> errors) {
        if (accepted > 0 || errors.isEmpty()) {
            return new IngestResponse(accepted, errors.size(), errors, null, null);
        }
        Error first = errors.get(0);
        String message = errors.size() == 1 ? first.message()
                : "all " + errors.size() + " events were refused; the first: " + first.message();
        return new IngestResponse(0, errors.size(), errors, first.reason(), message);
    }
}
