package io.clickstream.gateway.resource;

import io.clickstream.gateway.site.SiteRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * CORS for the ingest API, per the site registry: only origins some site allows get full CORS headers. The write key,
 * and with it the exact site, is checked later by the ingest pipeline (403 for an origin that site does not allow).
 * Another origin's requests are all refused, and may read that refusal: otherwise the browser hides the 403 from the
 * tracker as a network error, which it would retry for ever.
 */
@ApplicationScoped
public class CorsFilter {
    private static final String ALLOWED_HEADERS = "Content-Type, Authorization, X-Write-Key";

    private final SiteRegistry sites;

    public CorsFilter(SiteRegistry sites) {
        this.sites = sites;
    }

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String origin = rc.request().getHeader("Origin");
            String path = rc.normalizedPath();
            if (origin == null || !path.startsWith("/v1/")) {
                rc.next();
                return;
            }
            if (!sites.anySiteAllows(origin)) {
                if (rc.request().method() != HttpMethod.OPTIONS) {
                    rc.response().putHeader("Access-Control-Allow-Origin", origin).putHeader("Vary", "Origin");
                }
                rc.next();
                return;
            }
            HttpServerResponse response = rc.response();
            response.putHeader("Access-Control-Allow-Origin", origin);
            response.putHeader("Vary", "Origin");
            response.putHeader("Access-Control-Allow-Credentials", "true");
            if (rc.request().method() == HttpMethod.OPTIONS && rc.request().getHeader("Access-Control-Request-Method") != null) {
                response.putHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
                response.putHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
                response.putHeader("Access-Control-Max-Age", "86400");
                response.setStatusCode(204).end();
                return;
            }
            response.putHeader("Access-Control-Expose-Headers", "Retry-After, X-RateLimit-Reset");
            rc.next();
        }, 100);
    }
}
