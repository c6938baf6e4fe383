package io.clickstream.gateway.ingest;

import io.clickstream.contract.DeadLetter;
import io.quarkus.arc.ClientProxy;
import io.clickstream.gateway.config.GatewayConfig;
import io.clickstream.gateway.metrics.GatewayMetrics;
import io.clickstream.gateway.privacy.ClientIp;
import io.clickstream.gateway.publishing.AckDeadlines;
import io.clickstream.gateway.publishing.Acks;
import io.clickstream.gateway.publishing.EventPublisher;
import io.clickstream.gateway.ratelimit.RateLimiter;
import io.clickstream.gateway.site.SiteRegistry;
import io.clickstream.gateway.site.SiteRegistry.Site;
import io.clickstream.gateway.validation.EventValidator;
import io.clickstream.gateway.validation.RejectReason;
import io.clickstream.gateway.validation.Rejection;
import io.clickstream.gateway.validation.ValidEvent;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The pipeline every ingest endpoint shares: authenticate the write key, check origin, rate limits, content
 * type and size, validate each event, publish the accepted ones and dead-letter the refused ones, and answer
 * only after Kafka has acknowledged all of it.
 */
@Singleton
public class IngestService {
    private static final Logger LOG = Logger.getLogger(IngestService.class);
    private static final int MAX_DEAD_LETTER_PAYLOAD = 65_536;

    private final SiteRegistry sites;
    private final RateLimiter rateLimiter;
    private final EventValidator validator;
    private final EventPublisher publisherProxy;
    /** The bean itself, not its client proxy: resolved on first use, once the messaging channels are connected. */
    private volatile EventPublisher publisher;
    private final GatewayMetrics metrics;
    private final ClientIp clientIp;
    private final GatewayConfig config;
    private final AckDeadlines deadlines;

    public IngestService(SiteRegistry sites, RateLimiter rateLimiter, EventValidator validator, EventPublisher publisher,
                         GatewayMetrics metrics, ClientIp clientIp, GatewayConfig config, AckDeadlines deadlines) {
        this.deadlines = deadlines;
        this.sites = sites;
        this.rateLimiter = rateLimiter;
        this.validator = validator;
        this.publisherProxy = publisher;
        this.metrics = metrics;
        this.clientIp = clientIp;
        this.config = config;
    }

    /**
     * Runs the whole pipeline and hands the outcome to {@code answer}, exactly once: right away for a request refused
     * before anything is sent, otherwise once Kafka has acknowledged every record (or failed, or the publish timeout
     * passed) &mdash; then on the producer's I/O thread or the deadline sweeper, so {@code answer} must hop back to
     * the request's own thread itself. {@code reader} turns the body into events for this endpoint's format; it runs
     * only after the request is authenticated, allowed and within the size limit.
     */
    public void ingest(IngestRequest request, RequestBody body, Function<byte[], Readout> reader, Consumer<IngestOutcome> answer) {
        ingest(request, body, null, reader, answer);
    }

    /**
     * {@link #ingest(IngestRequest, RequestBody, Function, Consumer)} for a request whose write key may be in its body
     * (Segment's server SDKs put it there): {@code keyInBody} finds it, once the request passed the per-address rate
     * limit, when the request had none in its headers or query.
     */
    public void ingest(IngestRequest request, RequestBody body, Function<RequestBody, String> keyInBody,
                       Function<byte[], Readout> reader, Consumer<IngestOutcome> answer) {
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        int size = body.wireLength();
        metrics.payload(size);

        long ipWait = rateLimiter.checkIp(request.clientIp());
        if (ipWait > 0) {
            metrics.rateLimited("ip");
            metrics.rejected(GatewayMetrics.UNKNOWN_SITE, RejectReason.RATE_LIMITED, 1);
            answer.accept(refuse(RejectReason.RATE_LIMITED, "too many requests from this address", ipWait));
            return;
        }
        if (request.writeKey() == null && keyInBody != null) {
            if (size > config.limits().maxBodyBytes()) {
                // Its key may be inside, but finding it means parsing a body that is refused anyway: anyone could
                // make the gateway parse a megabyte without a key.
                metrics.rejected(GatewayMetrics.UNKNOWN_SITE, RejectReason.BODY_TOO_LARGE, 1);
                answer.accept(refuse(RejectReason.BODY_TOO_LARGE,
                        "body of " + size + " bytes exceeds the limit of " + config.limits().maxBodyBytes(), 0));
                return;
            }
            request = request.withWriteKey(keyInBody.apply(body));
        }
        Site site = sites.site(request.writeKey());
        if (site == null) {
            metrics.rejected(GatewayMetrics.UNKNOWN_SITE, RejectReason.UNAUTHORIZED, 1);
            answer.accept(refuse(RejectReason.UNAUTHORIZED, request.writeKey() == null
                    ? "missing write key: send it as the HTTP Basic user name, an X-Write-Key header or a writeKey query parameter"
                    : "invalid write key: no site has this key", 0));
            return;
        }
        if (!site.allowsOrigin(request.origin())) {
            // Kept: a page the site forgot to list loses nothing once its origin is added and the letters replayed.
            refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.ORIGIN_NOT_ALLOWED,
                    "origin " + request.origin() + " is not allowed for this site"), answer);
            return;
        }
        if (!acceptedMediaType(request.contentType())) {
            refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.UNSUPPORTED_MEDIA_TYPE,
                    "content type " + request.contentType() + " is not supported: send application/json or text/plain"), answer);
            return;
        }
        if (size > config.limits().maxBodyBytes()) {
            refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.BODY_TOO_LARGE,
                    "body of " + size + " bytes exceeds the limit of " + config.limits().maxBodyBytes()), answer);
            return;
        }
        if (body.refusal() != null) {
            refuseWhole(site, request, receivedAt, body, body.refusal(), answer);
            return;
        }
        Readout readout = reader.apply(body.bytes());
        if (readout.rejection() != null) {
            refuseWhole(site, request, receivedAt, body, readout.rejection(), answer);
            return;
        }
        List<RawEvent> raw = readout.events();
        if (raw.size() > config.limits().maxEventsPerBatch()) {
            refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.TOO_MANY_EVENTS,
                    raw.size() + " events exceed the limit of " + config.limits().maxEventsPerBatch() + " per request"), answer);
            return;
        }
        if (raw.size() > rateLimiter.maxEventsPerSiteRequest()) {
            // No wait would help (a Retry-After would make clients resend it forever): refused like any batch too big.
            refuseWhole(site, request, receivedAt, body, Rejection.of(RejectReason.TOO_MANY_EVENTS, raw.size()
                    + " events exceed the site's rate-limit burst of " + rateLimiter.maxEventsPerSiteRequest() + " per request"), answer);
            return;
        }
        long siteWait = rateLimiter.checkSite(site.id(), raw.size());
        if (siteWait > 0) {
            metrics.rateLimited("site");
            metrics.rejected(site.id(), RejectReason.RATE_LIMITED, raw.size());
            answer.accept(refuse(RejectReason.RATE_LIMITED, "this site sends more events than its rate limit", siteWait));
            return;
        }
        validateAndPublish(site, request, receivedAt, raw, answer);
    }

    /**
     * A body the HTTP layer stopped reading at twice the size limit, before any of this ran: nothing of it can be
     * kept, but the refusal is counted and answered like the size check above.
     */
    public IngestOutcome refuseUnreadBody(IngestRequest request, RejectReason reason) {
        Site site = sites.site(request.writeKey());
        metrics.rejected(site == null ? GatewayMetrics.UNKNOWN_SITE : site.id(), reason, 1);
        return refuse(reason, reason == RejectReason.BODY_TIMEOUT
                ? "the body did not arrive within " + config.limits().bodyReadTimeout().toSeconds() + " s of the headers"
                : "body exceeds the limit of " + config.limits().maxBodyBytes() + " bytes", 0);
    }

    private EventPublisher publisher() {
        EventPublisher p = publisher;
        if (p == null) {
            p = publisher = ClientProxy.unwrap(publisherProxy);
        }
        return p;
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

    private void validateAndPublish(Site site, IngestRequest request, Instant receivedAt, List<RawEvent> raw,
                                    Consumer<IngestOutcome> answer) {
        metrics.received(site.id(), raw.size());
        String ip = clientIp.anonymize(request.clientIp());
        String receivedAtText = EventValidator.format(receivedAt);
        int n = raw.size();
        List<ValidEvent> accepted = new ArrayList<>(n);
        List<IngestResponse.Error> errors = null;
        List<DeadLetter> letters = null;
        for (int i = 0; i < n; i++) {
            RawEvent event = raw.get(i);
            Rejection rejection = event.rejection();
            if (rejection == null) {
                EventValidator.Result result = validator.validate(event.node(), event.index(), site, receivedAt, receivedAtText,
                        event.namedIp() == null ? ip : clientIp.anonymizeNamed(event.namedIp(), ip));
                if (result.event() != null) {
                    accepted.add(result.event());
                    continue;
                }
                rejection = result.rejection();
            }
            if (errors == null) {
                errors = new ArrayList<>();
                letters = new ArrayList<>();
            }
            errors.add(new IngestResponse.Error(event.index(), rejection.reason().code(), rejection.message()));
            letters.add(deadLetter(site, request, receivedAt, event.index(), rejection, event.raw()));
        }
        int acceptedCount = accepted.size();
        List<IngestResponse.Error> errorList = errors == null ? List.of() : errors;
        List<DeadLetter> refused = letters == null ? List.of() : letters;
        Acks acks = deadlines.track((ok, failure) -> {
            if (!ok) {
                answer.accept(unavailable(request, failure));
                return;
            }
            // Counted once answered: after a 503 the client sends the same events again.
            metrics.accepted(site.id(), acceptedCount);
            for (DeadLetter letter : refused) {
                metrics.rejected(site.id(), reasonOf(letter), 1);
            }
            int status = acceptedCount == 0 && !errorList.isEmpty() ? statusFor(errorList) : 202;
            answer.accept(new IngestOutcome(status, IngestResponse.of(acceptedCount, errorList)));
        });
        EventPublisher publisher = publisher();
        try {
            publisher.publish(accepted, acks);
            for (int i = 0; i < refused.size() && !acks.isDone(); i++) {
                DeadLetter letter = refused.get(i);
                publisher.deadLetter(letter, acks, () -> metrics.deadLettered(site.id(), reasonOf(letter)));
            }
        } finally {
            acks.arm();
        }
    }

    private void refuseWhole(Site site, IngestRequest request, Instant receivedAt, RequestBody body, Rejection rejection,
                             Consumer<IngestOutcome> answer) {
        // Its dead letter is one more record for Kafka: refused bodies sent from many addresses with a site's public
        // key draw on the site's bucket like events do, or they would reach Kafka without any limit. Past it the
        // refusal is answered and counted all the same, without a Retry-After (sent again, it would be refused
        // again), and its dead letter is not kept.
        if (rateLimiter.checkSite(site.id(), 1) > 0) {
            metrics.rateLimited("dead_letter");
            metrics.rejected(site.id(), rejection.reason(), 1);
            answer.accept(refuse(rejection.reason(), rejection.message(), 0));
            return;
        }
        DeadLetter letter = deadLetter(site, request, receivedAt, null, rejection, body.kept());
        Acks acks = deadlines.track((ok, failure) -> {
            if (ok) {
                metrics.rejected(site.id(), rejection.reason(), 1);
            }
            answer.accept(ok ? refuse(rejection.reason(), rejection.message(), 0) : unavailable(request, failure));
        });
        try {
            publisher().deadLetter(letter, acks, () -> metrics.deadLettered(site.id(), rejection.reason()));
        } finally {
            acks.arm();
        }
    }

    /** A Kafka failure, a full buffer or a timeout ({@code failure} null): 503 with Retry-After. */
    private IngestOutcome unavailable(IngestRequest request, Throwable failure) {
        LOG.debugf("publish failed for %s: %s", request.endpoint(), failure == null ? "timed out" : failure.toString());
        metrics.unavailable(request.endpoint());
        int retry = config.kafka().retryAfterSeconds();
        return new IngestOutcome(503, IngestResponse.failure("unavailable",
                "events could not be stored durably right now; retry after " + retry + " s"), retry);
    }

    private DeadLetter deadLetter(Site site, IngestRequest request, Instant receivedAt, Integer index, Rejection rejection, String raw) {
        // Addresses are redacted before the cut: a cut inside an "ip" member would keep the part of it before the cut.
        return new DeadLetter(site.id(), rejection.reason().code(), rejection.message(), request.endpoint(), index, receivedAt,
                cut(clientIp.redact(raw)));
    }

    /** At most {@link #MAX_DEAD_LETTER_PAYLOAD} characters, never half of a surrogate pair. */
    private static String cut(String payload) {
        if (payload.length() <= MAX_DEAD_LETTER_PAYLOAD) {
            return payload;
        }
        int end = Character.isHighSurrogate(payload.charAt(MAX_DEAD_LETTER_PAYLOAD - 1)) ? MAX_DEAD_LETTER_PAYLOAD - 1 : MAX_DEAD_LETTER_PAYLOAD;
        return payload.substring(0, end);
    }

    private static RejectReason reasonOf(DeadLetter letter) {
        return RejectReason.valueOf(letter.reason().toUpperCase(Locale.ROOT));
    }

    private static int statusFor(List<IngestResponse.Error> errors) {
        boolean allTooLarge = errors.stream().allMatch(e -> RejectReason.EVENT_TOO_LARGE.code().equals(e.reason()));
        return allTooLarge ? 413 : 400;
    }

    private static IngestOutcome refuse(RejectReason reason, String message, long retryAfter) {
        return new IngestOutcome(reason.status(), IngestResponse.failure(reason.code(), message), (int) retryAfter);
    }

    static boolean acceptedMediaType(String contentType) {
        if (contentType == null) {
            return true; // curl -d without -H and some beacons: read it as JSON
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.equals("application/json") || type.equals("text/plain") || type.isEmpty();
    }
}
