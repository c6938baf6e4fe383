package io.clickstream.gateway.pipeline;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.MockWebServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.NS;
import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.await;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/**
 * The gateway as the chart runs it: supervisor on, Kubernetes API at the fabric8 mock server (CRUD), so
 * GET /pipeline and /q/metrics show the applications the informer sees.
 */
@QuarkusTest
@TestProfile(PipelineEndpointKubernetesTest.SupervisorOn.class)
@QuarkusTestResource(value = PipelineEndpointKubernetesTest.MockApiServer.class, restrictToAnnotatedClass = true)
class PipelineEndpointKubernetesTest {

    public static class SupervisorOn implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "clickstream.supervisor.enabled", "true",
                    "clickstream.supervisor.namespace", NS,
                    "clickstream.supervisor.identity", "gateway-test",
                    "clickstream.supervisor.check-interval", "PT0.5S");
        }
    }

    public static class MockApiServer implements QuarkusTestResourceLifecycleManager {
        static KubernetesMockServer server;

        @Override
        public Map<String, String> start() {
            // CRUD mode: the server keeps what is written to it, like a real API server.
            server = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
            server.init();
            try (KubernetesClient client = server.createClient()) {
                SparkApplicationFixtures.create(client, "cs-bronze", "bronze");
                SparkApplicationFixtures.driverPod(client, "cs-bronze-driver");
                SparkApplicationFixtures.status(client, "cs-bronze", "RUNNING", "cs-bronze-driver", null);
                SparkApplicationFixtures.create(client, "cs-gold", "gold");
                SparkApplicationFixtures.status(client, "cs-gold", "SUBMISSION_FAILED", null, "image pull failed");
            }
            // quarkus.kubernetes-client.* are fixed at build time; fabric8's own system properties are read when
            // the client is created, after the server's port is known.
            PROPERTIES.forEach((k, v) -> System.setProperty(k, v));
            System.setProperty("kubernetes.master", server.url("/"));
            return Map.of();
        }

        private static final Map<String, String> PROPERTIES = Map.of(
                "kubernetes.namespace", NS,
                "kubernetes.trust.certificates", "true",
                "kubernetes.auth.tryKubeConfig", "false",
                "kubernetes.auth.tryServiceAccount", "false");

        @Override
        public void stop() {
            PROPERTIES.keySet().forEach(System::clearProperty);
            System.clearProperty("kubernetes.master");
            if (server != null) {
                server.destroy();
            }
        }
    }

    @Test
    void pipelineShowsEachLayerAndPrometheusGetsItsGauges() {
        await("the supervisor saw both applications", () -> given().get("/pipeline").jsonPath().getList("applications").size() == 2);
        given().when().get("/pipeline").then()
                .statusCode(200)
                .body("enabled", equalTo(true))
                .body("namespace", equalTo(NS))
                .body("identity", equalTo("gateway-test"))
                .body("applications", hasSize(2))
                .body("applications[0].application", equalTo("cs-bronze"))
                .body("applications[0].layer", equalTo("bronze"))
                .body("applications[0].state", equalTo("RUNNING"))
                .body("applications[0].driverPodPresent", equalTo(true))
                .body("applications[0].submissionTime", equalTo("2026-11-23T10:00:00Z"))
                .body("applications[1].layer", equalTo("gold"))
                .body("applications[1].state", equalTo("SUBMISSION_FAILED"))
                .body("applications[1].errorMessage", equalTo("image pull failed"));
        await("the only replica leads", () -> given().get("/pipeline").jsonPath().getBoolean("leader"));
        given().when().get("/q/metrics").then()
                .statusCode(200)
                .body(containsString("clickstream_pipeline_running{application=\"cs-bronze\",layer=\"bronze\"} 1.0"))
                .body(containsString("clickstream_pipeline_running{application=\"cs-gold\",layer=\"gold\"} 0.0"))
                .body(containsString("clickstream_pipeline_state{application=\"cs-gold\",layer=\"gold\",state=\"SUBMISSION_FAILED\"} 1.0"))
                .body(containsString("clickstream_pipeline_leader 1.0"));
    }
}
