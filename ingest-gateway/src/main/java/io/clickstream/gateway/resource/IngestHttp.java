package io.clickstream.gateway.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.ingest.IngestOutcome;
import io.clickstream.gateway.ingest.IngestRequest;
import io.clickstream.gateway.ingest.IngestResponse;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.site.WriteKeys;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

/**
 * The HTTP side every ingest route shares. The ingest routes are plain Vert.x routes rather than JAX-RS
 * resources: they are the hot path, and the REST layer cost more CPU per beacon than validating it.
 */
@ApplicationScoped
public class IngestHttp {
    private static final Logger LOG = Logger.getLogger(IngestHttp.class);

    private final ObjectMapper json;
    private final GatewayMetrics metrics;
    private final int bodyLimit;

    public IngestHttp(@Named("events") ObjectMapper json, GatewayMetrics metrics, GatewayConfig config) {
        this.json = json;
        this.metrics = metrics;
        // Above our own limit, so bodies between the two are refused by IngestService with a reason and a count.
        this.bodyLimit = 2 * config.limits().maxBodyBytes();
    }

    /** Reads the whole body (bounded) before the route's handler runs. */
    public BodyHandler bodyHandler() {
        return BodyHandler.create(false).setBodyLimit(bodyLimit).setHandleFileUploads(false);
    }

    /** The write key from Basic auth, X-Write-Key or ?writeKey=, plus what else every endpoint needs. */
    public IngestRequest request(String endpoint, RoutingContext rc) {
        HttpServerRequest http = rc.request();
        String key = WriteKeys.fromRequest(http.getHeader("Authorization"), http.getHeader("X-Write-Key"), http.getParam("writeKey"));
        return request(endpoint, rc, key);
    }

    public IngestRequest request(String endpoint, RoutingContext rc, String writeKey) {
        return IngestRequest.from(endpoint, writeKey, rc.request());
    }

    public static byte[] body(RoutingContext rc) {
        Buffer buffer = rc.body().buffer();
        return buffer == null ? new byte[0] : buffer.getBytes();
    }

    public Timer.Sample start() {
        return metrics.startRequest();
    }

    /** Answers with the outcome as JSON; successes get {@code successStatus} (202 for our API, 200 for Segment's). */
    public void respond(RoutingContext rc, String endpoint, Timer.Sample timer, IngestOutcome outcome, int successStatus) {
        int status = outcome.successful() ? successStatus : outcome.status();
        metrics.finishRequest(timer, endpoint, status);
        HttpServerResponse response = rc.response().setStatusCode(status).putHeader("Content-Type", "application/json");
        headers(response, outcome);
        try {
            response.end(Buffer.buffer(json.writeValueAsBytes(outcome.body())));
        } catch (JsonProcessingException e) {
            fail(rc, endpoint, timer, e);
        }
    }

    public static void headers(HttpServerResponse response, IngestOutcome outcome) {
        if (outcome.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(outcome.retryAfterSeconds()));
        }
        if (outcome.status() == 401) {
            response.putHeader("WWW-Authenticate", "Basic realm=\"clickstream\"");
        }
    }

    /** An unexpected failure: a 500 without details (they go to the log, never the request body). */
    public void fail(RoutingContext rc, String endpoint, Timer.Sample timer, Throwable error) {
        LOG.errorf(error, "ingest failed on %s", endpoint);
        metrics.finishRequest(timer, endpoint, 500);
        if (!rc.response().ended()) {
            IngestResponse body = IngestResponse.failure("internal_error", "the gateway failed to process the request");
            try {
                rc.response().setStatusCode(500).putHeader("Content-Type", "application/json")
                        .end(Buffer.buffer(json.writeValueAsBytes(body)));
            } catch (JsonProcessingException e) {
                rc.response().setStatusCode(500).end();
            }
        }
    }
}
