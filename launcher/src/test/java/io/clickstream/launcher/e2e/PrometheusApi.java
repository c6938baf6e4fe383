package io.clickstream.launcher.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The few calls of Prometheus' HTTP API (v1) the end-to-end test makes. */
final class PrometheusApi {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The answer to a query: Prometheus' status, its error if any, and the result (a JSON array). */
    record Answer(String status, String error, JsonNode result) {
        boolean success() {
            return "success".equals(status);
        }

        /** The single value of a one-series answer, 0 for an empty one (a counter never incremented). */
        double valueOrZero() {
            if (result.isEmpty()) {
                return 0;
            }
            if (result.size() != 1) {
                throw new IllegalStateException("expected one series, got " + result);
            }
            return Double.parseDouble(result.get(0).get("value").get(1).asText());
        }

        List<String> values() {
            List<String> out = new ArrayList<>();
            result.forEach(r -> out.add(r.path("metric") + "=" + r.path("value").path(1).asText()));
            return out;
        }
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final String url;

    PrometheusApi(String url) {
        this.url = url;
    }

    /** An instant query at the current time (POST, so long expressions are fine). */
    Answer query(String expr) throws IOException, InterruptedException {
        JsonNode body = send(HttpRequest.newBuilder(URI.create(url + "/api/v1/query"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8))));
        return new Answer(body.path("status").asText(), body.path("errorType").asText("") + " " + body.path("error").asText(""),
                body.path("data").path("result"));
    }

    /** Every metric name Prometheus holds a series of. */
    Set<String> metricNames() throws IOException, InterruptedException {
        return new LinkedHashSet<>(labelValues("__name__", null));
    }

    /** Values of a label, of the series matching {@code match} (all series when null). */
    List<String> labelValues(String label, String match) throws IOException, InterruptedException {
        String q = match == null ? "" : "?match[]=" + URLEncoder.encode(match, StandardCharsets.UTF_8);
        JsonNode data = data("/api/v1/label/" + label + "/values" + q);
        List<String> out = new ArrayList<>();
        data.forEach(v -> out.add(v.asText()));
        return out;
    }

    JsonNode activeTargets() throws IOException, InterruptedException {
        return data("/api/v1/targets?state=active").path("activeTargets");
    }

    /** Rule groups as Prometheus loaded and evaluates them. */
    JsonNode ruleGroups() throws IOException, InterruptedException {
        return data("/api/v1/rules").path("groups");
    }

    JsonNode alerts() throws IOException, InterruptedException {
        return data("/api/v1/alerts").path("alerts");
    }

    boolean ready() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(url + "/-/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private JsonNode data(String pathAndQuery) throws IOException, InterruptedException {
        JsonNode body = send(HttpRequest.newBuilder(URI.create(url + pathAndQuery)).GET());
        if (!"success".equals(body.path("status").asText())) {
            throw new IllegalStateException(pathAndQuery + ": " + body);
        }
        return body.path("data");
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new IOException("Prometheus answered " + r.statusCode() + " with no JSON: " + r.body(), e);
        }
    }
}
