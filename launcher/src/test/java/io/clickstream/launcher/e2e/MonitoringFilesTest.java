package io.clickstream.launcher.e2e;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reading of grafana/ that {@link LocalStackIT} relies on, checked without a stack. */
class MonitoringFilesTest {
    private static final Path GRAFANA = Path.of(System.getProperty("clickstream.home", "..")).resolve("grafana");

    @Test
    void metricNamesAreTheSelectorsNotFunctionsKeywordsLabelsOrNumbers() {
        assertThat(MonitoringFiles.metricNames(
                "histogram_quantile(0.99, sum by (le) (rate(clickstream_gateway_request_seconds_bucket{route=~\"events|pixel\"}[5m])))"))
                .containsExactly("clickstream_gateway_request_seconds_bucket");
        assertThat(MonitoringFiles.metricNames(
                "sum(rate(a_total[5m])) / clamp_min(sum(rate(b_total{query=\"silver\"}[5m])), 1e-9) > 0.05 and on () c > 0"))
                .containsExactly("a_total", "b_total", "c");
        assertThat(MonitoringFiles.metricNames("max by (layer, state) (clickstream_pipeline_state) == 1"))
                .containsExactly("clickstream_pipeline_state");
        assertThat(MonitoringFiles.metricNames("sum without (instance) (x offset 5m) * on(job) group_left(version) y"))
                .containsExactly("x", "y");
        assertThat(MonitoringFiles.metricNames("time() - max(w{l=\"by (x)\"}) unless bool z or vector(0) + 0x1F + Inf"))
                .containsExactly("w", "z");
        assertThat(MonitoringFiles.metricNames("label_replace(up, \"dst\", \"$1\", \"src\", \"(.*)\")")).containsExactly("up");
        assertThat(MonitoringFiles.metricNames("max(delta(clickstream_pipeline_restarts[1h])) >= 3")).containsExactly("clickstream_pipeline_restarts");
    }

    @Test
    void selectorsAreListedWithTheirMatchers() {
        assertThat(MonitoringFiles.selectors("sum(rate(a_total{x=\"1\"}[5m])) / clamp_min(sum(rate(a_total [5m])), 1) + b {y=~\"$y\"}"))
                .containsExactly("a_total{x=\"1\"}", "a_total", "b{y=~\"$y\"}");
    }

    /**
     * Two releases of the chart in one Prometheus must not add up on a dashboard: every selector of every panel, and
     * every other variable's query, keeps to the namespaces picked in the {@code namespace} variable.
     */
    @Test
    void everyDashboardQueryKeepsToTheChosenNamespaces() throws Exception {
        String scoped = "namespace=~\"$namespace\"";
        for (MonitoringFiles.Dashboard d : MonitoringFiles.dashboards(GRAFANA.resolve("dashboards"))) {
            assertThat(d.variables()).as(d.file()).anySatisfy(v -> {
                assertThat(v.name()).isEqualTo("namespace");
                assertThat(MonitoringFiles.labelValuesQuery(v.query())[1]).isEqualTo("namespace");
                assertThat(v.includeAll()).isTrue();
                assertThat(v.allValue()).isEqualTo(".*"); // also matches series without the label: the local stack
            });
            d.queries().forEach(q -> assertThat(MonitoringFiles.selectors(q.expr())).as(q.where() + ": " + q.expr())
                    .isNotEmpty().allSatisfy(sel -> assertThat(sel).contains(scoped)));
            d.variables().stream().filter(v -> v.type().equals("query") && !v.name().equals("namespace"))
                    .forEach(v -> assertThat(MonitoringFiles.labelValuesQuery(v.query())[0]).as(d.file() + " $" + v.name()).contains(scoped));
        }
    }

    @Test
    void grafanaVariablesAreReplacedAndUnknownOnesRefused() {
        Map<String, String> values = new java.util.HashMap<>(MonitoringFiles.builtIns(Duration.ofSeconds(5), Duration.ofHours(1)));
        values.put("site", ".*");
        assertThat(MonitoringFiles.substitute("sum(rate(x{site=~\"$site\"}[$__rate_interval])) + y{s=\"${site:regex}\"} + z{s=\"[[site]]\"}[${__range}]", values))
                .isEqualTo("sum(rate(x{site=~\".*\"}[20s])) + y{s=\".*\"} + z{s=\".*\"}[1h]");
        assertThat(MonitoringFiles.substitute("label_replace(a, \"d\", \"$1\", \"s\", \"(.*)\")", values)).contains("\"$1\"");
        assertThatThrownBy(() -> MonitoringFiles.substitute("x{job=~\"$job\"}", values)).hasMessageContaining("$job");
        assertThat(MonitoringFiles.builtIns(Duration.ofSeconds(15), Duration.ofHours(24))).containsEntry("__rate_interval", "1m")
                .containsEntry("__range", "24h");
        assertThat(MonitoringFiles.labelValuesQuery("label_values(clickstream_gateway_events_received_total, site)"))
                .containsExactly("clickstream_gateway_events_received_total", "site");
        assertThat(MonitoringFiles.goDuration("1m30s")).isEqualTo(Duration.ofSeconds(90));
    }

    @Test
    void everyDashboardAndRuleFileIsRead() throws Exception {
        List<MonitoringFiles.Dashboard> dashboards = MonitoringFiles.dashboards(GRAFANA.resolve("dashboards"));
        assertThat(dashboards).extracting(MonitoringFiles.Dashboard::file)
                .contains("ingest-gateway.json", "pipeline.json", "data-quality.json", "business.json");
        dashboards.forEach(d -> assertThat(d.queries()).as(d.file()).isNotEmpty()
                .allSatisfy(q -> assertThat(MonitoringFiles.metricNames(q.expr())).as(q.where() + ": " + q.expr()).isNotEmpty()));
        // Panels inside a collapsed row are read too.
        assertThat(dashboards.stream().filter(d -> d.file().equals("pipeline.json")).findFirst().orElseThrow().queries())
                .extracting(MonitoringFiles.PanelQuery::expr).anyMatch(e -> e.contains("clickstream_pipeline_state"));
        List<MonitoringFiles.Rule> rules = MonitoringFiles.rules(GRAFANA.resolve("alerts"));
        assertThat(rules).extracting(MonitoringFiles.Rule::name)
                .contains("ClickstreamGatewayErrorRate", "ClickstreamPipelineLayerDown");
        assertThat(rules).allSatisfy(r -> assertThat(MonitoringFiles.metricNames(r.expr())).as(r.where()).isNotEmpty());
    }
}
