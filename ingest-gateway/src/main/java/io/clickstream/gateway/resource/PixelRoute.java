package io.clickstream.gateway.resource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.gateway.ingest.BodyReader;
import io.clickstream.gateway.ingest.IngestOutcome;
import io.clickstream.gateway.ingest.IngestRequest;
import io.clickstream.gateway.ingest.IngestService;
import io.clickstream.gateway.ingest.IngestService.Readout;
import io.clickstream.gateway.ingest.RawEvent;
import io.clickstream.gateway.ingest.RequestBody;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.privacy.DailyVisitorId;
import io.clickstream.gateway.site.SiteRegistry;
import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/p.gif}: a 1x1 transparent GIF for clients without JavaScript (noscript tags, e-mails). The event
 * comes either whole as base64url JSON in {@code data}, or as flat query parameters named like the contract's
 * fields ({@code event_type}, {@code anonymous_id}, {@code url}, {@code title}, {@code referrer}, ...).
 * An event without {@code anonymous_id} gets the visitor's {@link DailyVisitorId}: where a pixel is used, there is
 * usually no script to keep an id. Answers 200 with the image once Kafka has the event; refusals still carry the
 * image, with their reason in the {@code X-Clickstream-Error} header.
 */
@ApplicationScoped
public class PixelRoute {
    static final String ENDPOINT = "pixel";
    static final String PATH = "/v1/p.gif";
    static final Buffer GIF = Buffer.buffer(Base64.getDecoder().decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"));
    private static final List<String> TOP_LEVEL = List.of("event_id", "event_type", "site_id", "anonymous_id", "user_id",
            "session_id", "occurred_at", "sent_at");
    private static final List<String> PAGE = List.of("url", "path", "title", "referrer");

    private final IngestService ingest;
    private final IngestHttp http;
    private final ObjectMapper json;
    private final GatewayMetrics metrics;
    private final SiteRegistry sites;
    private final DailyVisitorId visitorIds;

    public PixelRoute(IngestService ingest, IngestHttp http, @Named("events") ObjectMapper json, GatewayMetrics metrics,
                      SiteRegistry sites, DailyVisitorId visitorIds) {
        this.ingest = ingest;
        this.http = http;
        this.json = json;
        this.metrics = metrics;
        this.sites = sites;
        this.visitorIds = visitorIds;
    }

    void register(@Observes Router router) {
        router.get(PATH).handler(this::handle);
    }

    void handle(RoutingContext rc) {
        Timer.Sample timer = http.start();
        try {
            // Read leniently: pixel URLs are written by hand, and browsers send them as written (RequestUriCheck).
            Map<String, String> query = PixelQuery.parse(rc.request().query());
            IngestRequest request = http.request(ENDPOINT, rc, IngestHttp.writeKey(rc.request(), query.get("writeKey")));
            byte[] sent = rc.request().query() == null ? new byte[0] : rc.request().query().getBytes(StandardCharsets.UTF_8);
            String userAgent = rc.request().getHeader("User-Agent");
            byte[] data = decodedData(query);
            // A refused pixel's dead letter keeps the event of its base64 data decoded, so that an "ip" member in it is
            // anonymized as in every dead letter (in base64 it would be kept as sent); else its query as sent.
            RequestBody body = RequestBody.keptAs(sent.length, data != null ? data : sent);
            ingest.ingest(request, body, ignored -> read(query, data, request, userAgent), IngestHttp.onContext(outcome -> {
                try {
                    respond(rc, timer, outcome);
                } catch (RuntimeException e) {
                    http.fail(rc, ENDPOINT, timer, e);
                }
            }));
        } catch (RuntimeException e) {
            http.fail(rc, ENDPOINT, timer, e);
        }
    }

    private void respond(RoutingContext rc, Timer.Sample timer, IngestOutcome outcome) {
        if (rc.response().ended()) {
            return; // already answered (a 500 from an unexpected failure)
        }
        int status = outcome.successful() ? 200 : outcome.status();
        HttpServerResponse response = rc.response().setStatusCode(status)
                .putHeader("Content-Type", "image/gif")
                .putHeader("Cache-Control", "no-store, max-age=0");
        if (!outcome.body().errors().isEmpty()) {
            var first = outcome.body().errors().get(0);
            response.putHeader("X-Clickstream-Error", headerValue(first.reason() + ": " + first.message()));
        }
        IngestHttp.headers(rc.request(), response, outcome);
        metrics.finishRequest(timer, ENDPOINT, status);
        response.end(GIF);
    }

    /**
     * Messages may quote what the client sent (a site id, a field): anything but printable ASCII becomes {@code ?}, so
     * the header is valid and cannot be split, and it stays short.
     */
    static String headerValue(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 300));
        for (int i = 0; i < text.length() && out.length() < 300; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    private static boolean blank(String value) {
        return value == null || value.isEmpty();
    }

    /** The event a pixel carries as base64url {@code data}, decoded; null without data or when it is not base64url. */
    static byte[] decodedData(Map<String, String> query) {
        String data = query.get("data");
        if (data == null) {
            return null;
        }
        try {
            return Base64.getUrlDecoder().decode(data);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Runs once the request's write key named a site. */
    private Readout read(Map<String, String> query, byte[] decoded, IngestRequest request, String userAgent) {
        ObjectNode event;
        if (query.get("data") != null) {
            if (decoded == null) {
                return Readout.refused(Rejection.of(RejectReason.MALFORMED_JSON, "data is not base64url"));
            }
            BodyReader.Read read = BodyReader.read(json, decoded);
            if (read instanceof BodyReader.Refused refused) {
                return Readout.refused(refused.rejection());
            }
            if (!(((BodyReader.Tree) read).node() instanceof ObjectNode node)) {
                return Readout.refused(Rejection.of(RejectReason.INVALID_EVENT, "data must hold one JSON object"));
            }
            event = node;
        } else {
            // A parameter left empty (a blank merge field of an e-mail) is absent, as if it were not written.
            event = json.createObjectNode();
            for (String field : TOP_LEVEL) {
                if (!blank(query.get(field))) {
                    event.put(field, query.get(field));
                }
            }
            for (String field : PAGE) {
                if (!blank(query.get(field))) {
                    ObjectNode page = event.has("page") ? (ObjectNode) event.get("page") : event.putObject("page");
                    page.put(field, query.get(field));
                }
            }
            if (!event.has("event_type")) {
                event.put("event_type", "page_view");
            }
        }
        if (!event.has("occurred_at")) {
            // A pixel fires when it happens: the server's clock is the event's clock. A sent_at of the client's clock
            // beside it would make the skew correction subtract one clock from the other.
            event.put("occurred_at", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
            event.remove("sent_at");
        }
        if (!event.hasNonNull("anonymous_id")) {
            event.put("anonymous_id", visitorIds.of(sites.site(request.writeKey()).id(), request.clientIp(), userAgent));
        }
        EventsRoute.fillUserAgent(event, userAgent);
        return Readout.of(List.of(RawEvent.of(0, event, event.toString())));
    }
}
