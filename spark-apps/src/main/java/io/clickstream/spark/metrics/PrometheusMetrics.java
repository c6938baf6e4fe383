package io.clickstream.spark.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's Prometheus metrics, served over HTTP at {@code /metrics}. Every name starts with
 * {@code clickstream_}; labels are bounded (query names, layers, rule names, fixed top-N ranks).
 */
public final class PrometheusMetrics implements PipelineMetrics, AutoCloseable {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Map<String, Long> newestEventTime = new ConcurrentHashMap<>();
    private HTTPServer server;

    final Gauge inputRowsPerSecond = gauge("clickstream_query_input_rows_per_second", "Rows per second read by the last micro-batch", "query");
    final Gauge processedRowsPerSecond = gauge("clickstream_query_processed_rows_per_second", "Rows per second processed by the last micro-batch", "query");
    final Gauge batchDuration = gauge("clickstream_query_batch_duration_seconds", "Duration of the last micro-batch", "query");
    final Gauge stateRows = gauge("clickstream_query_state_rows", "Rows held in the query's state stores", "query");
    final Gauge watermark = gauge("clickstream_query_watermark_timestamp_seconds", "The query's event-time watermark (epoch seconds)", "query");
    final Gauge kafkaLag = gauge("clickstream_query_kafka_lag_records",
            "Records the query's Kafka source is behind the newest offset, on its most lagging partition", "query");
    final Gauge lastBatch = gauge("clickstream_query_last_batch_id", "Id of the last completed micro-batch", "query");
    final Counter inputRows = counter("clickstream_query_input_rows", "Rows read by the query's micro-batches", "query");
    final Counter batches = counter("clickstream_query_batches", "Completed micro-batches", "query");
    private final Counter failures = counter("clickstream_query_failures",
            "Times the job stopped with an error: a query failed, or the job could not start its queries");
    final Counter droppedByWatermark = counter("clickstream_query_rows_dropped_by_watermark", "Rows a stateful operator dropped as too late", "query");
    final Counter duplicates = counter("clickstream_duplicates_removed", "Events removed as duplicates of an earlier event_id, or of an order stored before");
    private final Counter quarantinedRows = counter("clickstream_quarantined_rows", "Rows sent to silver.quarantine");
    private final Counter ruleViolations = counter("clickstream_quality_rule_violations", "Rows that broke a data-quality rule", "rule");
    private final Counter late = counter("clickstream_late_events", "Events behind their receive time by more than the allowed lateness: in silver, in no window");
    private final Counter bots = counter("clickstream_bot_events",
            "Events written to silver flagged as bots, by reason: a known bot agent (user_agent), else the rate rule (event_rate)",
            "reason");
    private final Counter parseFailures = counter("clickstream_parse_failures", "Kafka records that did not parse as an event");
    private final Histogram latency = Histogram.builder()
            .name("clickstream_end_to_end_latency_seconds")
            .help("Commit time of a layer minus the gateway's received_at")
            .labelNames("layer")
            .classicOnly()
            .classicUpperBounds(0.5, 1, 2, 3, 5, 7.5, 10, 15, 20, 30, 60, 120, 300, 900)
            .register(registry);
    private final Counter maintenance = counter("clickstream_table_maintenance",
            "Table maintenance operations run (optimize, vacuum), by outcome (ok, failed)", "table", "operation", "outcome");
    private final Gauge maintenanceDuration = gauge("clickstream_table_maintenance_duration_seconds",
            "Duration of the last maintenance operation on the table", "table", "operation");
    final Gauge business = gauge("clickstream_business_value", "Figures read from the gold tables", "figure");
    final Gauge revenueLast5m = gauge("clickstream_revenue_last_5m",
            "Revenue of the last complete 5-minute window of gold.revenue_5m, per currency (amounts of different currencies are never added)",
            "currency");
    final Gauge funnelStep = gauge("clickstream_funnel_sessions", "Sessions of the current funnel window that reached each step", "step");
    final Gauge topPages = gauge("clickstream_top_page_views", "Page views in the last complete minute of the ten most viewed pages", "rank", "page");

    public PrometheusMetrics() {
        GaugeWithCallback.builder()
                .name("clickstream_freshness_seconds")
                .help("Now minus the newest event time a layer has committed")
                .labelNames("layer")
                .callback(cb -> newestEventTime.forEach((layer, ms) ->
                        cb.call((System.currentTimeMillis() - ms) / 1000.0, layer)))
                .register(registry);
    }

    /** Serves {@code /metrics} on {@code port} (0 picks a free one) of every interface. */
    public PrometheusMetrics serve(int port) {
        return serve("", port);
    }

    /** Serves {@code /metrics} on {@code port} of the address {@code host} (blank: every interface). */
    public PrometheusMetrics serve(String host, int port) {
        try {
            HTTPServer.Builder builder = HTTPServer.builder().port(port).registry(registry);
            if (host != null && !host.isBlank()) {
                builder.hostname(host);
            }
            server = builder.buildAndStart();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + (host == null || host.isBlank() ? "port " : host + ":") + port, e);
        }
        return this;
    }

    public int port() {
        return server == null ? -1 : server.getPort();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    private Gauge gauge(String name, String help, String... labels) {
        return Gauge.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    private Counter counter(String name, String help, String... labels) {
        return Counter.builder().name(name).help(help).labelNames(labels).register(registry);
    }

    public void jobFailed() {
        failures.inc();
    }

    @Override
    public void quarantined(long rows, Map<String, Long> perRule) {
        quarantinedRows.inc(rows);
        perRule.forEach((rule, n) -> ruleViolations.labelValues(rule).inc(n));
    }

    @Override
    public void botEvents(String reason, long rows) {
        bots.labelValues(reason).inc(rows);
    }

    @Override
    public void lateEvents(long rows) {
        late.inc(rows);
    }

    @Override
    public void parseFailures(long rows) {
        parseFailures.inc(rows);
    }

    @Override
    public void duplicatesRemoved(long rows) {
        duplicates.inc(rows);
    }

    @Override
    public void committed(String layer, long commitTimeMs, long[] receivedAtMs, long newestEventTimeMs) {
        for (long r : receivedAtMs) {
            latency.labelValues(layer).observe(Math.max(0, commitTimeMs - r) / 1000.0);
        }
        if (newestEventTimeMs > 0) {
            newestEventTime.merge(layer, newestEventTimeMs, Math::max);
        }
    }

    @Override
    public void maintenanceScheduled(String table, String operation) {
        // Series at zero from the start: the failure alert and the dashboards have data before the first run.
        maintenance.labelValues(table, operation, "ok");
        maintenance.labelValues(table, operation, "failed");
    }

    @Override
    public void maintained(String table, String operation, boolean ok, long durationMs) {
        maintenance.labelValues(table, operation, ok ? "ok" : "failed").inc();
        maintenanceDuration.labelValues(table, operation).set(durationMs / 1000.0);
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
