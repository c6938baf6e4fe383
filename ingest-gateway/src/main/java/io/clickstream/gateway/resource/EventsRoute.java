package io.clickstream.gateway.resource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.ingest.BodyReader;
import io.clickstream.gateway.ingest.IngestRequest;
import io.clickstream.gateway.ingest.IngestService;
import io.clickstream.gateway.ingest.IngestService.Readout;
import io.clickstream.gateway.ingest.RawEvent;
import io.clickstream.gateway.ingest.UserAgents;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;

import java.util.List;

/**
 * {@code POST /v1/events}: one canonical event or a JSON array of them, as application/json or text/plain (what
 * navigator.sendBeacon sends, so browsers need no CORS preflight). Answers 202 once Kafka has every event.
 */
@ApplicationScoped
public class EventsRoute {
    static final String ENDPOINT = "events";

    private final IngestService ingest;
    private final IngestHttp http;
    private final ObjectMapper json;
    private final int maxEventBytes;
    private final int maxEventsPerBatch;

    public EventsRoute(IngestService ingest, IngestHttp http, @Named("events") ObjectMapper json, GatewayConfig config) {
        this.ingest = ingest;
        this.http = http;
        this.json = json;
        this.maxEventBytes = config.limits().maxEventBytes();
        this.maxEventsPerBatch = config.limits().maxEventsPerBatch();
    }

    void register(@Observes Router router) {
        router.post("/v1/events").handler(http.bodyHandler()).handler(this::handle)
                .failureHandler(rc -> http.bodyRefused(rc, ENDPOINT, ingest));
    }

    void handle(RoutingContext rc) {
        Timer.Sample timer = http.start();
        try {
            IngestRequest request = http.request(ENDPOINT, rc);
            String userAgent = rc.request().getHeader("User-Agent");
            ingest.ingest(request, http.body(rc), body -> read(body, userAgent), http.answer(rc, ENDPOINT, timer, 202));
        } catch (RuntimeException e) {
            http.fail(rc, ENDPOINT, timer, e);
        }
    }

    private Readout read(byte[] body, String userAgent) {
        BodyReader.Events read = BodyReader.readEvents(json, body, maxEventBytes, maxEventsPerBatch);
        if (read.rejection() != null) {
            return Readout.refused(read.rejection());
        }
        List<RawEvent> events = read.events();
        for (int i = 0, n = events.size(); i < n; i++) {
            fillUserAgent(events.get(i).node(), userAgent);
        }
        return Readout.of(events);
    }

    /** Browser beacons come from the browser itself: its User-Agent header is the event's user agent. */
    static void fillUserAgent(JsonNode event, String header) {
        if (header == null || !(event instanceof ObjectNode object)) {
            return;
        }
        String userAgent = UserAgents.bounded(header);
        JsonNode context = object.get("context");
        if (context == null || context.isNull()) {
            object.putObject("context").put("user_agent", userAgent);
        } else if (context instanceof ObjectNode ctx && !ctx.hasNonNull("user_agent")) {
            ctx.put("user_agent", userAgent);
        }
    }
}
