package io.clickstream.gateway.resource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.ingest.IngestOutcome;
import io.clickstream.gateway.ingest.IngestRequest;
import io.clickstream.gateway.ingest.IngestResponse;
import io.clickstream.gateway.ingest.IngestService;
import io.clickstream.gateway.ingest.RequestBody;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.privacy.ClientAddress;
import io.clickstream.gateway.site.WriteKeys;
import io.clickstream.gateway.validation.RejectReason;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Singleton;
import jakarta.inject.Named;
import org.jboss.logging.Logger;

import java.util.function.Consumer;

/**
 * The HTTP side every ingest route shares. The ingest routes are plain Vert.x routes rather than JAX-RS
 * resources: they are the hot path, and the REST layer cost more CPU per beacon than validating it.
 */
@Singleton
public class IngestHttp {
    private static final Logger LOG = Logger.getLogger(IngestHttp.class);

    private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

    private final ObjectMapper json;
    private final ObjectWriter responses;
    private final GatewayMetrics metrics;
    private final int bodyLimit;
    private final int decodedBodyLimit;
    private final long bodyDeadlineMillis;
    private final ClientAddress clientAddress;

    public IngestHttp(@Named("events") ObjectMapper json, GatewayMetrics metrics, GatewayConfig config,
                      ClientAddress clientAddress) {
        this.clientAddress = clientAddress;
        this.json = json;
        this.responses = json.writerFor(IngestResponse.class);
        this.metrics = metrics;
        // Above our own limit, so bodies between the two are refused by IngestService with a reason and a count.
        this.bodyLimit = 2 * config.limits().maxBodyBytes();
        this.decodedBodyLimit = config.limits().maxBodyBytes();
        this.bodyDeadlineMillis = config.limits().bodyReadTimeout().toMillis();
    }

    /** The ingest API's paths: ours and Segment's under /v1/, and RudderStack's beacon path. */
    public static boolean isIngestPath(String path) {
        return path != null && (path.startsWith("/v1/") || path.startsWith("/beacon/v1/"));
    }

    /** Reads the whole body (bounded) before the route's handler runs. */
    public Handler<RoutingContext> bodyHandler() {
        return new IngestBodyHandler(bodyLimit, bodyDeadlineMillis);
    }

    /**
     * The ingest routes' failure handler. The body handler fails a request with 413 once its body passes
     * {@link #bodyHandler}'s limit, and with 408 when the body is not whole by its deadline: answered with a reason
     * and counted, like every refusal. Other failures go on.
     */
    public void bodyRefused(RoutingContext rc, String endpoint, IngestService ingest) {
        int status = rc.statusCode();
        if (status != 413 && status != 408 || rc.response().ended()) {
            rc.next();
            return;
        }
        if (status == 408 && rc.request().version() != HttpVersion.HTTP_2) {
            // The rest of the body may still come: the connection cannot carry another request.
            rc.response().putHeader(HttpHeaders.CONNECTION, "close").bodyEndHandler(v -> rc.request().connection().close());
        }
        RejectReason reason = status == 408 ? RejectReason.BODY_TIMEOUT : RejectReason.BODY_TOO_LARGE;
        respond(rc, endpoint, start(), ingest.refuseUnreadBody(request(endpoint, rc), reason), 202);
    }

    /** The write key from Basic auth, X-Write-Key or ?writeKey=, plus what else every endpoint needs. */
    public IngestRequest request(String endpoint, RoutingContext rc) {
        return request(endpoint, rc, writeKey(rc.request(), rc.request().getParam("writeKey")));
    }

    /** The write key from Basic auth or X-Write-Key, else {@code queryKey}. */
    public static String writeKey(HttpServerRequest http, String queryKey) {
        return WriteKeys.fromRequest(http.getHeader("Authorization"), http.getHeader("X-Write-Key"), queryKey);
    }

    public IngestRequest request(String endpoint, RoutingContext rc, String writeKey) {
        return IngestRequest.from(endpoint, writeKey, rc.request(), clientAddress.of(rc.request()));
    }

    /** The body {@link #bodyHandler} read, decompressed as its Content-Encoding says. */
    public RequestBody body(RoutingContext rc) {
        return RequestBody.encoded(rc.request().getHeader(HttpHeaders.CONTENT_ENCODING), IngestBodyHandler.body(rc),
                decodedBodyLimit);
    }

    /**
     * What {@link io.clickstream.gateway.ingest.IngestService#ingest} calls with the outcome: answers on the request's
     * own Vert.x context (its event loop), hopping there when the outcome comes from Kafka's I/O thread.
     */
    public Consumer<IngestOutcome> answer(RoutingContext rc, String endpoint, Timer.Sample timer, int successStatus) {
        return onContext(outcome -> respond(rc, endpoint, timer, outcome, successStatus));
    }

    /** {@code then}, run on the calling handler's Vert.x context whatever thread calls the returned consumer. */
    public static Consumer<IngestOutcome> onContext(Consumer<IngestOutcome> then) {
        Context context = Vertx.currentContext();
        if (context == null) {
            return then;
        }
        return outcome -> {
            if (Vertx.currentContext() == context) {
                then.accept(outcome);
            } else {
                context.runOnContext(v -> then.accept(outcome));
            }
        };
    }

    public Timer.Sample start() {
        return metrics.startRequest();
    }

    /** Answers with the outcome as JSON; successes get {@code successStatus} (202 for our API, 200 for Segment's). */
    public void respond(RoutingContext rc, String endpoint, Timer.Sample timer, IngestOutcome outcome, int successStatus) {
        if (rc.response().ended()) {
            return; // already answered (a 500 from an unexpected failure)
        }
        int status = outcome.successful() ? successStatus : outcome.status();
        metrics.finishRequest(timer, endpoint, status);
        byte[] body;
        try {
            body = responses.writeValueAsBytes(outcome.body());
        } catch (JsonProcessingException | RuntimeException e) {
            fail(rc, endpoint, timer, e);
            return;
        }
        HttpServerResponse response = rc.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
        headers(rc.request(), response, outcome);
        response.end(Buffer.buffer(body));
    }

    public static void headers(HttpServerRequest request, HttpServerResponse response, IngestOutcome outcome) {
        if (outcome.retryAfterSeconds() > 0) {
            response.putHeader("Retry-After", Integer.toString(outcome.retryAfterSeconds()));
            if (outcome.status() == 429) {
                // What Segment's SDKs read (seconds) to wait after a 429; without it they retry on their own timer.
                response.putHeader("X-RateLimit-Reset", Integer.toString(outcome.retryAfterSeconds()));
            }
        }
        if (outcome.status() == 401 && triedBasicAuth(request)) {
            response.putHeader("WWW-Authenticate", "Basic realm=\"clickstream\"");
        }
    }

    /**
     * Whether a 401 may carry a Basic challenge: only for a client that sent HTTP Basic credentials itself and is not a
     * browser. A browser answers a Basic challenge with a login dialog, which a site's visitor would see when a page
     * sends to the gateway through the site's own domain with a wrong or revoked write key. Browsers send
     * {@code Sec-Fetch-Mode} (secure origins, current browsers) or {@code Origin} (every POST) and scripts can set
     * neither; server SDKs and curl send neither.
     */
    static boolean triedBasicAuth(HttpServerRequest request) {
        String authorization = request.getHeader(HttpHeaders.AUTHORIZATION);
        return authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)
                && request.getHeader("Sec-Fetch-Mode") == null && request.getHeader(HttpHeaders.ORIGIN) == null;
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
