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
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.site.WriteKeys;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Named;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.List;

/**
 * {@code POST /v1/events}: one canonical event or a JSON array of them, as application/json or text/plain (what
 * navigator.sendBeacon sends, so browsers need no CORS preflight). Answers 202 once Kafka has every event.
 */
@Path("/v1/events")
public class EventsResource {
    static final String ENDPOINT = "events";

    private final IngestService ingest;
    private final ObjectMapper json;
    private final GatewayMetrics metrics;
    private final int maxEventBytes;

    public EventsResource(IngestService ingest, @Named("events") ObjectMapper json, GatewayMetrics metrics, GatewayConfig config) {
        this.ingest = ingest;
        this.json = json;
        this.metrics = metrics;
        this.maxEventBytes = config.limits().maxEventBytes();
    }

    @POST
    public Uni<Response> post(@RestHeader("Authorization") String authorization, @RestHeader("X-Write-Key") String headerKey,
                              @RestQuery String writeKey, HttpServerRequest http, byte[] body) {
        Timer.Sample timer = metrics.startRequest();
        IngestRequest request = IngestRequest.from(ENDPOINT, WriteKeys.fromRequest(authorization, headerKey, writeKey), http);
        String userAgent = http.getHeader("User-Agent");
        return ingest.ingest(request, body, b -> read(b, userAgent))
                .map(outcome -> {
                    metrics.finishRequest(timer, ENDPOINT, outcome.status());
                    return Responses.json(outcome);
                });
    }

    private Readout read(byte[] body, String userAgent) {
        BodyReader.Read read = BodyReader.read(json, body);
        if (read instanceof BodyReader.Refused refused) {
            return Readout.refused(refused.rejection());
        }
        List<RawEvent> events = BodyReader.events(((BodyReader.Tree) read).node(), maxEventBytes);
        events.forEach(e -> fillUserAgent(e.node(), userAgent));
        return Readout.of(events);
    }

    /** Browser beacons come from the browser itself: its User-Agent header is the event's user agent. */
    static void fillUserAgent(JsonNode event, String userAgent) {
        if (userAgent == null || !(event instanceof ObjectNode object)) {
            return;
        }
        JsonNode context = object.get("context");
        if (context == null || context.isNull()) {
            object.putObject("context").put("user_agent", userAgent);
        } else if (context instanceof ObjectNode ctx && (!ctx.hasNonNull("user_agent"))) {
            ctx.put("user_agent", userAgent);
        }
    }
}
