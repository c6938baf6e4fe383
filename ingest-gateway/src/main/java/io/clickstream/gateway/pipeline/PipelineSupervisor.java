package io.clickstream.gateway.pipeline;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectorBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Watches the medallion SparkApplications and resubmits a streaming application that the Spark operator left
 * ended (COMPLETED, or FAILED after its retries) or that claims RUNNING while its driver pod is gone. Only the
 * replica holding the Lease resubmits; every replica serves the status and the metrics.
 *
 * <p>A resubmission deletes the application and creates it again from its own spec (labels and annotations
 * kept, so helm still owns it): the one way every operator version submits anew. The restart count lives in
 * an annotation on the application, so it survives gateway restarts and leader changes.
 */
public final class PipelineSupervisor implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(PipelineSupervisor.class);

    /** States the operator reports; each gets a 0/1 series in clickstream_pipeline_state. */
    static final List<String> STATES = List.of("NEW", "SUBMITTED", "RUNNING", "COMPLETED", "FAILED",
            "SUBMISSION_FAILED", "PENDING_RERUN", "INVALIDATING", "SUCCEEDING", "FAILING", "SUSPENDING",
            "SUSPENDED", "RESUMING", "UNKNOWN");
    private static final Set<String> ENDED = Set.of("COMPLETED", "FAILED");
    /** How long a resubmission waits for the old application to be gone before it leaves the creation for later. */
    private static final Duration DELETE_WAIT = Duration.ofSeconds(10);
    /** How long after a resubmission the informer may still lack the new copy, before a missing one means deleted. */
    private static final Duration RESUBMIT_SETTLE = Duration.ofSeconds(60);

    /** What the supervisor needs to know; {@link SupervisorConfig} in the application, literals in tests. */
    public record Settings(String namespace, String identity, String labelSelector, String leaseName, boolean resubmit,
                           Duration initialBackoff, Duration maxBackoff, Duration gracePeriod, Duration checkInterval,
                           Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
    }

    private final KubernetesClient client;
    private final Settings settings;
    private final MeterRegistry registry;
    private final Clock clock;
    private final ScheduledExecutorService worker;
    private final ExecutorService electionExecutor;
    private final AtomicBoolean leader = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, Tracked> tracked = new ConcurrentHashMap<>();
    private final Map<String, ApplicationStatus> statuses = new ConcurrentHashMap<>();
    /** Applications deleted for a resubmission whose new copy is not created yet: the old one was still going. */
    private final Map<String, GenericKubernetesResource> toCreate = new ConcurrentHashMap<>();
    private volatile SharedIndexInformer<GenericKubernetesResource> informer;
    private volatile CompletableFuture<?> election;

    /** What the supervisor remembers per application between evaluations. */
    private static final class Tracked {
        Instant problemSince;
        Instant healthySince;
        Instant resubmittedAt;
        int consecutive;
        Meters meters;
    }

    private record Meters(List<Meter> meters, Counter resubmissions) {
    }

    public PipelineSupervisor(KubernetesClient client, Settings settings, MeterRegistry registry, Clock clock) {
        this.client = client;
        this.settings = settings;
        this.registry = registry;
        this.clock = clock;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "pipeline-supervisor"));
        this.electionExecutor = Executors.newCachedThreadPool(r -> daemon(r, "pipeline-leader-election"));
        Gauge.builder("clickstream_pipeline_leader", leader, l -> l.get() ? 1 : 0)
                .description("1 when this gateway replica holds the supervisor Lease and may resubmit applications")
                .register(registry);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts watching and electing; evaluations run on one thread, after every change and periodically. */
    public void start() {
        SharedIndexInformer<GenericKubernetesResource> inf = client.genericKubernetesResources(SparkApplications.CONTEXT)
                .inNamespace(settings.namespace())
                .withLabelSelector(settings.labelSelector())
                .runnableInformer(0);
        inf.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource app) {
                evaluateSoon();
            }

            @Override
            public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                evaluateSoon();
            }

            @Override
            public void onDelete(GenericKubernetesResource app, boolean finalStateUnknown) {
                evaluateSoon();
            }
        });
        // Assigned before it starts, so the evaluations its first events trigger can read its store.
        informer = inf;
        inf.start();
        long every = settings.checkInterval().toMillis();
        worker.scheduleWithFixedDelay(this::evaluateQuietly, every, every, TimeUnit.MILLISECONDS);
        elect();
        LOG.infof("pipeline supervisor watching SparkApplications (%s) in %s as %s", settings.labelSelector(),
                settings.namespace(), settings.identity());
    }

    private void elect() {
        if (closed.get()) {
            return;
        }
        LeaderElector elector = new LeaderElectorBuilder(client, electionExecutor)
                .withConfig(new LeaderElectionConfigBuilder()
                        .withName(settings.leaseName())
                        .withLock(new LeaseLock(settings.namespace(), settings.leaseName(), settings.identity()))
                        .withLeaseDuration(settings.leaseDuration())
                        .withRenewDeadline(settings.renewDeadline())
                        .withRetryPeriod(settings.retryPeriod())
                        // A replica that shuts down hands the Lease over at once instead of letting it expire.
                        .withReleaseOnCancel()
                        .withLeaderCallbacks(new LeaderCallbacks(
                                () -> {
                                    leader.set(true);
                                    LOG.infof("%s leads the pipeline supervisor", settings.identity());
                                    evaluateSoon();
                                },
                                () -> leader.set(false),
                                newLeader -> LOG.debugf("pipeline supervisor leader: %s", newLeader)))
                        .build())
                .build();
        election = elector.start();
        // fabric8's elector stops after losing the Lease; stand as a candidate again unless shutting down.
        election.whenComplete((ok, error) -> {
            leader.set(false);
            if (!closed.get()) {
                if (error != null && !(error instanceof java.util.concurrent.CancellationException)) {
                    LOG.warnf("leader election ended: %s; trying again", error.toString());
                }
                worker.schedule(this::elect, settings.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    public boolean isLeader() {
        return leader.get();
    }

    public String identity() {
        return settings.identity();
    }

    public String namespace() {
        return settings.namespace();
    }

    /** The applications as last evaluated, by layer then name. */
    public List<ApplicationStatus> applications() {
        List<ApplicationStatus> list = new ArrayList<>(statuses.values());
        list.sort(Comparator.comparing(ApplicationStatus::layer).thenComparing(ApplicationStatus::application));
        return list;
    }

    void evaluateSoon() {
        if (!closed.get()) {
            worker.execute(this::evaluateQuietly);
        }
    }

    private void evaluateQuietly() {
        try {
            evaluate();
        } catch (RuntimeException e) {
            LOG.warnf("pipeline evaluation failed: %s", e.toString());
        }
    }

    /** Looks at every application once: refreshes status and metrics, resubmits where due and allowed. */
    synchronized void evaluate() {
        SharedIndexInformer<GenericKubernetesResource> inf = informer;
        if (inf == null) {
            return;
        }
        Instant now = clock.instant();
        Map<String, GenericKubernetesResource> current = new LinkedHashMap<>();
        for (GenericKubernetesResource app : inf.getStore().list()) {
            current.put(app.getMetadata().getName(), app);
        }
        createResubmitted(current);
        // Applications deleted by someone else (helm uninstall, kubectl): forget them, never recreate them.
        // Our own delete-and-create may still be on its way through the informer: keep those for a while.
        for (Map.Entry<String, Tracked> e : new ArrayList<>(tracked.entrySet())) {
            Instant resubmitted = e.getValue().resubmittedAt;
            boolean ours = toCreate.containsKey(e.getKey())
                    || resubmitted != null && now.isBefore(resubmitted.plus(RESUBMIT_SETTLE));
            if (!current.containsKey(e.getKey()) && !ours) {
                forget(e.getKey());
            }
        }
        for (GenericKubernetesResource app : current.values()) {
            if (app.getMetadata().getDeletionTimestamp() == null) {
                evaluate(app, now);
            }
        }
    }

    /**
     * Creates the resubmitted applications whose old copy is gone by now: the operator's finalizer can hold a
     * deleted application for as long as the operator takes to clean its driver up, or is down.
     */
    private void createResubmitted(Map<String, GenericKubernetesResource> current) {
        for (Map.Entry<String, GenericKubernetesResource> e : new ArrayList<>(toCreate.entrySet())) {
            GenericKubernetesResource seen = current.get(e.getKey());
            if (seen != null && seen.getMetadata().getDeletionTimestamp() == null) {
                toCreate.remove(e.getKey()); // created, by us or by whoever else
            } else if (seen == null && leader.get() && create(e.getValue())) {
                toCreate.remove(e.getKey());
            }
        }
    }

    private boolean create(GenericKubernetesResource fresh) {
        try {
            client.genericKubernetesResources(SparkApplications.CONTEXT).inNamespace(settings.namespace()).resource(fresh).create();
            LOG.infof("%s submitted again", fresh.getMetadata().getName());
            return true;
        } catch (KubernetesClientException e) {
            LOG.errorf("creating %s again failed (will try again): %s", fresh.getMetadata().getName(), e.getMessage());
            return false;
        }
    }

    private void evaluate(GenericKubernetesResource app, Instant now) {
        String name = app.getMetadata().getName();
        Tracked t = tracked.computeIfAbsent(name, n -> new Tracked());
        String state = SparkApplications.state(app);
        String driverPod = SparkApplications.driverPod(app);
        Boolean driverPresent = null;
        if (driverPod != null) {
            driverPresent = client.pods().inNamespace(settings.namespace()).withName(driverPod).get() != null;
        }
        String problem = null;
        if (ENDED.contains(state)) {
            problem = "application " + state;
        } else if ("RUNNING".equals(state) && Boolean.FALSE.equals(driverPresent)) {
            problem = "RUNNING but driver pod " + driverPod + " is gone";
        }

        int restarts = SparkApplications.restarts(app);
        Instant lastRestart = SparkApplications.lastRestart(app);
        Instant due = null;
        if (problem == null) {
            t.problemSince = null;
            if ("RUNNING".equals(state)) {
                if (t.healthySince == null) {
                    t.healthySince = now;
                }
                // Running for longer than the longest backoff: the next failure starts from the first step again.
                if (Duration.between(t.healthySince, now).compareTo(settings.maxBackoff()) >= 0) {
                    t.consecutive = 0;
                }
            }
        } else {
            t.healthySince = null;
            if (t.problemSince == null) {
                t.problemSince = now;
                LOG.warnf("%s (%s): %s", name, SparkApplications.layer(app), problem);
            }
            due = t.problemSince.plus(settings.gracePeriod());
            if (lastRestart != null) {
                Instant afterBackoff = lastRestart.plus(backoff(t.consecutive));
                if (afterBackoff.isAfter(due)) {
                    due = afterBackoff;
                }
            }
        }

        ApplicationStatus status = new ApplicationStatus(name, SparkApplications.layer(app), state,
                SparkApplications.errorMessage(app), SparkApplications.submissionTime(app),
                SparkApplications.number(app, "submissionAttempts"), SparkApplications.number(app, "executionAttempts"),
                driverPod, driverPresent, restarts, lastRestart, problem, settings.resubmit() ? due : null);
        statuses.put(name, status);
        if (t.meters == null) {
            t.meters = register(name, status.layer());
        }

        if (due != null && settings.resubmit() && leader.get() && !now.isBefore(due)) {
            resubmit(app, restarts + 1, now, problem);
            t.consecutive++;
            t.problemSince = null;
            t.resubmittedAt = now;
            t.meters.resubmissions().increment();
        }
    }

    /** Doubles per consecutive resubmission, capped. */
    Duration backoff(int consecutive) {
        Duration d = settings.initialBackoff();
        for (int i = 0; i < consecutive && d.compareTo(settings.maxBackoff()) < 0; i++) {
            d = d.multipliedBy(2);
        }
        return d.compareTo(settings.maxBackoff()) > 0 ? settings.maxBackoff() : d;
    }

    private void resubmit(GenericKubernetesResource app, int restart, Instant now, String why) {
        String name = app.getMetadata().getName();
        LOG.warnf("resubmitting %s (restart %d): %s", name, restart, why);
        Map<String, String> annotations = new HashMap<>(app.getMetadata().getAnnotations() == null
                ? Map.of() : app.getMetadata().getAnnotations());
        annotations.put(SparkApplications.RESTARTS_ANNOTATION, Integer.toString(restart));
        annotations.put(SparkApplications.LAST_RESTART_ANNOTATION, now.toString());
        GenericKubernetesResource fresh = new GenericKubernetesResource();
        fresh.setApiVersion(app.getApiVersion());
        fresh.setKind(app.getKind());
        fresh.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withNamespace(app.getMetadata().getNamespace())
                .withLabels(app.getMetadata().getLabels())
                .withAnnotations(annotations)
                .build());
        // Spec only: no status, so the operator treats it as new and submits it.
        fresh.setAdditionalProperty("spec", app.getAdditionalProperties().get("spec"));
        var resource = client.genericKubernetesResources(SparkApplications.CONTEXT).inNamespace(settings.namespace()).withName(name);
        try {
            resource.delete();
        } catch (KubernetesClientException e) {
            LOG.errorf("resubmitting %s failed (will try again): %s", name, e.getMessage());
            return;
        }
        // From here on the application is recreated whatever happens: a deleted streaming job must come back.
        toCreate.put(name, fresh);
        try {
            // The operator may hold a finalizer while it cleans the driver up: the name is free once it is done.
            resource.waitUntilCondition(r -> r == null, DELETE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (KubernetesClientException | IllegalStateException e) {
            LOG.warnf("%s is not deleted yet: it is submitted again once it is", name);
            return;
        }
        if (create(fresh)) {
            toCreate.remove(name);
        }
    }

    private Meters register(String application, String layer) {
        Tags tags = Tags.of("layer", layer, "application", application);
        List<Meter> meters = new ArrayList<>();
        meters.add(Gauge.builder("clickstream_pipeline_running", statuses, s -> value(s, application, st -> st.running() ? 1 : 0))
                .description("1 when the application is RUNNING with its driver pod present")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("clickstream_pipeline_restarts", statuses, s -> value(s, application, ApplicationStatus::restarts))
                .description("Resubmissions of the application by the pipeline supervisor")
                .tags(tags).register(registry));
        // Under restartPolicy Always the operator reruns a failing driver itself, and each short RUNNING spell hides the
        // crash loop from the running gauge: its attempt count shows it.
        meters.add(Gauge.builder("clickstream_pipeline_execution_attempts", statuses,
                        s -> value(s, application, ApplicationStatus::executionAttempts))
                .description("Runs of the application the Spark operator counts (status.executionAttempts)")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("clickstream_pipeline_driver_present", statuses,
                        s -> value(s, application, st -> Boolean.TRUE.equals(st.driverPodPresent()) ? 1 : 0))
                .description("1 when the driver pod named in the application's status exists")
                .tags(tags).register(registry));
        meters.add(Gauge.builder("clickstream_pipeline_submission_timestamp_seconds", statuses,
                        s -> value(s, application, st -> st.submissionTime() == null ? Double.NaN : st.submissionTime().getEpochSecond()))
                .description("Last submission attempt of the application, Unix time")
                .tags(tags).register(registry));
        for (String state : STATES) {
            meters.add(Gauge.builder("clickstream_pipeline_state", statuses, s -> value(s, application, st -> state.equals(st.state()) ? 1 : 0))
                    .description("1 for the application's current state")
                    .tags(tags.and("state", state)).register(registry));
        }
        Counter resubmissions = Counter.builder("clickstream_pipeline_resubmissions")
                .description("Resubmissions made by this replica")
                .tags(tags).register(registry);
        meters.add(resubmissions);
        return new Meters(meters, resubmissions);
    }

    private static double value(Map<String, ApplicationStatus> statuses, String application,
                                java.util.function.ToDoubleFunction<ApplicationStatus> f) {
        ApplicationStatus s = statuses.get(application);
        return s == null ? Double.NaN : f.applyAsDouble(s);
    }

    private void forget(String name) {
        Tracked t = tracked.remove(name);
        statuses.remove(name);
        if (t != null && t.meters != null) {
            t.meters.meters().forEach(registry::remove);
        }
        LOG.infof("%s was deleted: no longer supervised", name);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<?> e = election;
        if (e != null) {
            e.cancel(true); // releases the Lease (withReleaseOnCancel)
        }
        leader.set(false);
        SharedIndexInformer<GenericKubernetesResource> inf = informer;
        if (inf != null) {
            inf.close();
        }
        worker.shutdownNow();
        electionExecutor.shutdownNow();
    }
}
