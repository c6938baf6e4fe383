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
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.resource.Responses;
import io.clickstream.gateway.site.SiteRegistry;
import io.clickstream.gateway.site.WriteKeys;
import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpServerRequest;
import jakarta.inject.Named;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Segment's HTTP Tracking API ({@code /v1/batch}, {@code /v1/track}, {@code /v1/page}, {@code /v1/screen},
 * {@code /v1/identify}, {@code /v1/group}, {@code /v1/alias}): write key as HTTP Basic user name or {@code writeKey}
 * in the body. Answers 200 (what Segment's SDKs expect) once Kafka has every accepted event.
 */
@Path("/v1")
public class SegmentResource {
    static final String ENDPOINT = "segment";
    private static final Set<String> SINGLE_CALLS = Set.of("track", "page", "screen", "identify", "group", "alias");

    private final IngestService ingest;
    private final ObjectMapper json;
    private final GatewayMetrics metrics;
    private final SiteRegistry sites;
    private final int maxEventBytes;
    private final SegmentMapper mapper = new SegmentMapper();

    public SegmentResource(IngestService ingest, @Named("events") ObjectMapper json, GatewayMetrics metrics,
                           SiteRegistry sites, GatewayConfig config) {
        this.ingest = ingest;
        this.json = json;
        this.metrics = metrics;
        this.sites = sites;
        this.maxEventBytes = config.limits().maxEventBytes();
    }

    @POST
    @Path("batch")
    public Uni<Response> batch(@RestHeader("Authorization") String authorization, @RestQuery String writeKey,
                               HttpServerRequest http, byte[] body) {
        return handle(null, authorization, writeKey, http, body);
    }

    @POST
    @Path("{call: track|page|screen|identify|group|alias}")
    public Uni<Response> single(@PathParam("call") String call, @RestHeader("Authorization") String authorization,
                                @RestQuery String writeKey, HttpServerRequest http, byte[] body) {
        return handle(call, authorization, writeKey, http, body);
    }

    private Uni<Response> handle(String call, String authorization, String queryKey, HttpServerRequest http, byte[] body) {
        Timer.Sample timer = metrics.startRequest();
        BodyReader.Read read = BodyReader.read(json, body);
        String key = WriteKeys.fromRequest(authorization, http.getHeader("X-Write-Key"), queryKey);
        if (key == null && read instanceof BodyReader.Tree tree && tree.node().path("writeKey").isTextual()) {
            key = tree.node().path("writeKey").asText();
        }
        IngestRequest request = IngestRequest.from(ENDPOINT, key, http);
        String siteId = sites.byWriteKey(key).map(SiteRegistry.Site::id).orElse(null);
        return ingest.ingest(request, body, ignored -> readout(read, call, siteId))
                .map(outcome -> {
                    metrics.finishRequest(timer, ENDPOINT, outcome.status());
                    return respond(outcome);
                });
    }

    private Readout readout(BodyReader.Read read, String call, String siteId) {
        if (read instanceof BodyReader.Refused refused) {
            return Readout.refused(refused.rejection());
        }
        JsonNode body = ((BodyReader.Tree) read).node();
        if (call != null && SINGLE_CALLS.contains(call)) {
            return Readout.of(List.of(mapOne(0, body, call, siteId, null, null)));
        }
        JsonNode batch = body.path("batch");
        if (!batch.isArray()) {
            return Readout.refused(Rejection.of(RejectReason.UNMAPPABLE_MESSAGE, "a batch needs a 'batch' array of messages"));
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
            return RawEvent.of(index, mapper.map(message, call, siteId, sentAt, context), sized.raw());
        } catch (SegmentMapper.UnmappableException e) {
            return RawEvent.refused(index, sized.raw(), Rejection.of(RejectReason.UNMAPPABLE_MESSAGE, e.getMessage()));
        }
    }

    private static Response respond(IngestOutcome outcome) {
        if (outcome.successful()) {
            // Segment's SDKs check for 200; the body keeps our per-event detail.
            return Response.ok(outcome.body(), MediaType.APPLICATION_JSON_TYPE).build();
        }
        return Responses.json(outcome);
    }
}
