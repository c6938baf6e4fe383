package io.clickstream.gateway.ingest;

import io.vertx.core.http.HttpServerRequest;

/** What every ingest endpoint knows about a request before reading its events. */
public record IngestRequest(String endpoint, String writeKey, String origin, String clientIp, String contentType) {

    public static IngestRequest from(String endpoint, String writeKey, HttpServerRequest http) {
        String ip = http.remoteAddress() == null ? null : http.remoteAddress().hostAddress();
        return new IngestRequest(endpoint, writeKey, http.getHeader("Origin"), ip, http.getHeader("Content-Type"));
    }
}
