package io.clickstream.launcher.stack;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PrometheusConfigTest {

    @Test
    void scrapesEveryComponentOnItsPortAndLoadsTheRules() {
        StackSettings s = new StackSettings(Path.of("/repo"), Path.of("/repo/.clickstream"), 8181, 9192, 9465, 9091, true, "2g");
        String yaml = PrometheusConfig.render(s, List.of(Path.of("/repo/grafana/alerts/pipeline.rules.yml")));
        assertThat(yaml)
                .contains("job_name: ingest-gateway\n    metrics_path: /q/metrics")
                .contains("targets: ['127.0.0.1:8181']")
                .contains("job_name: spark-driver\n    metrics_path: /metrics")
                .contains("targets: ['127.0.0.1:9465']")
                .contains("rule_files:\n  - /repo/grafana/alerts/pipeline.rules.yml");
    }
}
