package io.clickstream.gateway.resource;

import io.clickstream.gateway.ingest.IngestOutcome;
import io.clickstream.gateway.ingest.IngestResponse;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.validation.RejectReason;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Quarkus answers an empty 400, before any route and counted nowhere, to a request whose URI {@link URI} refuses.
 * Browsers leave {@code | { } ^ ` \} and a stray {@code %} unescaped in a query, so a hand-written pixel such as
 * {@code <img src=".../v1/p.gif?...&title=Shoes | Shop">} was lost that way. {@link io.clickstream.gateway.GatewayMain}
 * turns Quarkus's check off and this route, first on the router, puts it back for every path but the pixel's, whose
 * query {@link PixelQuery} reads the way browsers write it. An ingest call it refuses gets a reason and is counted.
 */
@ApplicationScoped
public class RequestUriCheck {
    /** Quarkus's switch for its check (a system property, read once). */
    public static final String QUARKUS_URI_CHECK_OFF = "vertx.disableURIValidation";
    static final String ENDPOINT = "malformed_uri";

    private final IngestHttp http;
    private final GatewayMetrics metrics;

    public RequestUriCheck(IngestHttp http, GatewayMetrics metrics) {
        this.http = http;
        this.metrics = metrics;
    }

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    void check(RoutingContext rc) {
        String path = rc.request().path();
        if (PixelRoute.PATH.equals(path) || valid(rc.request().uri())) {
            rc.next();
        } else if (IngestHttp.isIngestPath(path)) {
            // An ingest call: refused with a reason and counted, like every refusal (the write key is unreadable).
            metrics.rejected(GatewayMetrics.UNKNOWN_SITE, RejectReason.MALFORMED_URI, 1);
            http.respond(rc, ENDPOINT, http.start(), new IngestOutcome(400, IngestResponse.failure(RejectReason.MALFORMED_URI.code(),
                    "the request URI is not valid: percent-encode query values (e.g. with encodeURIComponent)")), 400);
        } else {
            rc.response().setStatusCode(400).end();
        }
    }

    static boolean valid(String uri) {
        try {
            new URI(uri);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }
}
