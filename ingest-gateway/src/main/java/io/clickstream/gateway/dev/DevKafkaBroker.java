package io.clickstream.gateway.dev;

import io.clickstream.localkafka.KafkaBroker;
import io.quarkus.arc.profile.IfBuildProfile;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import io.clickstream.gateway.config.GatewayConfig;
import org.jboss.logging.Logger;

import java.nio.file.Path;

/**
 * In {@code quarkus:dev}, starts a real local KRaft broker (data in target/dev-kafka) so dev mode needs nothing
 * but a JDK. If something already listens on the port, that broker is used instead.
 */
@IfBuildProfile("dev")
@ApplicationScoped
public class DevKafkaBroker {
    private static final Logger LOG = Logger.getLogger(DevKafkaBroker.class);
    private KafkaBroker broker;

    void start(@Observes @Priority(1) StartupEvent event, GatewayConfig config) {
        int port = config.dev().kafkaPort();
        if (KafkaBroker.isListening(port)) {
            LOG.infof("dev mode: using the Kafka broker already on 127.0.0.1:%d", port);
            return;
        }
        broker = KafkaBroker.builder().dataDir(Path.of("target", "dev-kafka")).port(port).start();
        LOG.infof("dev mode: started a local Kafka broker on %s (log: %s)", broker.bootstrapServers(), broker.logFile());
    }

    void stop(@Observes ShutdownEvent event) {
        if (broker != null) {
            broker.stop();
        }
    }

}
