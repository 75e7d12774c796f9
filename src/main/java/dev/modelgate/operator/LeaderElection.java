package dev.modelgate.operator;

import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import dev.modelgate.config.ModelGateConfig;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.LaunchMode;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

/**
 * Leader election for the reconcilers: only the leader reconciles and audits; every replica serves the webhooks.
 * The operator SDK activates it in the prod profile only ({@code quarkus.operator-sdk.activate-leader-election-for-profiles}).
 *
 * <p>A replica that loses the Lease exits with status 1 so the kubelet restarts it and it rejoins the election as
 * a follower, as client-go operators do. Staying up would leave a replica that answers admission requests but never
 * reconciles again, and a leader that cannot renew (for example, RBAC refuses the Lease patch) would fail silently.
 *
 * <p>The exit is this class's, not the SDK's ({@code exitOnStopLeading} stays off): the SDK also "stops leading"
 * when the application shuts down, and its {@code System.exit} from inside the JVM's shutdown hook blocks that hook
 * forever, so a SIGTERM (pod deletion, rolling update) would hang until the kubelet's SIGKILL. Here a shutdown
 * releases the Lease quietly, and only a loss while running ends the application (through Quarkus, cleanly).
 *
 * <p>The SDK does not give the Lease back when it stops (its elector is built without release-on-cancel), so a
 * follower would wait out the whole lease duration after every rolling update. Once the SDK has stopped, this class
 * empties the holder itself, with the Lease's resourceVersion as a guard, as client-go's {@code ReleaseOnCancel}
 * does: the follower then takes over at its next retry (about 2 s) instead of after 15 s or more.
 */
@ApplicationScoped
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private static volatile boolean shuttingDown;

    @Inject
    KubernetesClient kube;

    @Inject
    ModelGateConfig config;

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(ModelGateConfig config) {
        return configuration(config.operator().leaderElection().leaseName(),
                config.operator().leaderElection().leaseNamespace().orElse(config.operator().namespace()),
                () -> shuttingDown || ApplicationLifecycleManager.isVmShuttingDown(), () -> Quarkus.asyncExit(1));
    }

    /** Marks the start of an orderly shutdown, before the SDK stops leader election. */
    void onShutdown(@Observes @Priority(1) ShutdownEvent event) {
        shuttingDown = true;
    }

    /**
     * Runs after the SDK's own shutdown observer (default priority 2500), once its elector no longer renews. Best
     * effort: if the release fails, the Lease simply expires.
     */
    void releaseAfterStop(@Observes @Priority(5000) ShutdownEvent event) {
        if (LaunchMode.current() != LaunchMode.NORMAL) {
            return; // leader election runs in the prod profile only
        }
        String namespace = config.operator().leaderElection().leaseNamespace().orElse(config.operator().namespace());
        String name = config.operator().leaderElection().leaseName();
        // The SDK closes the shared client when it stops; a short-lived one on the same configuration does the release.
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(kube.getConfiguration()).build()) {
            release(client, namespace, name, System.getenv("HOSTNAME"));
        } catch (RuntimeException e) {
            LOG.warnf("Could not release Lease %s/%s (%s); it expires on its own after its lease duration", namespace,
                    name, e.getMessage());
        }
    }

    /**
     * Empties the Lease's holder if {@code identity} holds it. The update carries the resourceVersion read, so it
     * fails (and changes nothing) if another replica took the Lease in between.
     *
     * @return whether this call released the Lease
     */
    static boolean release(KubernetesClient kube, String namespace, String name, String identity) {
        if (identity == null || identity.isBlank()) {
            return false;
        }
        try {
            Lease lease = kube.leases().inNamespace(namespace).withName(name).get();
            if (lease == null || lease.getSpec() == null
                    || !Objects.equals(identity, lease.getSpec().getHolderIdentity())) {
                return false;
            }
            ZonedDateTime now = ZonedDateTime.now();
            lease.getSpec().setHolderIdentity(null);
            lease.getSpec().setLeaseDurationSeconds(1);
            lease.getSpec().setRenewTime(now);
            kube.resource(lease).update(); // locked on lease.metadata.resourceVersion
            LOG.infof("Released Lease %s/%s held by %s: a follower takes over at its next retry", namespace, name,
                    identity);
            return true;
        } catch (KubernetesClientException e) {
            LOG.warnf("Could not release Lease %s/%s (%s); it expires on its own after its lease duration", namespace,
                    name, e.getMessage());
            return false;
        }
    }

    static LeaderElectionConfiguration configuration(String leaseName, String leaseNamespace,
            BooleanSupplier shuttingDown, Runnable exit) {
        LeaderCallbacks callbacks = new LeaderCallbacks(
                () -> LOG.infof("Leading: this replica holds Lease %s/%s and runs the reconcilers", leaseNamespace, leaseName),
                () -> {
                    if (shuttingDown.getAsBoolean()) {
                        LOG.infof("Stopped leading Lease %s/%s: shutting down", leaseNamespace, leaseName);
                        return;
                    }
                    LOG.errorf("Lost Lease %s/%s (not renewed in time, or the API server refused the renewal): exiting so "
                            + "the kubelet restarts this replica as a follower; check the API server and the Role's "
                            + "get/create/update/patch on leases.coordination.k8s.io", leaseNamespace, leaseName);
                    exit.run();
                },
                identity -> LOG.infof("Lease %s/%s is held by %s", leaseNamespace, leaseName, identity));
        return new LeaderElectionConfiguration(leaseName, leaseNamespace,
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                null, // identity: the SDK uses the pod name (HOSTNAME)
                callbacks, false); // the exit is ours (see above)
    }
}
