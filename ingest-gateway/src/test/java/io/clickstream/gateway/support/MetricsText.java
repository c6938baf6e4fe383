package io.clickstream.gateway.support;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Reads one sample from the Prometheus text format of /q/metrics. */
public final class MetricsText {
    private MetricsText() {
    }

    /** The value of a series, e.g. {@code name{label="x"}}; fails if the series is not there. */
    public static double value(String metrics, String series) {
        Matcher m = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE).matcher(metrics);
        assertThat(m.find()).as(series + " in /q/metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** The value of a counter's series, 0 while nothing has created it yet. */
    public static double countOrZero(String metrics, String series) {
        return metrics.contains(series + " ") ? value(metrics, series) : 0;
    }
}
