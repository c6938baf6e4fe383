package io.clickstream.gateway.resource;

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
 * query {@link PixelQuery} reads the way browsers write it.
 */
@ApplicationScoped
public class RequestUriCheck {
    /** Quarkus's switch for its check (a system property, read once). */
    public static final String QUARKUS_URI_CHECK_OFF = "vertx.disableURIValidation";

    void register(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::check);
    }

    void check(RoutingContext rc) {
        if (PixelRoute.PATH.equals(rc.request().path()) || valid(rc.request().uri())) {
            rc.next();
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
