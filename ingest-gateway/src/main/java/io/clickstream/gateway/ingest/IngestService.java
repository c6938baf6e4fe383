package io.clickstream.gateway.ingest;

import io.clickstream.contract.DeadLetter;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.privacy.ClientIp;
import io.clickstream.gateway.publishing.EventPublisher;
import io.clickstream.gateway.ratelimit.RateLimiter;
import io.clickstream.gateway.site.SiteRegistry;
import io.clickstream.gateway.site.SiteRegistry.Site;
import io.clickstream.gateway.validation.EventValidator;
import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;
import io.clickstream.gateway.validation.ValidEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The pipeline every ingest endpoint shares: authenticate the write key, check origin, rate limits, content
 * type and size, validate each event, publish the accepted ones and dead-letter the refused ones, and answer
 * only after Kafka has acknowledged all of it.
 */
@ApplicationScoped
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);
    private static final int MAX_DEAD_LETTER_PAYLOAD = 65_536;

    private final SiteRegistry sites;
    private final RateLimiter rateLimiter;
    private final EventValidator validator;
    private final EventPublisher publisher;
    private final GatewayMetrics metrics;
    private final ClientIp clientIp;
    private final GatewayConfig config;

    public IngestService(SiteRegistry sites, RateLimiter rateLimiter, EventValidator validator, EventPublisher publisher,
                         GatewayMetrics metrics, ClientIp clientIp, GatewayConfig config) {
        this.sites = sites;
        this.rateLimiter = rateLimiter;
        this.validator = validator;
        this.publisher = publisher;
        this.metrics = metrics;
        this.clientIp = clientIp;
        this.config = config;
    }

    /**
     * Runs the whole pipeline. {@code reader} turns the body into events for this endpoint's format; it runs only
     * after the request is authenticated, allowed and within the size limit.
     */
    public Uni<IngestOutcome> ingest(IngestRequest request, byte[] body, Function<byte[], Readout> reader) {
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int size = body == null ? 0 : body.length;
        metrics.payload(size);

        long ipWait = rateLimiter.checkIp(request.clientIp());
        if (ipWait > 0) {
            metrics.rateLimited("ip");
            metrics.rejected(GatewayMetrics.UNKNOWN_SITE, RejectReason.RATE_LIMITED, 1);
            return done(refuse(RejectReason.RATE_LIMITED, "too many requests from this address", ipWait));
        }
        Site site = sites.byWriteKey(request.writeKey()).orElse(null);
        if (site == null) {
            metrics.rejected(GatewayMetrics.UNKNOWN_SITE, RejectReason.UNAUTHORIZED, 1);
            return done(refuse(RejectReason.UNAUTHORIZED, request.writeKey() == null
                    ? "missing write key: send it as the HTTP Basic user name, an X-Write-Key header or a writeKey query parameter"
                    : "unknown write key", 0));
        }
        if (!site.allowsOrigin(request.origin())) {
            metrics.rejected(site.id(), RejectReason.ORIGIN_NOT_ALLOWED, 1);
            return done(refuse(RejectReason.ORIGIN_NOT_ALLOWED, "origin " + request.origin() + " is not allowed for this site", 0));
        }
        if (!acceptedMediaType(request.contentType())) {
            return refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.UNSUPPORTED_MEDIA_TYPE,
                    "content type " + request.contentType() + " is not supported: send application/json or text/plain"));
        }
        if (size > config.limits().maxBodyBytes()) {
            return refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.BODY_TOO_LARGE,
                    "body of " + size + " bytes exceeds the limit of " + config.limits().maxBodyBytes()));
        }
        Readout readout = reader.apply(body);
        if (readout.rejection() != null) {
            return refuseWhole(site, request, receivedAt, body, readout.rejection());
        }
        List<RawEvent> raw = readout.events();
        if (raw.size() > config.limits().maxEventsPerBatch()) {
            return refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.TOO_MANY_EVENTS,
                    raw.size() + " events exceed the limit of " + config.limits().maxEventsPerBatch() + " per request"));
        }
        long siteWait = rateLimiter.checkSite(site.id(), raw.size());
        if (siteWait > 0) {
            metrics.rateLimited("site");
            metrics.rejected(site.id(), RejectReason.RATE_LIMITED, raw.size());
            return done(refuse(RejectReason.RATE_LIMITED, "this site sends more events than its rate limit", siteWait));
        }
        return validateAndPublish(site, request, receivedAt, raw);
    }

    /** What an endpoint's reader made of the body: events, or one rejection for the whole body. */
    public record Readout(List<RawEvent> events, Rejection rejection) {
        public static Readout of(List<RawEvent> events) {
            return new Readout(events, null);
        }

        public static Readout refused(Rejection rejection) {
            return new Readout(List.of(), rejection);
        }
    }

    private Uni<IngestOutcome> validateAndPublish(Site site, IngestRequest request, Instant receivedAt, List<RawEvent> raw) {
        metrics.received(site.id(), raw.size());
        String ip = clientIp.anonymize(request.clientIp());
        List<ValidEvent> accepted = new ArrayList<>(raw.size());
        List<IngestResponse.Error> errors = new ArrayList<>();
        List<Uni<Void>> sends = new ArrayList<>(2);
        List<DeadLetter> letters = new ArrayList<>();
        for (RawEvent event : raw) {
            Rejection rejection = event.rejection();
            if (rejection == null) {
                EventValidator.Result result = validator.validate(event.node(), site, receivedAt, ip);
                if (result.event() != null) {
                    accepted.add(result.event());
                    continue;
                }
                rejection = result.rejection();
            }
            errors.add(new IngestResponse.Error(event.index(), rejection.reason().code(), rejection.message()));
            metrics.rejected(site.id(), rejection.reason(), 1);
            letters.add(deadLetter(site, request, receivedAt, event.index(), rejection, event.raw()));
        }
        sends.add(publisher.publish(accepted));
        for (DeadLetter letter : letters) {
            sends.add(publisher.deadLetter(letter).invoke(() -> metrics.deadLettered(site.id(), RejectReason.valueOf(
                    letter.reason().toUpperCase(Locale.ROOT)))));
        }
        int acceptedCount = accepted.size();
        int rejectedCount = errors.size();
        return awaitAcks(request, sends).map(ok -> {
            if (!ok) {
                return unavailable(request);
            }
            metrics.accepted(site.id(), acceptedCount);
            int status = acceptedCount == 0 && rejectedCount > 0 ? statusFor(errors) : 202;
            return new IngestOutcome(status, new IngestResponse(acceptedCount, rejectedCount, errors, null));
        });
    }

    private Uni<IngestOutcome> refuseWhole(Site site, IngestRequest request, Instant receivedAt, byte[] body, Rejection rejection) {
        metrics.rejected(site.id(), rejection.reason(), 1);
        String raw = body == null ? "" : new String(body, 0, Math.min(body.length, MAX_DEAD_LETTER_PAYLOAD), StandardCharsets.UTF_8);
        DeadLetter letter = deadLetter(site, request, receivedAt, null, rejection, raw);
        return awaitAcks(request, List.of(publisher.deadLetter(letter))).map(ok -> {
            if (!ok) {
                return unavailable(request);
            }
            metrics.deadLettered(site.id(), rejection.reason());
            return refuse(rejection.reason(), rejection.message(), 0);
        });
    }

    /** True when every send was acknowledged in time; false (503) on a Kafka failure, a full buffer or a timeout. */
    private Uni<Boolean> awaitAcks(IngestRequest request, List<Uni<Void>> sends) {
        Uni<Void> all = sends.size() == 1 ? sends.get(0) : Uni.join().all(sends).andCollectFailures().replaceWithVoid();
        return all.ifNoItem().after(config.kafka().publishTimeout()).fail()
                .onItem().transform(x -> true)
                .onFailure().recoverWithItem(failure -> {
                    LOG.debugf("publish failed for %s: %s", request.endpoint(), failure.toString());
                    return false;
                });
    }

    private IngestOutcome unavailable(IngestRequest request) {
        metrics.unavailable(request.endpoint());
        int retry = config.kafka().retryAfterSeconds();
        return new IngestOutcome(503, IngestResponse.failure("unavailable",
                "events could not be stored durably right now; retry after " + retry + " s"), retry);
    }

    private DeadLetter deadLetter(Site site, IngestRequest request, Instant receivedAt, Integer index, Rejection rejection, String raw) {
        return new DeadLetter(site.id(), rejection.reason().code(), rejection.message(), request.endpoint(), index, receivedAt, raw);
    }

    private static int statusFor(List<IngestResponse.Error> errors) {
        boolean allTooLarge = errors.stream().allMatch(e -> RejectReason.EVENT_TOO_LARGE.code().equals(e.reason()));
        return allTooLarge ? 413 : 400;
    }

    private static IngestOutcome refuse(RejectReason reason, String message, long retryAfter) {
        return new IngestOutcome(reason.status(), IngestResponse.failure(reason.code(), message), (int) retryAfter);
    }

    private static Uni<IngestOutcome> done(IngestOutcome outcome) {
        return Uni.createFrom().item(outcome);
    }

    static boolean acceptedMediaType(String contentType) {
        if (contentType == null) {
            return true; // curl -d without -H and some beacons: read it as JSON
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("text/plain") || type.isEmpty();
    }
}
