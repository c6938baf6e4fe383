package io.clickstream.gateway.support;

import io.clickstream.localkafka.KafkaBroker;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * A real KRaft broker for {@code @QuarkusTest}s, one per test JVM and shared by every test class. Tests that
 * stop it (the 503 path) must start it again.
 */
@QuarkusTestResource(LocalKafkaResource.class) // applies to every @QuarkusTest of the module
public class LocalKafkaResource implements QuarkusTestResourceLifecycleManager {
    private static KafkaBroker broker;

    public static synchronized KafkaBroker broker() {
        if (broker == null) {
            broker = KafkaBroker.builder().start();
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", broker().bootstrapServers());
    }

    @Override
    public void stop() {
        // Kept for the next test class; the broker is tied to this JVM and exits with it.
    }
}
