package io.clickstream.gateway.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.ingest.BodyReader;
import io.clickstream.gateway.ingest.IngestOutcome;
import io.clickstream.gateway.ingest.IngestRequest;
import io.clickstream.gateway.ingest.IngestService;
import io.clickstream.gateway.ingest.IngestService.Readout;
import io.clickstream.gateway.ingest.RawEvent;
import io.clickstream.gateway.ingest.RequestBody;
import io.clickstream.gateway.resource.IngestHttp;
import io.clickstream.gateway.site.SiteRegistry;
import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;
import io.micrometer.core.instrument.Timer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Named;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Segment's HTTP Tracking API ({@code /v1/batch}, {@code /v1/track}, {@code /v1/page}, {@code /v1/screen},
 * {@code /v1/identify}, {@code /v1/group}, {@code /v1/alias}, the one-letter paths of analytics.js 2.0, and the batch
 * paths other SDKs use): write key as HTTP Basic user name, {@code writeKey} in the body or the query. Answers 200
 * (what Segment's SDKs expect) once Kafka has every accepted event.
 */
@ApplicationScoped
public class SegmentRoute {
    static final String ENDPOINT = "segment";
    static final List<String> SINGLE_CALLS = List.of("track", "page", "screen", "identify", "group", "alias");

    private final IngestService ingest;
    private final IngestHttp http;
    private final ObjectMapper json;
    private final SiteRegistry sites;
    private final int maxEventBytes;
    private final int maxEventsPerBatch;
    private final SegmentMapper mapper = new SegmentMapper();

    public SegmentRoute(IngestService ingest, IngestHttp http, @Named("events") ObjectMapper json, SiteRegistry sites,
                        GatewayConfig config) {
        this.ingest = ingest;
        this.http = http;
        this.json = json;
        this.sites = sites;
        this.maxEventBytes = config.limits().maxEventBytes();
        this.maxEventsPerBatch = config.limits().maxEventsPerBatch();
    }

    void register(@Observes Router router) {
        // Batches also come to /v1/import (Segment's Java and Ruby SDKs) and /beacon/v1/batch (RudderStack's browser
        // SDK with useBeacon, write key in the query).
        route(router, null, "/v1/batch", "/v1/b", "/v1/import", "/beacon/v1/batch");
        for (String call : SINGLE_CALLS) {
            // analytics.js 2.0 posts to the call type's first letter
            route(router, call, "/v1/" + call, "/v1/" + call.charAt(0));
        }
    }

    private void route(Router router, String call, String... paths) {
        for (String path : paths) {
            router.post(path).handler(http.bodyHandler()).handler(rc -> handle(rc, call))
                    .failureHandler(rc -> http.bodyRefused(rc, ENDPOINT, ingest));
        }
    }

    void handle(RoutingContext rc, String call) {
        Timer.Sample timer = http.start();
        try {
            handle(rc, call, timer);
        } catch (RuntimeException e) {
            http.fail(rc, ENDPOINT, timer, e);
        }
    }

    private void handle(RoutingContext rc, String call, Timer.Sample timer) {
        RequestBody body = http.body(rc);
        IngestRequest request = http.request(ENDPOINT, rc, IngestHttp.writeKey(rc.request(), rc.request().getParam("writeKey")));
        if (isForm(request.contentType())) {
            // Segment's API reads every body as JSON. RudderStack's Node SDK sends its gzip-compressed batches with
            // this type: its HTTP client's default for binary data.
            request = request.withContentType("application/json");
        }
        // The body is decoded and read once, by whichever needs it first: the write key in it, or the reader.
        Parsed parsed = new Parsed(body);
        String headerKey = request.writeKey();
        // Segment's SDKs check for 200
        Consumer<IngestOutcome> answer = http.answer(rc, ENDPOINT, timer, 200);
        ingest.ingest(request, body, ignored -> parsed.writeKey(),
                ignored -> readout(parsed.read(), call, siteId(headerKey != null ? headerKey : parsed.writeKey())),
                outcome -> answer.accept(asSegmentAnswers(outcome)));
    }

    private String siteId(String key) {
        return sites.byWriteKey(key).map(SiteRegistry.Site::id).orElse(null);
    }

    /** A Segment body, decoded and parsed on first use. */
    private final class Parsed {
        private final RequestBody body;
        private BodyReader.Read read;

        Parsed(RequestBody body) {
            this.body = body;
        }

        BodyReader.Read read() {
            if (read == null) {
                read = body.refusal() != null ? new BodyReader.Refused(body.refusal()) : BodyReader.read(json, body.bytes());
            }
            return read;
        }

        /** {@code writeKey} in the body, as Segment's server SDKs send it. */
        String writeKey() {
            return read() instanceof BodyReader.Tree tree && tree.node().path("writeKey").isTextual()
                    ? tree.node().path("writeKey").asText() : null;
        }
    }

    /**
     * Segment's API answers 200 to a batch it could read, whatever its messages hold. So does this route when every
     * message was refused on its own (each is kept as a dead letter, the body lists why): SDKs retry other answers,
     * RudderStack's Android SDK without end, holding back every newer event. Refusals of the whole request keep
     * their status.
     */
    static IngestOutcome asSegmentAnswers(IngestOutcome outcome) {
        boolean eachMessageRefused = outcome.body().rejected() > 0 && (outcome.status() == 400 || outcome.status() == 413);
        return eachMessageRefused ? new IngestOutcome(200, outcome.body()) : outcome;
    }

    static boolean isForm(String contentType) {
        return contentType != null && contentType.trim().toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded");
    }

    private Readout readout(BodyReader.Read read, String call, String siteId) {
        if (read instanceof BodyReader.Refused refused) {
            return Readout.refused(refused.rejection());
        }
        JsonNode body = ((BodyReader.Tree) read).node();
        if (call != null) {
            return Readout.of(List.of(mapOne(0, body, call, siteId, null, null)));
        }
        JsonNode batch = body.path("batch");
        if (!batch.isArray()) {
            return Readout.refused(Rejection.of(RejectReason.UNMAPPABLE_MESSAGE, "a batch needs a 'batch' array of messages"));
        }
        if (batch.size() > maxEventsPerBatch) {
            // Refused before mapping: a few hundred bytes of gzip can hold a hundred thousand empty messages.
            return Readout.refused(Rejection.of(RejectReason.TOO_MANY_EVENTS,
                    batch.size() + " events exceed the limit of " + maxEventsPerBatch + " per request"));
        }
        List<RawEvent> events = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            events.add(mapOne(i, batch.get(i), null, siteId, body.get("sentAt"), body.get("context")));
        }
        return Readout.of(events);
    }

    private RawEvent mapOne(int index, JsonNode message, String call, String siteId, JsonNode sentAt, JsonNode context) {
        RawEvent sized = BodyReader.sized(index, message, maxEventBytes);
        if (sized.rejection() != null) {
            return sized;
        }
        try {
            return RawEvent.of(index, mapper.map(message, call, siteId, sentAt, context, index), sized.raw())
                    .withNamedIp(SegmentMapper.endUserIp(message, context));
        } catch (SegmentMapper.UnmappableException e) {
            return RawEvent.refused(index, sized.raw(), Rejection.of(RejectReason.UNMAPPABLE_MESSAGE, e.getMessage()));
        }
    }
}
