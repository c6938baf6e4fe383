package io.clickstream.gateway.ingest;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/** What every ingest endpoint knows about a request before reading its events. */
public record IngestRequest(String endpoint, String writeKey, String origin, String clientIp, String contentType) {

    public static IngestRequest from(String endpoint, String writeKey, HttpServerRequest http) {
        SocketAddress peer = http.remoteAddress();
        // A forwarded address that is no IP ("unknown", from some proxies) has no host address: its name still keys
        // the client's rate limit, and ClientIp keeps nothing of it.
        String ip = peer == null ? null : peer.hostAddress() != null ? peer.hostAddress() : peer.host();
        return new IngestRequest(endpoint, writeKey, http.getHeader("Origin"), ip, http.getHeader("Content-Type"));
    }
}
