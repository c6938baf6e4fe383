package io.clickstream.gateway.pipeline;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

/** Outside Kubernetes (the default): the supervisor is off, says so, and creates no Kubernetes client. */
@QuarkusTest
class PipelineEndpointTest {

    @Test
    void pipelineSaysTheSupervisorIsOffAndExportsNoPipelineMetrics() {
        given().when().get("/pipeline").then()
                .statusCode(200)
                .body("enabled", equalTo(false))
                .body("leader", equalTo(false))
                .body("applications", empty());
        given().when().get("/q/metrics").then()
                .statusCode(200)
                .body(not(containsString("clickstream_pipeline_")));
    }
}
