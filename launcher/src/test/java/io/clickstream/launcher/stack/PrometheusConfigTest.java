package io.clickstream.launcher.stack;

import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

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

    /** Prometheus' own checker on the generated file, with the project's rule files (promtool: Debian's prometheus). */
    @Test
    void promtoolAcceptsTheGeneratedConfigAndItsRules(@TempDir Path dir) throws Exception {
        Path home = Path.of("..").toAbsolutePath().normalize();
        List<Path> rules = PrometheusConfig.ruleFiles(home);
        assertThat(rules).as("alert rule files under " + home.resolve("grafana/alerts")).hasSizeGreaterThanOrEqualTo(2);
        StackSettings s = new StackSettings(home, dir, 8181, 9192, 9465, 9091, true, "2g");
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, PrometheusConfig.render(s, rules));
        Path log = dir.resolve("promtool.log");
        Process p = new ProcessBuilder("promtool", "check", "config", config.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean finished = p.waitFor(60, TimeUnit.SECONDS);
        p.destroyForcibly();
        String output = Files.readString(log);
        assertThat(finished).as(output).isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        assertThat(output).contains("SUCCESS");
    }
}
