package io.clickstream.gateway.ingest;

import io.vertx.core.http.HttpServerRequest;

/**
 * What every ingest endpoint knows about a request before reading its events. {@code clientIp} is raw (see
 * {@link io.clickstream.gateway.privacy.ClientAddress}): it keys the per-address rate limit and is kept only as
 * {@link io.clickstream.gateway.privacy.ClientIp} keeps addresses.
 */
public record IngestRequest(String endpoint, String writeKey, String origin, String clientIp, String contentType) {

    public static IngestRequest from(String endpoint, String writeKey, HttpServerRequest http, String clientIp) {
        return new IngestRequest(endpoint, writeKey, http.getHeader("Origin"), clientIp, http.getHeader("Content-Type"));
    }

    public IngestRequest withWriteKey(String key) {
        return new IngestRequest(endpoint, key, origin, clientIp, contentType);
    }

    public IngestRequest withContentType(String type) {
        return new IngestRequest(endpoint, writeKey, origin, clientIp, type);
    }
}
