package io.clickstream.gateway.pipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.NS;
import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.app;
import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.await;
import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.create;
import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.driverPod;
import static io.clickstream.gateway.pipeline.SparkApplicationFixtures.status;
import static org.assertj.core.api.Assertions.assertThat;

/** The supervisor against the fabric8 mock API server in CRUD mode: a real informer, real Lease updates. */
@EnableKubernetesMockClient(crud = true)
class PipelineSupervisorTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    private static final Duration GRACE = Duration.ofMinutes(2);
    private static final Duration INITIAL_BACKOFF = Duration.ofSeconds(30);

    private final List<PipelineSupervisor> started = new ArrayList<>();
    private final List<KubernetesClient> clients = new ArrayList<>();

    @BeforeEach
    void clean() {
        client.genericKubernetesResources(SparkApplications.CONTEXT).inNamespace(NS).delete();
        client.pods().inNamespace(NS).delete();
        client.leases().inNamespace(NS).delete();
    }

    @AfterEach
    void stop() {
        started.forEach(PipelineSupervisor::close);
        clients.forEach(KubernetesClient::close);
    }

    static {
        // The mock server logs every request at INFO: the lease renewals alone would drown the test output.
        java.util.logging.Logger.getLogger("io.fabric8.mockwebserver").setLevel(java.util.logging.Level.WARNING);
    }

    private PipelineSupervisor supervisor(String identity, SparkApplicationFixtures.MutableClock clock, SimpleMeterRegistry registry,
                                          KubernetesClient k8s) {
        return supervisor(identity, clock, registry, k8s, GRACE);
    }

    private PipelineSupervisor supervisor(String identity, SparkApplicationFixtures.MutableClock clock, SimpleMeterRegistry registry,
                                          KubernetesClient k8s, Duration grace) {
        PipelineSupervisor s = new PipelineSupervisor(k8s, new PipelineSupervisor.Settings(NS, identity,
                "clickstream.io/layer", "clickstream-supervisor", true, INITIAL_BACKOFF, Duration.ofMinutes(10), grace,
                Duration.ofHours(1), // periodic checks off: the tests call evaluate() after moving the clock
                Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200)), registry, clock);
        started.add(s);
        s.start();
        return s;
    }

    private PipelineSupervisor leader(SparkApplicationFixtures.MutableClock clock, SimpleMeterRegistry registry) {
        PipelineSupervisor s = supervisor("gateway-0", clock, registry, client);
        await("gateway-0 leads", s::isLeader);
        return s;
    }

    private static Optional<ApplicationStatus> statusOf(PipelineSupervisor s, String name) {
        return s.applications().stream().filter(a -> a.application().equals(name)).findFirst();
    }

    private static double gauge(SimpleMeterRegistry registry, String name, String application, String... moreTags) {
        var search = registry.find(name).tag("application", application);
        if (moreTags.length == 2) {
            search = search.tag(moreTags[0], moreTags[1]);
        }
        Gauge g = search.gauge();
        return g == null ? Double.NaN : g.value();
    }

    @Test
    void followsStateChangesInStatusAndGauges() {
        var clock = new SparkApplicationFixtures.MutableClock();
        var registry = new SimpleMeterRegistry();
        create(client, "cs-bronze", "bronze");
        status(client, "cs-bronze", "SUBMITTED", null, null);
        PipelineSupervisor s = leader(clock, registry);

        await("SUBMITTED is seen", () -> statusOf(s, "cs-bronze").map(a -> a.state().equals("SUBMITTED")).orElse(false));
        assertThat(gauge(registry, "clickstream_pipeline_state", "cs-bronze", "state", "SUBMITTED")).isEqualTo(1.0);
        assertThat(gauge(registry, "clickstream_pipeline_running", "cs-bronze")).isZero();

        driverPod(client, "cs-bronze-driver");
        status(client, "cs-bronze", "RUNNING", "cs-bronze-driver", null);
        await("RUNNING is seen", () -> statusOf(s, "cs-bronze").map(ApplicationStatus::running).orElse(false));
        ApplicationStatus running = statusOf(s, "cs-bronze").orElseThrow();
        assertThat(running.layer()).isEqualTo("bronze");
        assertThat(running.driverPodPresent()).isTrue();
        assertThat(running.submissionTime()).hasToString("2026-11-23T10:00:00Z");
        assertThat(running.problem()).isNull();
        assertThat(gauge(registry, "clickstream_pipeline_running", "cs-bronze")).isEqualTo(1.0);
        assertThat(gauge(registry, "clickstream_pipeline_state", "cs-bronze", "state", "SUBMITTED")).isZero();
        assertThat(gauge(registry, "clickstream_pipeline_state", "cs-bronze", "state", "RUNNING")).isEqualTo(1.0);
        assertThat(gauge(registry, "clickstream_pipeline_driver_present", "cs-bronze")).isEqualTo(1.0);
        assertThat(gauge(registry, "clickstream_pipeline_execution_attempts", "cs-bronze")).isEqualTo(1.0);

        status(client, "cs-bronze", "FAILING", "cs-bronze-driver", "query bronze stopped: boom");
        await("FAILING is seen", () -> statusOf(s, "cs-bronze").map(a -> a.state().equals("FAILING")).orElse(false));
        assertThat(statusOf(s, "cs-bronze").orElseThrow().errorMessage()).isEqualTo("query bronze stopped: boom");
        assertThat(gauge(registry, "clickstream_pipeline_running", "cs-bronze")).isZero();
    }

    @Test
    void resubmitsARunningApplicationWhoseDriverPodIsGoneAfterTheGracePeriod() {
        var clock = new SparkApplicationFixtures.MutableClock();
        var registry = new SimpleMeterRegistry();
        String uid = create(client, "cs-silver", "silver").getMetadata().getUid();
        driverPod(client, "cs-silver-driver");
        status(client, "cs-silver", "RUNNING", "cs-silver-driver", null);
        PipelineSupervisor s = leader(clock, registry);
        await("RUNNING is seen", () -> statusOf(s, "cs-silver").map(ApplicationStatus::running).orElse(false));

        // Evicted driver: the operator never notices and the application keeps claiming RUNNING.
        client.pods().inNamespace(NS).withName("cs-silver-driver").delete();
        await("driver pod gone", () -> client.pods().inNamespace(NS).withName("cs-silver-driver").get() == null);
        s.evaluate();
        ApplicationStatus lost = statusOf(s, "cs-silver").orElseThrow();
        assertThat(lost.problem()).contains("driver pod cs-silver-driver is gone");
        assertThat(lost.driverPodPresent()).isFalse();
        assertThat(lost.running()).isFalse();
        assertThat(lost.nextResubmission()).isEqualTo(clock.instant().plus(GRACE));

        clock.advance(GRACE.minusSeconds(1));
        s.evaluate();
        assertThat(app(client, "cs-silver").get().getMetadata().getUid()).as("not yet resubmitted").isEqualTo(uid);

        clock.advance(Duration.ofSeconds(1));
        s.evaluate();
        GenericKubernetesResource fresh = app(client, "cs-silver").get();
        assertThat(fresh.getMetadata().getUid()).as("deleted and created again").isNotEqualTo(uid);
        assertThat(fresh.getMetadata().getAnnotations())
                .containsEntry("clickstream.io/restarts", "1")
                .containsEntry("meta.helm.sh/release-name", "cs");
        assertThat(fresh.getMetadata().getLabels()).containsEntry("clickstream.io/layer", "silver");
        assertThat(fresh.getAdditionalProperties()).containsKey("spec").doesNotContainKey("status");
        await("restart counted", () -> statusOf(s, "cs-silver").map(a -> a.restarts() == 1).orElse(false));
        assertThat(gauge(registry, "clickstream_pipeline_restarts", "cs-silver")).isEqualTo(1.0);
        assertThat(registry.find("clickstream_pipeline_resubmissions").tag("application", "cs-silver").counter().count()).isEqualTo(1.0);
    }

    @Test
    void resubmitsACompletedStreamingApplicationWithGrowingBackoff() {
        var clock = new SparkApplicationFixtures.MutableClock();
        var registry = new SimpleMeterRegistry();
        Duration grace = Duration.ofSeconds(10);
        create(client, "cs-gold", "gold");
        // An exception thrown from main leaves the application COMPLETED: OnFailure would never fire.
        status(client, "cs-gold", "COMPLETED", "cs-gold-driver", null);
        PipelineSupervisor s = supervisor("gateway-0", clock, registry, client, grace);
        await("gateway-0 leads", s::isLeader);
        await("COMPLETED is seen", () -> statusOf(s, "cs-gold").map(a -> "application COMPLETED".equals(a.problem())).orElse(false));

        clock.advance(grace);
        s.evaluate();
        await("first resubmission", () -> SparkApplications.restarts(app(client, "cs-gold").get()) == 1);
        assertThat(SparkApplications.lastRestart(app(client, "cs-gold").get())).isEqualTo(clock.instant());

        // It ends again at once: the second resubmission waits for the doubled backoff (60 s), not the grace (10 s).
        status(client, "cs-gold", "COMPLETED", "cs-gold-driver-2", null);
        await("second COMPLETED is seen", () -> statusOf(s, "cs-gold").map(a -> a.problem() != null).orElse(false));
        s.evaluate();
        assertThat(statusOf(s, "cs-gold").orElseThrow().nextResubmission())
                .isEqualTo(SparkApplications.lastRestart(app(client, "cs-gold").get()).plus(INITIAL_BACKOFF.multipliedBy(2)));
        clock.advance(grace);
        s.evaluate();
        assertThat(SparkApplications.restarts(app(client, "cs-gold").get())).as("grace over, backoff not").isEqualTo(1);

        clock.advance(INITIAL_BACKOFF.multipliedBy(2).minus(grace));
        s.evaluate();
        await("second resubmission", () -> SparkApplications.restarts(app(client, "cs-gold").get()) == 2);
        assertThat(s.backoff(20)).as("capped").isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void anApplicationTheOperatorTakesLongToReleaseIsStillSubmittedAgain() {
        var clock = new SparkApplicationFixtures.MutableClock();
        var registry = new SimpleMeterRegistry();
        Duration grace = Duration.ofSeconds(10);
        create(client, "cs-silver", "silver");
        // The Spark operator 2.x holds each application with a finalizer until it has cleaned its driver up.
        app(client, "cs-silver").edit(a -> {
            a.getMetadata().setFinalizers(List.of("sparkoperator.k8s.io/finalizer"));
            return a;
        });
        status(client, "cs-silver", "COMPLETED", "cs-silver-driver", null);
        PipelineSupervisor s = supervisor("gateway-0", clock, registry, client, grace);
        await("gateway-0 leads", s::isLeader);
        await("COMPLETED is seen", () -> statusOf(s, "cs-silver").map(a -> a.problem() != null).orElse(false));

        clock.advance(grace);
        s.evaluate();
        assertThat(app(client, "cs-silver").get().getMetadata().getDeletionTimestamp()).as("deleted, held").isNotNull();
        // The operator lets go minutes later, long after the supervisor stopped waiting for it.
        clock.advance(Duration.ofMinutes(5));
        s.evaluate();
        app(client, "cs-silver").edit(a -> {
            a.getMetadata().setFinalizers(List.of());
            return a;
        });
        await("submitted again", () -> {
            GenericKubernetesResource a = app(client, "cs-silver").get();
            return a != null && a.getMetadata().getDeletionTimestamp() == null && SparkApplications.restarts(a) == 1;
        });
        await("still supervised", () -> statusOf(s, "cs-silver").isPresent());
    }

    @Test
    void forgetsADeletedApplicationAndNeverRecreatesIt() {
        var clock = new SparkApplicationFixtures.MutableClock();
        var registry = new SimpleMeterRegistry();
        create(client, "cs-bronze", "bronze");
        status(client, "cs-bronze", "FAILED", null, "driver exited 1");
        PipelineSupervisor s = leader(clock, registry);
        await("FAILED is seen", () -> statusOf(s, "cs-bronze").isPresent());
        assertThat(gauge(registry, "clickstream_pipeline_state", "cs-bronze", "state", "FAILED")).isEqualTo(1.0);

        // helm uninstall or kubectl delete: a decision, not a crash.
        app(client, "cs-bronze").delete();
        await("deletion seen", () -> s.applications().isEmpty());
        clock.advance(GRACE.multipliedBy(10));
        s.evaluate();
        assertThat(app(client, "cs-bronze").get()).isNull();
        assertThat(s.applications()).isEmpty();
        assertThat(registry.find("clickstream_pipeline_state").tag("application", "cs-bronze").gauges()).isEmpty();
    }

    @Test
    void onlyTheReplicaHoldingTheLeaseResubmitsAndTheOtherTakesOver() {
        var clock0 = new SparkApplicationFixtures.MutableClock();
        var clock1 = new SparkApplicationFixtures.MutableClock();
        KubernetesClient client0 = server.createClient();
        KubernetesClient client1 = server.createClient();
        clients.add(client0);
        clients.add(client1);
        create(client, "cs-silver", "silver");
        status(client, "cs-silver", "COMPLETED", null, null);

        PipelineSupervisor a = supervisor("gateway-a", clock0, new SimpleMeterRegistry(), client0);
        PipelineSupervisor b = supervisor("gateway-b", clock1, new SimpleMeterRegistry(), client1);
        await("one leader", () -> a.isLeader() || b.isLeader());
        PipelineSupervisor leader = a.isLeader() ? a : b;
        PipelineSupervisor follower = leader == a ? b : a;
        var followerClock = leader == a ? clock1 : clock0;
        var leaderClock = leader == a ? clock0 : clock1;
        // Several renewals later there is still exactly one leader, and the Lease names it.
        await("renewals", () -> client.leases().inNamespace(NS).withName("clickstream-supervisor").get()
                .getSpec().getLeaseTransitions() != null);
        assertThat(follower.isLeader()).isFalse();
        assertThat(client.leases().inNamespace(NS).withName("clickstream-supervisor").get().getSpec().getHolderIdentity())
                .isEqualTo(leader.identity());

        await("both see the application", () -> statusOf(a, "cs-silver").isPresent() && statusOf(b, "cs-silver").isPresent());
        followerClock.advance(GRACE.multipliedBy(2));
        follower.evaluate();
        assertThat(SparkApplications.restarts(app(client, "cs-silver").get())).as("the follower does not act").isZero();

        leaderClock.advance(GRACE.multipliedBy(2));
        leader.evaluate();
        await("the leader resubmitted", () -> SparkApplications.restarts(app(client, "cs-silver").get()) == 1);

        // The leader goes away (rolling update): the other replica takes the Lease over.
        leader.close();
        await("failover", follower::isLeader);
        assertThat(client.leases().inNamespace(NS).withName("clickstream-supervisor").get().getSpec().getHolderIdentity())
                .isEqualTo(follower.identity());
    }
}
