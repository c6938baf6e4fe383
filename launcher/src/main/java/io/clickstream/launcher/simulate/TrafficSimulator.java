package io.clickstream.launcher.simulate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.clickstream.contract.ClickEvent;

import java.io.IOException;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends planned visits to the gateway over HTTP as the tracker would (batches per visitor, text/plain, write key
 * in the query, retries with backoff on 429/5xx), and derives the ground truth from what the gateway accepted.
 */
public final class TrafficSimulator {
    private static final ObjectMapper JSON = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .setSerializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL);
    private static final Duration SESSION_GAP = Duration.ofMinutes(30);

    public record Settings(String gatewayUrl, String writeKey, String siteId, int rate, int durationSeconds, long seed,
                           double duplicateShare) {
    }

    private final Settings settings;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Semaphore inFlight = new Semaphore(64);
    private final Map<String, CompletableFuture<Void>> perVisitor = new HashMap<>();
    private final Tally tally = new Tally();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong invalidSent = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final Map<String, AtomicLong> responses = new ConcurrentHashMap<>();

    public TrafficSimulator(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    public GroundTruth run() throws InterruptedException {
        Instant start = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        long durationMs = settings.durationSeconds() * 1000L;
        long total = (long) settings.rate() * settings.durationSeconds();
        Iterator<PlannedEvent> plan = new Journeys(settings.seed(), start, settings.siteId()).schedule(total, durationMs);
        java.util.SplittableRandom dupDice = new java.util.SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
        out.printf("simulating about %d events from %s over %d s (seed %d)%n", total, settings.gatewayUrl(),
                settings.durationSeconds(), settings.seed());

        PlannedEvent next = plan.hasNext() ? plan.next() : null;
        while (next != null) {
            long now = Duration.between(start, Instant.now()).toMillis();
            Map<String, List<PlannedEvent>> due = new LinkedHashMap<>();
            while (next != null && next.sendAtMs() <= now) {
                PlannedEvent e = next;
                next = plan.hasNext() ? plan.next() : null;
                due.computeIfAbsent(e.visitor(), k -> new ArrayList<>()).add(e);
                if (dupDice.nextDouble() < settings.duplicateShare()) {
                    // A client retry: the same event id again in a later batch of the same visitor.
                    due.get(e.visitor()).add(e);
                    duplicates.incrementAndGet();
                }
            }
            due.forEach(this::sendInOrder);
            Thread.sleep(20);
        }
        CompletableFuture.allOf(perVisitor.values().toArray(CompletableFuture[]::new)).join();
        return truth();
    }

    /** One visitor's batches go one after another, so its events stay in order on the partition. */
    private void sendInOrder(String visitor, List<PlannedEvent> batch) {
        CompletableFuture<Void> previous = perVisitor.getOrDefault(visitor, CompletableFuture.completedFuture(null));
        perVisitor.put(visitor, previous.thenCompose(x -> send(batch, 0)));
    }

    private CompletableFuture<Void> send(List<PlannedEvent> batch, int attempt) {
        // sent_at is stamped once the request may go, as a tracker does: the gateway's skew correction
        // (received_at - (sent_at - occurred_at)) then shifts event times by the network's delay only, not by the
        // simulator's own queue, which reordered events of a visitor's concurrent visits.
        inFlight.acquireUninterruptibly();
        ArrayNode body = JSON.createArrayNode();
        Instant sentAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (PlannedEvent e : batch) {
            ObjectNode node = JSON.valueToTree(e.event());
            node.put("sent_at", sentAt.toString());
            body.add(node);
        }
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.gatewayUrl() + "/v1/events?writeKey=" + settings.writeKey()))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/plain;charset=UTF-8")
                .header("User-Agent", batch.get(0).event().context().userAgent())
                .header("X-Forwarded-For", visitorAddress(batch.get(0).visitor()))
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
        requests.incrementAndGet();
        if (attempt == 0) {
            sent.addAndGet(batch.size());
        } else {
            retried.incrementAndGet();
        }
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    inFlight.release();
                    int status = error != null ? -1 : response.statusCode();
                    responses.computeIfAbsent(status == -1 ? "error" : Integer.toString(status), k -> new AtomicLong())
                            .incrementAndGet();
                    if (status == 202 || status == 400 || status == 503) {
                        // The gateway validated every event of this request (and counted each refusal) before it
                        // answered; a 503 comes after validation, when Kafka did not acknowledge in time.
                        invalidSent.addAndGet(batch.stream().filter(e -> e.kind() == PlannedEvent.Kind.GATEWAY_INVALID).count());
                    }
                    if (status == 202 || status == 400) {
                        tally.settle(batch, acceptedIndexes(batch, response.body()));
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if ((status == 429 || status >= 500 || status == -1) && attempt < 10) {
                        long backoff = Math.min(5000, 200L << attempt);
                        return CompletableFuture.runAsync(() -> { },
                                CompletableFuture.delayedExecutor(backoff, java.util.concurrent.TimeUnit.MILLISECONDS))
                                .thenCompose(x -> send(batch, attempt + 1));
                    }
                    out.println(status == -1
                            ? "batch not delivered after " + (attempt + 1) + " attempts: no gateway answers at " + settings.gatewayUrl()
                                    + " (is the stack up? ./clickstream status)"
                            : "batch refused with " + status + " after " + (attempt + 1) + " attempts");
                    tally.settle(batch, Set.of());
                    return CompletableFuture.<Void>completedFuture(null);
                }).thenCompose(f -> f);
    }

    /**
     * Each visitor's own address in 198.18.0.0/15 (the range set aside for benchmarks), as a proxy in front of the
     * gateway would forward it: the gateway trusts loopback as a proxy, so per-IP rate limits apply per visitor, as
     * they do for real browsers, not to the simulator's one connection address.
     */
    static String visitorAddress(String visitor) {
        int h = visitor.hashCode() & 0x1FFFF;
        return "198." + (18 + (h >> 16)) + "." + ((h >> 8) & 0xFF) + "." + (h & 0xFF);
    }

    /** The indexes of the batch's events the gateway accepted: all but those its answer lists as refused. */
    private static Set<Integer> acceptedIndexes(List<PlannedEvent> batch, String responseBody) {
        Set<Integer> accepted = new java.util.HashSet<>();
        try {
            JsonNode r = JSON.readTree(responseBody);
            if (r.path("accepted").asInt(0) == 0) {
                return accepted;
            }
            for (int i = 0; i < batch.size(); i++) {
                accepted.add(i);
            }
            r.path("errors").forEach(err -> {
                if (err.has("index") && !err.get("index").isNull()) {
                    accepted.remove(err.get("index").asInt());
                }
            });
        } catch (IOException e) {
            accepted.clear();
        }
        return accepted;
    }

    private GroundTruth truth() {
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        responses.forEach((status, n) -> byStatus.put(status, n.get()));
        return tally.truth(settings, requests.get(), sent.get(), duplicates.get(), invalidSent.get(), retried.get(), byStatus);
    }

    /** An accepted event of a non-bot visitor within the lateness bound, as much as sessions, funnel and revenue need. */
    private record Counted(Instant occurredAt, String type, List<ClickEvent.Product> products) {
    }

    /**
     * The ground truth, kept up as each batch gets its final answer, so that the planned events themselves can be
     * dropped once sent. A client-retry copy travels in the same batch as its original, so each planned event is
     * settled exactly once.
     */
    private static final class Tally {
        private long rejected;
        private long acceptedEvents;
        private long quarantined;
        private long tooLate;
        private long botEvents;
        private long duplicatesAccepted;
        private final Set<String> visitors = new java.util.HashSet<>();
        private final Set<String> bots = new java.util.HashSet<>();
        private final Map<String, Long> byType = new java.util.TreeMap<>();
        private final Map<String, List<Counted>> counted = new HashMap<>();

        synchronized void settle(List<PlannedEvent> batch, Set<Integer> acceptedIndexes) {
            Map<String, Boolean> acceptedById = new LinkedHashMap<>();
            Map<String, PlannedEvent> planned = new LinkedHashMap<>();
            for (int i = 0; i < batch.size(); i++) {
                PlannedEvent e = batch.get(i);
                String id = e.event().eventId();
                if (planned.putIfAbsent(id, e) != null && acceptedIndexes.contains(i)) {
                    duplicatesAccepted++;
                }
                acceptedById.merge(id, acceptedIndexes.contains(i), Boolean::logicalOr);
            }
            planned.forEach((id, e) -> count(e, acceptedById.get(id)));
        }

        private void count(PlannedEvent e, boolean accepted) {
            if (!accepted) {
                rejected++;
                return;
            }
            acceptedEvents++;
            switch (e.kind()) {
                case QUARANTINE -> quarantined++;
                case TOO_LATE -> {
                    tooLate++;
                    visitors.add(e.visitor());
                    byType.merge(e.event().eventType(), 1L, Long::sum);
                }
                case VALID -> {
                    visitors.add(e.visitor());
                    byType.merge(e.event().eventType(), 1L, Long::sum);
                    if (e.bot()) {
                        bots.add(e.visitor());
                        botEvents++;
                    } else {
                        ClickEvent.Commerce c = e.event().commerce();
                        counted.computeIfAbsent(e.visitor(), k -> new ArrayList<>()).add(new Counted(
                                e.event().occurredAt(), e.event().eventType(), c == null ? null : c.products()));
                    }
                }
                default -> rejected++;
            }
        }

        synchronized GroundTruth truth(Settings settings, long requests, long sent, long duplicatesSent, long invalidSent,
                                       long retried, Map<String, Long> byStatus) {
            long sessions = 0;
            Map<String, Long> funnel = GroundTruth.emptyFunnel();
            Map<String, BigDecimal> revenue = new HashMap<>();
            long orders = 0;
            BigDecimal total = BigDecimal.ZERO;
            for (List<Counted> events : counted.values()) {
                events.sort(java.util.Comparator.comparing(Counted::occurredAt));
                List<List<Counted>> split = new ArrayList<>();
                Instant last = null;
                for (Counted e : events) {
                    if (last == null || Duration.between(last, e.occurredAt()).compareTo(SESSION_GAP) >= 0) {
                        split.add(new ArrayList<>());
                    }
                    split.get(split.size() - 1).add(e);
                    last = e.occurredAt();
                }
                sessions += split.size();
                for (List<Counted> session : split) {
                    int step = 0;
                    for (Counted e : session) {
                        if (step < Journeys.FUNNEL.size() && e.type().equals(Journeys.FUNNEL.get(step))) {
                            funnel.merge(Journeys.FUNNEL.get(step), 1L, Long::sum);
                            step++;
                        }
                        if (e.type().equals("purchase")) {
                            orders++;
                            for (ClickEvent.Product p : e.products()) {
                                BigDecimal line = p.price().multiply(BigDecimal.valueOf(p.quantity()));
                                revenue.merge(p.sku(), line, BigDecimal::add);
                                total = total.add(line);
                            }
                        }
                    }
                }
            }
            return new GroundTruth(settings.seed(), settings.rate(), settings.durationSeconds(), requests, sent,
                    duplicatesSent, rejected, acceptedEvents, quarantined, acceptedEvents - quarantined, tooLate,
                    visitors.size(), bots.size(), botEvents, sessions, byType, funnel, orders, GroundTruth.sorted(revenue),
                    total, invalidSent, duplicatesAccepted, retried, byStatus);
        }
    }

    public static void write(GroundTruth truth, java.nio.file.Path file) throws IOException {
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), truth);
    }
}
