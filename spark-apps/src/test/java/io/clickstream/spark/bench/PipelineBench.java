package io.clickstream.spark.bench;

import io.clickstream.localkafka.KafkaBroker;
import io.clickstream.spark.testing.EventJson;
import io.clickstream.spark.testing.PipelineProcess;
import io.clickstream.spark.testing.TestKafka;
import org.apache.kafka.clients.producer.KafkaProducer;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the all-layers driver on this machine. Two modes:
 * <ul>
 *   <li>{@code backlog N}: N events are in Kafka before the driver starts; reports events/s through each layer
 *       (from the first bronze batch to the moment the query has read all N). With {@code bench.warmup} seconds
 *       (default 0), the driver first runs that long at {@code bench.warmupRate} events/s (default 2,000) and
 *       catches up, and the N events then arrive at once: the same backlog met by a warm driver (JIT, caches);</li>
 *   <li>{@code rate R SECONDS}: events produced at R/s for SECONDS, received "now"; reports the end-to-end latency
 *       p50/p95 per layer from the driver's histogram.</li>
 * </ul>
 * Run through {@code bench/spark-bench.sh}.
 */
public final class PipelineBench {
    /**
     * The all-layers driver's queries: Kafka → bronze, bronze → silver → gold in one micro-batch ("silver"), and silver →
     * the hour, day and lifetime gold tables on their slower trigger ("gold-periodic").
     */
    private static final String[] QUERIES = {"bronze", "silver", "gold-periodic"};

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "spark-bench-");
        try (KafkaBroker kafka = KafkaBroker.builder().dataDir(dir.resolve("kafka")).heap("512m").start()) {
            TestKafka.createTopic(kafka.bootstrapServers(), "clickstream.events", 2);
            int port = KafkaBroker.freePort();
            Path config = dir.resolve("bench.properties");
            Files.writeString(config, String.join("\n",
                    "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
                    "warehouse.root=" + dir.resolve("warehouse"),
                    "checkpoint.root=" + dir.resolve("checkpoints"),
                    "kafka.max.offsets.per.trigger=" + System.getProperty("bench.maxOffsets", "100000"),
                    "bronze.trigger=1s", "silver.trigger=1s", "gold.trigger=2s",
                    PipelineBench.NO_RATE_BOTS,
                    "metrics.port=" + port, ""));
            if (mode.equals("backlog")) {
                backlog(Long.parseLong(args[1]), kafka, config, dir, port);
            } else {
                rate(Integer.parseInt(args[1]), Integer.parseInt(args[2]), kafka, config, dir, port);
            }
        }
    }

    /**
     * N events that arrived at {@code bench.arrivalRate} events/s (default 20,000) until now, waiting in Kafka: each
     * layer must catch up. Reports, per query, the rate over the whole backlog and the sustained rate once the first
     * 10% are through (JIT and first-batch warm-up behind it), against the bare query measured the same way.
     */
    private static void backlog(long n, KafkaBroker kafka, Path config, Path dir, int port) throws Exception {
        int arrivalRate = Integer.getInteger("bench.arrivalRate", 20_000);
        int warmup = Integer.getInteger("bench.warmup", 0);
        long sent;
        Progress ceiling = null;
        PipelineProcess p;
        Map<String, Long> before = new LinkedHashMap<>();
        if (warmup == 0) {
            sent = produceArrived(kafka, 0, n, arrivalRate);
            System.out.printf("backlog: %d events in Kafka, arrived at %,d events/s until now%n", sent, arrivalRate);
            ceiling = bare(config, dir, sent);
            System.out.printf("%-14s %s (bare Kafka → Delta append, the ceiling)%n", "bare", ceiling.describe(null));
            p = PipelineProcess.start("io.clickstream.spark.app.AllLayersJob", config, dir.resolve("driver.log"));
        } else {
            p = startAndWarmUp(kafka, config, dir, port, warmup, Integer.getInteger("bench.warmupRate", 2_000));
            String m = scrape(port);
            for (String q : QUERIES) {
                before.put(q, (long) value(m, inputRows(q)));
            }
            sent = produceArrived(kafka, before.get(QUERIES[0]), n, arrivalRate);
            System.out.printf("backlog: %d events arrived at once (as if at %,d events/s until now) after %d s of warm-up%n",
                    sent, arrivalRate, warmup);
        }
        Map<String, Progress> progress = new LinkedHashMap<>();
        for (String q : QUERIES) {
            progress.put(q, new Progress(sent));
        }
        long start = System.currentTimeMillis();
        while (!progress.values().stream().allMatch(Progress::done) && System.currentTimeMillis() - start < 1_800_000
                && p.isAlive()) {
            Thread.sleep(500);
            String m = scrape(port);
            for (String q : QUERIES) {
                progress.get(q).observe(System.currentTimeMillis(), (long) value(m, inputRows(q)) - before.getOrDefault(q, 0L));
            }
        }
        String rss = rss(p);
        if (ceiling == null) {
            p.terminate();
            // The warm-up's events and the backlog, all in the topic now: the bare query's rate over all of them.
            long total = before.get(QUERIES[0]) + sent;
            ceiling = bare(config, dir, total);
            System.out.printf("%-14s %s (bare Kafka → Delta append over the topic's %d events, the ceiling)%n", "bare",
                    ceiling.describe(null), total);
        }
        for (String q : QUERIES) {
            // The all-layers driver's "silver" query writes gold from the same micro-batch.
            System.out.printf("%-14s %s%n", q.equals("silver") ? "silver + gold" : q, progress.get(q).describe(ceiling));
        }
        Progress first = progress.get(QUERIES[0]);
        Progress last = progress.get(QUERIES[QUERIES.length - 1]);
        if (first.done() && last.done()) {
            // From bronze's first rows to the last query's last: the backlog through every layer, against the bare
            // query's whole backlog measured the same way.
            double through = sent * 1000.0 / Math.max(1, last.doneMs - first.firstMs);
            System.out.printf("%-14s %,.0f events/s = %.2f × bare (first bronze row to last gold row, %.1f s)%n",
                    "all layers", through, through / ceiling.overall(), (last.doneMs - first.firstMs) / 1000.0);
        }
        System.out.println(rss);
        p.terminate();
    }

    /** The all-layers driver, once its first silver batch has run. */
    private static PipelineProcess startDriver(Path config, Path dir, int port) throws Exception {
        PipelineProcess p = PipelineProcess.start("io.clickstream.spark.app.AllLayersJob", config, dir.resolve("driver.log"));
        while (value(scrape(port), "clickstream_query_batches_total\\{query=\"silver\"\\}") < 1 && p.isAlive()) {
            Thread.sleep(500);
        }
        return p;
    }

    private static String inputRows(String query) {
        return "clickstream_query_input_rows_total\\{query=\"" + query + "\"\\}";
    }

    /** Starts the driver, runs it {@code seconds} at {@code perSecond} events/s and waits until every query has them. */
    private static PipelineProcess startAndWarmUp(KafkaBroker kafka, Path config, Path dir, int port, int seconds,
                                                  int perSecond) throws Exception {
        PipelineProcess p = startDriver(config, dir, port);
        long warm = produce(kafka, 0, (long) perSecond * seconds, perSecond, seconds * 1000L);
        long deadline = System.currentTimeMillis() + 600_000;
        while (p.isAlive() && System.currentTimeMillis() < deadline) {
            String m = scrape(port);
            boolean caughtUp = true;
            for (String q : QUERIES) {
                caughtUp &= value(m, inputRows(q)) >= warm;
            }
            if (caughtUp) {
                return p;
            }
            Thread.sleep(500);
        }
        p.terminate();
        throw new IllegalStateException("the driver did not catch up with its warm-up; see " + dir.resolve("driver.log"));
    }

    /** Rows a query has read over time: the whole run's rate, and the rate from 10% of the rows to the end. */
    static final class Progress {
        private final long total;
        private long firstMs = -1;
        private long tenthMs = -1;
        private long tenthRows;
        private long doneMs = -1;

        Progress(long total) {
            this.total = total;
        }

        void observe(long nowMs, long rows) {
            if (rows > 0 && firstMs < 0) {
                firstMs = nowMs;
            }
            if (rows >= total / 10 && tenthMs < 0) {
                tenthMs = nowMs;
                tenthRows = rows;
            }
            if (rows >= total && doneMs < 0) {
                doneMs = nowMs;
            }
        }

        boolean done() {
            return doneMs >= 0;
        }

        double overall() {
            return total * 1000.0 / Math.max(1, doneMs - firstMs);
        }

        double sustained() {
            // A query that read the first tenth and the rest in one batch has no later stretch to measure.
            return tenthRows >= total ? overall() : (total - tenthRows) * 1000.0 / Math.max(1, doneMs - tenthMs);
        }

        String describe(Progress ceiling) {
            if (!done()) {
                return "did not finish";
            }
            String vs = ceiling == null ? "" : String.format(" = %.2f × bare", sustained() / ceiling.sustained());
            return String.format("sustained %,.0f events/s%s (after the first 10%%; whole backlog %,.0f events/s in %.1f s)",
                    sustained(), vs, overall(), (doneMs - firstMs) / 1000.0);
        }
    }

    /** Runs {@link BareKafkaToDelta} over the same backlog in its own driver, reading its batch-by-batch progress. */
    private static Progress bare(Path config, Path dir, long total) throws Exception {
        Path log = dir.resolve("bare.log");
        PipelineProcess p = PipelineProcess.start(BareKafkaToDelta.class.getName(), config, log);
        long start = System.currentTimeMillis();
        while (p.isAlive() && System.currentTimeMillis() - start < 900_000) {
            Thread.sleep(500);
        }
        Progress progress = new Progress(total);
        Matcher m = Pattern.compile("^BARE BATCH (\\d+) (\\d+) (\\d+)$", Pattern.MULTILINE).matcher(Files.readString(log));
        while (m.find()) {
            // the batch's start counts as the moment its first rows were read: the first observation of progress
            progress.observe(Long.parseLong(m.group(1)), 1);
            progress.observe(Long.parseLong(m.group(2)), Long.parseLong(m.group(3)));
        }
        if (p.isAlive() || !progress.done()) {
            throw new IllegalStateException("the bare query did not finish; see " + log);
        }
        return progress;
    }

    private static void rate(int perSecond, int seconds, KafkaBroker kafka, Path config, Path dir, int port) throws Exception {
        PipelineProcess p = startDriver(config, dir, port);
        // The same rate first, unmeasured, so that the figures describe a warm driver (JIT, caches) in its steady state.
        int warmup = Integer.getInteger("bench.warmup", 60);
        long warm = produce(kafka, 0, (long) perSecond * warmup, perSecond, warmup * 1000L);
        System.out.printf("rate: %d events/s for %d s (after %d s of warm-up at that rate)%n", perSecond, seconds, warmup);
        String before = scrape(port);
        long sent = produce(kafka, warm, (long) perSecond * seconds, perSecond, seconds * 1000L);
        Thread.sleep(20_000);
        String after = scrape(port);
        System.out.printf("sent %d%n", sent);
        for (String layer : new String[] {"bronze", "silver", "gold", "gold_periodic"}) {
            System.out.printf("%-13s p50 %s s  p95 %s s%n", layer, quantile(before, after, layer, 0.5),
                    quantile(before, after, layer, 0.95));
        }
        System.out.println(rss(p));
        p.terminate();
    }

    /**
     * Sends n events as if they had arrived at {@code arrivalRate} events/s until now: occurred and received at their
     * arrival time, so windows and sessions see a stream of that rate, not one instant.
     */
    static long produceArrived(KafkaBroker kafka, long first, long n, int arrivalRate) {
        long nowMs = System.currentTimeMillis();
        long firstMs = nowMs - n * 1000 / arrivalRate;
        return produce(kafka, first, n, 0, Long.MAX_VALUE, i -> Instant.ofEpochMilli(firstMs + i * 1000 / arrivalRate));
    }

    /** Sends n events, paced at perSecond (0 = unpaced), received now. */
    static long produce(KafkaBroker kafka, long n, int perSecond, long maxMs) {
        return produce(kafka, 0, n, perSecond, maxMs);
    }

    /** The same, numbering the events from {@code first} (each number is one event id). */
    static long produce(KafkaBroker kafka, long first, long n, int perSecond, long maxMs) {
        return produce(kafka, first, n, perSecond, maxMs, i -> Instant.now());
    }

    private static long produce(KafkaBroker kafka, long first, long n, int perSecond, long maxMs,
                                java.util.function.LongFunction<Instant> arrival) {
        long start = System.currentTimeMillis();
        long sent = 0;
        try (KafkaProducer<String, String> producer = TestKafka.producer(kafka.bootstrapServers())) {
            while (sent < n && System.currentTimeMillis() - start < maxMs) {
                if (perSecond > 0) {
                    long due = start + sent * 1000 / perSecond;
                    long wait = due - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                }
                Instant now = arrival.apply(sent);
                producer.send(TestKafka.record("clickstream.events", visitor(sent), event(first, sent, now), now));
                sent++;
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return sent;
    }

    /**
     * The bench's 5,000 visitors send up to 240 events a minute each at 20,000 events/s: far over silver's rate rule for
     * bots, which would then leave them out of the gold tables. The rule still counts every row; no visitor goes over.
     */
    static final String NO_RATE_BOTS = "silver.bot.events.per.minute=1000000000";

    /** The bench's visitors: 5,000 of them, in turn. */
    static String visitor(long sent) {
        return "v-" + (sent % 5000);
    }

    /**
     * Event number {@code sent} of a run whose ids start at {@code first}: page views, product views and one purchase
     * in ten, over 50 pages and 40 products.
     */
    static String event(long first, long sent, Instant now) {
        String type = sent % 10 == 9 ? "purchase" : sent % 3 == 0 ? "product_view" : "page_view";
        EventJson e = EventJson.event(uuid(first + sent), type, visitor(sent), now.toString())
                .page("https://shop.example/p/" + (sent % 50), "/p/" + (sent % 50))
                .userAgent("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36");
        if (!type.equals("page_view")) {
            e.product("sku-" + (sent % 40), "cat-" + (sent % 7), "9.99", 1);
        }
        if (type.equals("purchase")) {
            e.order("o-" + (first + sent), "9.99", "EUR");
        }
        return e.json();
    }

    private static String uuid(long n) {
        return String.format("%08x-0000-4000-8000-%012x", n >>> 48, n & 0xffffffffffffL);
    }

    private static String scrape(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return "";
        }
    }

    private static double value(String metrics, String nameRegex) {
        Matcher m = Pattern.compile("^" + nameRegex + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    /** A quantile of the histogram's increase between two scrapes, as the upper bound of its bucket. */
    private static String quantile(String before, String after, String layer, double q) {
        Pattern bucket = Pattern.compile("^clickstream_end_to_end_latency_seconds_bucket\\{layer=\"" + layer
                + "\",le=\"([^\"]+)\"\\} (\\S+)$", Pattern.MULTILINE);
        Map<String, Double> b = new LinkedHashMap<>();
        Matcher mb = bucket.matcher(before);
        while (mb.find()) {
            b.put(mb.group(1), Double.parseDouble(mb.group(2)));
        }
        List<String[]> buckets = new ArrayList<>();
        Matcher ma = bucket.matcher(after);
        while (ma.find()) {
            buckets.add(new String[] {ma.group(1), Double.toString(Double.parseDouble(ma.group(2)) - b.getOrDefault(ma.group(1), 0.0))});
        }
        if (buckets.isEmpty()) {
            return "n/a";
        }
        double total = Double.parseDouble(buckets.get(buckets.size() - 1)[1]);
        for (String[] bk : buckets) {
            if (Double.parseDouble(bk[1]) >= q * total) {
                return "≤" + bk[0];
            }
        }
        return "n/a";
    }

    private static String rss(PipelineProcess p) {
        return "driver RSS: " + p.rssMegabytes() + " MB";
    }
}
