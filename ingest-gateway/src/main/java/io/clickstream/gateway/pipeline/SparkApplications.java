package io.clickstream.gateway.pipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * The few parts of a Kubeflow Spark operator {@code SparkApplication} (v1beta2) the supervisor reads, on the
 * generic resource: no generated model, so any operator version with the same status fields works.
 */
final class SparkApplications {
    static final String GROUP = "sparkoperator.k8s.io";
    static final String VERSION = "v1beta2";
    static final String KIND = "SparkApplication";
    static final ResourceDefinitionContext CONTEXT = new ResourceDefinitionContext.Builder()
            .withGroup(GROUP)
            .withVersion(VERSION)
            .withKind(KIND)
            .withPlural("sparkapplications")
            .withNamespaced(true)
            .build();

    static final String LAYER_LABEL = "clickstream.io/layer";
    static final String RESTARTS_ANNOTATION = "clickstream.io/restarts";
    static final String LAST_RESTART_ANNOTATION = "clickstream.io/last-restart";

    private SparkApplications() {
    }

    static String state(GenericKubernetesResource app) {
        Object s = path(app, "status", "applicationState", "state");
        return s == null || s.toString().isBlank() ? "UNKNOWN" : s.toString();
    }

    static String errorMessage(GenericKubernetesResource app) {
        Object s = path(app, "status", "applicationState", "errorMessage");
        return s == null || s.toString().isBlank() ? null : s.toString();
    }

    static String driverPod(GenericKubernetesResource app) {
        Object s = path(app, "status", "driverInfo", "podName");
        return s == null || s.toString().isBlank() ? null : s.toString();
    }

    static Instant submissionTime(GenericKubernetesResource app) {
        Object s = path(app, "status", "lastSubmissionAttemptTime");
        return s == null ? null : instant(s.toString());
    }

    static int number(GenericKubernetesResource app, String field) {
        Object s = path(app, "status", field);
        return s instanceof Number n ? n.intValue() : 0;
    }

    static String layer(GenericKubernetesResource app) {
        Map<String, String> labels = app.getMetadata().getLabels();
        return labels == null ? "" : labels.getOrDefault(LAYER_LABEL, "");
    }

    static int restarts(GenericKubernetesResource app) {
        String v = annotation(app, RESTARTS_ANNOTATION);
        try {
            return v == null ? 0 : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    static Instant lastRestart(GenericKubernetesResource app) {
        String v = annotation(app, LAST_RESTART_ANNOTATION);
        return v == null ? null : instant(v);
    }

    private static String annotation(GenericKubernetesResource app, String key) {
        Map<String, String> a = app.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    private static Instant instant(String v) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Object path(GenericKubernetesResource app, String... keys) {
        Object current = app.getAdditionalProperties();
        for (String k : keys) {
            if (!(current instanceof Map<?, ?> m)) {
                return null;
            }
            current = m.get(k);
        }
        return current;
    }
}
