package dev.modelgate.operator;

import java.util.function.BooleanSupplier;

import org.jboss.logging.Logger;

import dev.modelgate.config.ModelGateConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.quarkus.runtime.ApplicationLifecycleManager;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
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
 */
@ApplicationScoped
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    private static volatile boolean shuttingDown;

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

    static LeaderElectionConfiguration configuration(String leaseName, String leaseNamespace,
            BooleanSupplier shuttingDown, Runnable exit) {
        LeaderCallbacks callbacks = new LeaderCallbacks(
                () -> LOG.infof("Leading: this replica holds Lease %s/%s and runs the reconcilers", leaseNamespace, leaseName),
                () -> {
                    if (shuttingDown.getAsBoolean()) {
                        LOG.infof("Released Lease %s/%s: shutting down", leaseNamespace, leaseName);
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
