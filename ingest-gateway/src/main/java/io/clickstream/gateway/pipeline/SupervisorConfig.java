package io.clickstream.gateway.pipeline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** The pipeline supervisor's settings ({@code clickstream.supervisor.*}); the helm chart sets them on Kubernetes. */
@ConfigMapping(prefix = "clickstream.supervisor")
public interface SupervisorConfig {

    /** Off by default: outside Kubernetes there is nothing to watch. */
    @WithDefault("false")
    boolean enabled();

    /** Resubmit applications that ended or lost their driver; false keeps the supervisor read-only. */
    @WithDefault("true")
    boolean resubmit();

    /** Namespace of the SparkApplications; default: the client's namespace (the pod's own). */
    Optional<String> namespace();

    /** This replica's name in the leader election Lease; default: the host name (the pod name). */
    Optional<String> identity();

    /** Selects the medallion applications; the layer is the value of the clickstream.io/layer label. */
    @WithDefault("clickstream.io/layer")
    String labelSelector();

    @WithDefault("clickstream-supervisor")
    String leaseName();

    /** First wait between resubmissions of one application; doubles per consecutive resubmission. */
    @WithDefault("PT30S")
    Duration initialBackoff();

    @WithDefault("PT10M")
    Duration maxBackoff();

    /** How long an application may look ended or driverless before it is resubmitted: the operator acts first. */
    @WithDefault("PT2M")
    Duration gracePeriod();

    /** How often every application is looked at, besides on each change the informer reports. */
    @WithDefault("PT10S")
    Duration checkInterval();

    @WithDefault("PT15S")
    Duration leaseDuration();

    @WithDefault("PT10S")
    Duration renewDeadline();

    @WithDefault("PT2S")
    Duration retryPeriod();
}
