package io.clickstream.gateway.health;

import io.clickstream.gateway.publishing.KafkaAdmin;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Not ready while Kafka does not answer or the topics are missing: a load balancer sends beacons elsewhere. */
@Readiness
@ApplicationScoped
public class KafkaReadinessCheck implements HealthCheck {
    private final KafkaAdmin kafka;

    public KafkaReadinessCheck(KafkaAdmin kafka) {
        this.kafka = kafka;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reachable = kafka.reachable();
        return HealthCheckResponse.named("kafka")
                .status(reachable && kafka.topicsReady())
                .withData("reachable", reachable)
                .withData("topics", kafka.topicsReady())
                .build();
    }
}
