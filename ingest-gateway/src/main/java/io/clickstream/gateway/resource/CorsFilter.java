package io.clickstream.gateway.resource;

import io.clickstream.gateway.site.SiteRegistry;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.util.regex.Pattern;

/**
 * CORS for the ingest API, per the site registry: only origins some site allows get full CORS headers. The write key,
 * and with it the exact site, is checked later by the ingest pipeline (403 for an origin that site does not allow).
 * Another origin's requests are all refused, and may read that refusal: otherwise the browser hides the 403 from the
 * tracker as a network error, which it would retry for ever.
 */
@ApplicationScoped
public class CorsFilter {
    private static final String ALLOWED_HEADERS = "Content-Type, Authorization, X-Write-Key";
    /** Header names (RFC 9110 tokens) separated by commas, as browsers list them in a preflight. */
    private static final Pattern HEADER_LIST = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+(\\s*,\\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+)*");
    private static final int MAX_REQUESTED_HEADERS = 1024;

    private final SiteRegistry sites;

    public CorsFilter(SiteRegistry sites) {
        this.sites = sites;
    }

    void register(@Observes Filters filters) {
        filters.register(rc -> {
            String origin = rc.request().getHeader("Origin");
            String path = rc.normalizedPath();
            if (origin == null || !IngestHttp.isIngestPath(path)) {
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
                response.putHeader("Access-Control-Allow-Headers", allowedHeaders(rc.request().getHeader("Access-Control-Request-Headers")));
                response.putHeader("Vary", "Origin, Access-Control-Request-Headers");
                response.putHeader("Access-Control-Max-Age", "86400");
                response.setStatusCode(204).end();
                return;
            }
            response.putHeader("Access-Control-Expose-Headers", "Retry-After, X-RateLimit-Reset");
            rc.next();
        }, 100);
    }

    /**
     * The headers a preflight asks for, on top of ours. SDKs add headers of their own: analytics.js 2.0 sends
     * {@code X-Retry-Count} on every retry, RudderStack's browser SDK {@code AnonymousId} and {@code SentAt} on every
     * request. Refusing one fails the request as a network error, which the SDK retries until it drops the events.
     * Nothing a header carries grants access here (no cookies are read; the write key is public), so any is allowed.
     */
    static String allowedHeaders(String requested) {
        if (requested == null || requested.isBlank() || requested.length() > MAX_REQUESTED_HEADERS
                || !HEADER_LIST.matcher(requested.trim()).matches()) {
            return ALLOWED_HEADERS;
        }
        return ALLOWED_HEADERS + ", " + requested.trim();
    }
}
