package io.clickstream.gateway.pipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** SparkApplications and driver pods as the Spark operator leaves them, written to the mock API server. */
final class SparkApplicationFixtures {
    static final String NS = "analytics";

    private SparkApplicationFixtures() {
    }

    static Resource<GenericKubernetesResource> app(KubernetesClient client, String name) {
        return client.genericKubernetesResources(SparkApplications.CONTEXT).inNamespace(NS).withName(name);
    }

    /** Creates the application the way the chart renders it (labels, spec), without status. */
    static GenericKubernetesResource create(KubernetesClient client, String name, String layer) {
        GenericKubernetesResource app = new GenericKubernetesResource();
        app.setApiVersion(SparkApplications.GROUP + "/" + SparkApplications.VERSION);
        app.setKind(SparkApplications.KIND);
        app.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS)
                .withLabels(Map.of("clickstream.io/layer", layer, "app.kubernetes.io/managed-by", "Helm"))
                .withAnnotations(Map.of("meta.helm.sh/release-name", "cs"))
                .build());
        app.setAdditionalProperty("spec", Map.of(
                "type", "Java",
                "mainClass", "io.clickstream.spark.app." + Character.toUpperCase(layer.charAt(0)) + layer.substring(1) + "Job",
                "mainApplicationFile", "local:///opt/clickstream/clickstream-spark-apps.jar",
                "sparkVersion", "3.5.7",
                "restartPolicy", Map.of("type", "Always")));
        return client.genericKubernetesResources(SparkApplications.CONTEXT).inNamespace(NS).resource(app).create();
    }

    /** Sets the operator's status: state, driver pod name and submission time. */
    static void status(KubernetesClient client, String name, String state, String driverPod, String error) {
        GenericKubernetesResource app = app(client, name).get();
        Map<String, Object> applicationState = new HashMap<>();
        applicationState.put("state", state);
        if (error != null) {
            applicationState.put("errorMessage", error);
        }
        Map<String, Object> status = new HashMap<>();
        status.put("applicationState", applicationState);
        status.put("lastSubmissionAttemptTime", "2026-11-23T10:00:00Z");
        status.put("submissionAttempts", 1);
        status.put("executionAttempts", 1);
        if (driverPod != null) {
            status.put("driverInfo", Map.of("podName", driverPod));
        }
        app.setAdditionalProperty("status", status);
        app.getMetadata().setResourceVersion(null);
        client.genericKubernetesResources(SparkApplications.CONTEXT).inNamespace(NS).resource(app).update();
    }

    static Pod driverPod(KubernetesClient client, String name) {
        return client.pods().inNamespace(NS).resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace(NS).addToLabels("spark-role", "driver").endMetadata()
                .withNewSpec().addNewContainer().withName("spark-kubernetes-driver").withImage("spark").endContainer().endSpec()
                .build()).create();
    }

    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** A clock the tests move by hand: grace periods and backoffs without sleeping. */
    static final class MutableClock extends Clock {
        private volatile Instant now = Instant.parse("2026-11-23T10:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
