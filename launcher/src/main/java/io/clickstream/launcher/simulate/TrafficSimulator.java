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
    private final Set<String> accepted = ConcurrentHashMap.newKeySet();
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final List<String> duplicatedIds = java.util.Collections.synchronizedList(new ArrayList<>());
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
        List<PlannedEvent> plan = new Journeys(settings.seed(), start, settings.siteId())
                .plan((long) settings.rate() * settings.durationSeconds(), durationMs);
        java.util.SplittableRandom dupDice = new java.util.SplittableRandom(settings.seed() ^ 0x5DEECE66DL);
        out.printf("simulating %d events from %s over %d s (seed %d)%n", plan.size(), settings.gatewayUrl(),
                settings.durationSeconds(), settings.seed());

        int next = 0;
        while (next < plan.size()) {
            long now = Duration.between(start, Instant.now()).toMillis();
            Map<String, List<PlannedEvent>> due = new LinkedHashMap<>();
            while (next < plan.size() && plan.get(next).sendAtMs() <= now) {
                PlannedEvent e = plan.get(next++);
                due.computeIfAbsent(e.visitor(), k -> new ArrayList<>()).add(e);
                if (dupDice.nextDouble() < settings.duplicateShare()) {
                    // A client retry: the same event id again in a later batch of the same visitor.
                    due.get(e.visitor()).add(e);
                    duplicates.incrementAndGet();
                    duplicatedIds.add(e.event().eventId());
                }
            }
            due.forEach(this::sendInOrder);
            Thread.sleep(20);
        }
        CompletableFuture.allOf(perVisitor.values().toArray(CompletableFuture[]::new)).join();
        return truth(plan);
    }

    /** One visitor's batches go one after another, so its events stay in order on the partition. */
    private void sendInOrder(String visitor, List<PlannedEvent> batch) {
        CompletableFuture<Void> previous = perVisitor.getOrDefault(visitor, CompletableFuture.completedFuture(null));
        perVisitor.put(visitor, previous.thenCompose(x -> send(batch, 0)));
    }

    private CompletableFuture<Void> send(List<PlannedEvent> batch, int attempt) {
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
        inFlight.acquireUninterruptibly();
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
                        recordAccepted(batch, response.body());
                        return CompletableFuture.<Void>completedFuture(null);
                    }
                    if ((status == 429 || status >= 500 || status == -1) && attempt < 10) {
                        long backoff = Math.min(5000, 200L << attempt);
                        return CompletableFuture.runAsync(() -> { },
                                CompletableFuture.delayedExecutor(backoff, java.util.concurrent.TimeUnit.MILLISECONDS))
                                .thenCompose(x -> send(batch, attempt + 1));
                    }
                    out.println("batch refused with " + status + " after " + (attempt + 1) + " attempts");
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

    private void recordAccepted(List<PlannedEvent> batch, String responseBody) {
        Set<Integer> refused = new java.util.HashSet<>();
        try {
            JsonNode r = JSON.readTree(responseBody);
            r.path("errors").forEach(err -> {
                if (err.has("index") && !err.get("index").isNull()) {
                    refused.add(err.get("index").asInt());
                }
            });
            if (r.path("accepted").asInt(0) == 0) {
                return;
            }
        } catch (IOException e) {
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            if (!refused.contains(i)) {
                accepted.add(batch.get(i).event().eventId());
            }
        }
    }

    private GroundTruth truth(List<PlannedEvent> plan) {
        long rejected = 0;
        long quarantined = 0;
        long tooLate = 0;
        long botEvents = 0;
        Set<String> visitors = new java.util.HashSet<>();
        Set<String> bots = new java.util.HashSet<>();
        Map<String, Long> byType = new java.util.TreeMap<>();
        Map<String, List<PlannedEvent>> counted = new LinkedHashMap<>();
        for (PlannedEvent e : plan) {
            boolean in = accepted.contains(e.event().eventId());
            if (!in) {
                rejected++;
                continue;
            }
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
                        counted.computeIfAbsent(e.visitor(), k -> new ArrayList<>()).add(e);
                    }
                }
                default -> rejected++;
            }
        }
        long sessions = 0;
        Map<String, Long> funnel = GroundTruth.emptyFunnel();
        Map<String, BigDecimal> revenue = new HashMap<>();
        long orders = 0;
        BigDecimal total = BigDecimal.ZERO;
        for (List<PlannedEvent> events : counted.values()) {
            events.sort(java.util.Comparator.comparing((PlannedEvent e) -> e.event().occurredAt()));
            List<List<PlannedEvent>> split = new ArrayList<>();
            Instant last = null;
            for (PlannedEvent e : events) {
                if (last == null || Duration.between(last, e.event().occurredAt()).compareTo(SESSION_GAP) >= 0) {
                    split.add(new ArrayList<>());
                }
                split.get(split.size() - 1).add(e);
                last = e.event().occurredAt();
            }
            sessions += split.size();
            for (List<PlannedEvent> session : split) {
                int step = 0;
                for (PlannedEvent e : session) {
                    if (step < Journeys.FUNNEL.size() && e.event().eventType().equals(Journeys.FUNNEL.get(step))) {
                        funnel.merge(Journeys.FUNNEL.get(step), 1L, Long::sum);
                        step++;
                    }
                    if (e.event().eventType().equals("purchase")) {
                        orders++;
                        for (ClickEvent.Product p : e.event().commerce().products()) {
                            BigDecimal line = p.price().multiply(BigDecimal.valueOf(p.quantity()));
                            revenue.merge(p.sku(), line, BigDecimal::add);
                            total = total.add(line);
                        }
                    }
                }
            }
        }
        long acceptedCount = plan.stream().filter(e -> accepted.contains(e.event().eventId())).count();
        long duplicatesAccepted;
        synchronized (duplicatedIds) {
            duplicatesAccepted = duplicatedIds.stream().filter(accepted::contains).count();
        }
        Map<String, Long> byStatus = new java.util.TreeMap<>();
        responses.forEach((status, n) -> byStatus.put(status, n.get()));
        return new GroundTruth(settings.seed(), settings.rate(), settings.durationSeconds(), requests.get(), sent.get(),
                duplicates.get(), rejected, acceptedCount, quarantined, acceptedCount - quarantined, tooLate,
                visitors.size(), bots.size(), botEvents, sessions, byType, funnel, orders, GroundTruth.sorted(revenue), total,
                invalidSent.get(), duplicatesAccepted, retried.get(), byStatus);
    }

    public static void write(GroundTruth truth, java.nio.file.Path file) throws IOException {
        java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
        JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), truth);
    }
}
