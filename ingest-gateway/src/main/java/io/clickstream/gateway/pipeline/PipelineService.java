package io.clickstream.gateway.pipeline;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Runs the {@link PipelineSupervisor} when {@code clickstream.supervisor.enabled} is true. When it is false (the
 * default, and everywhere outside Kubernetes) no Kubernetes client is ever created.
 */
@ApplicationScoped
public class PipelineService {
    private static final Logger LOG = Logger.getLogger(PipelineService.class);

    private final SupervisorConfig config;
    private final Instance<KubernetesClient> client;
    private final MeterRegistry registry;
    private volatile PipelineSupervisor supervisor;

    public PipelineService(SupervisorConfig config, Instance<KubernetesClient> client, MeterRegistry registry) {
        this.config = config;
        this.client = client;
        this.registry = registry;
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        KubernetesClient k8s = client.get();
        String namespace = config.namespace().filter(n -> !n.isBlank()).orElseGet(() -> Optional.ofNullable(k8s.getNamespace()).orElse("default"));
        PipelineSupervisor s = new PipelineSupervisor(k8s, new PipelineSupervisor.Settings(namespace, identity(),
                config.labelSelector(), config.leaseName(), config.resubmit(), config.initialBackoff(), config.maxBackoff(),
                config.gracePeriod(), config.checkInterval(), config.leaseDuration(), config.renewDeadline(),
                config.retryPeriod()), registry, Clock.systemUTC());
        s.start();
        supervisor = s;
    }

    void onStop(@Observes ShutdownEvent event) {
        PipelineSupervisor s = supervisor;
        if (s != null) {
            s.close();
        }
    }

    private String identity() {
        return config.identity().filter(i -> !i.isBlank()).orElseGet(() -> {
            try {
                return InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                String id = "gateway-" + UUID.randomUUID();
                LOG.warnf("no host name; leader election identity %s", id);
                return id;
            }
        });
    }

    /** What GET /pipeline answers. */
    public record Pipeline(boolean enabled, String namespace, String identity, boolean leader,
                           List<ApplicationStatus> applications) {
    }

    public Pipeline pipeline() {
        PipelineSupervisor s = supervisor;
        if (s == null) {
            return new Pipeline(false, null, null, false, List.of());
        }
        return new Pipeline(true, s.namespace(), s.identity(), s.isLeader(), s.applications());
    }
}
