package io.clickstream.gateway.publishing;

import io.clickstream.gateway.config.GatewayConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Talks to Kafka outside the publishing path: creates the topics at start-up (retrying until Kafka is there),
 * and tells readiness whether the cluster answers.
 */
@ApplicationScoped
public class KafkaAdmin {
    private static final Logger LOG = Logger.getLogger(KafkaAdmin.class);

    private final GatewayConfig config;
    private final Admin admin;
    private final AtomicBoolean topicsReady = new AtomicBoolean();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "kafka-topic-init");
        t.setDaemon(true);
        return t;
    });
    private volatile long lastCheckNanos;
    private volatile boolean lastReachable;

    public KafkaAdmin(GatewayConfig config, @ConfigProperty(name = "kafka.bootstrap.servers") String bootstrap) {
        this.config = config;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 3000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000));
    }

    void onStart(@Observes StartupEvent event) {
        retries.execute(this::ensureTopics);
    }

    void onStop(@Observes ShutdownEvent event) {
        retries.shutdownNow();
        admin.close(java.time.Duration.ofSeconds(2));
    }

    private void ensureTopics() {
        GatewayConfig.Kafka k = config.kafka();
        try {
            Set<String> existing = admin.listTopics().names().get(5, TimeUnit.SECONDS);
            List<NewTopic> missing = List.of(k.eventsTopic(), k.deadLettersTopic()).stream()
                    .filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, k.partitions(), k.replicationFactor()))
                    .toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(10, TimeUnit.SECONDS);
                LOG.infof("created Kafka topics %s with %d partitions", missing.stream().map(NewTopic::name).toList(), k.partitions());
            }
            topicsReady.set(true);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicExistsException) {
                topicsReady.set(true); // another gateway replica won the race
                return;
            }
            retryLater(e.getCause());
        } catch (TimeoutException e) {
            retryLater(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void retryLater(Throwable cause) {
        LOG.warnf("Kafka topics not ready yet (%s); retrying in 2 s", cause.toString());
        retries.schedule(this::ensureTopics, 2, TimeUnit.SECONDS);
    }

    public boolean topicsReady() {
        return topicsReady.get();
    }

    /** Whether the cluster answered a metadata request recently; cached for a second so probes stay cheap. */
    public boolean reachable() {
        long now = System.nanoTime();
        if (now - lastCheckNanos < TimeUnit.SECONDS.toNanos(1)) {
            return lastReachable;
        }
        boolean ok;
        try {
            ok = !admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).isEmpty();
        } catch (ExecutionException | TimeoutException e) {
            ok = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ok = false;
        }
        lastReachable = ok;
        lastCheckNanos = now;
        return ok;
    }
}
