package dev.modelgate.operator;

import org.jboss.logging.Logger;

import dev.modelgate.config.ModelGateConfig;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Leader election for the reconcilers: only the leader reconciles and audits; every replica serves the webhooks.
 * The operator SDK activates it in the prod profile only ({@code quarkus.operator-sdk.activate-leader-election-for-profiles}).
 *
 * <p>A replica that loses the Lease exits (status 1) so the kubelet restarts it and it rejoins the election as a
 * follower, as client-go operators do. Staying up would leave a replica that answers admission requests but never
 * reconciles again, and a leader that cannot renew (for example, RBAC refuses the Lease patch) would fail silently.
 * The SDK's builder always builds a "do not exit" configuration (exiting is meant to be switched off in tests), so
 * the configuration is constructed directly.
 */
@ApplicationScoped
public class LeaderElection {

    private static final Logger LOG = Logger.getLogger(LeaderElection.class);

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(ModelGateConfig config) {
        return configuration(config.operator().leaderElection().leaseName(),
                config.operator().leaderElection().leaseNamespace().orElse(config.operator().namespace()));
    }

    static LeaderElectionConfiguration configuration(String leaseName, String leaseNamespace) {
        LeaderCallbacks callbacks = new LeaderCallbacks(
                () -> LOG.infof("Leading: this replica holds Lease %s/%s and runs the reconcilers", leaseNamespace, leaseName),
                () -> LOG.errorf("Lost Lease %s/%s (not renewed in time, or the API server refused the renewal): "
                        + "exiting so the kubelet restarts this replica as a follower; check the API server and the "
                        + "Role's get/create/update/patch on leases.coordination.k8s.io", leaseNamespace, leaseName),
                identity -> LOG.infof("Lease %s/%s is held by %s", leaseNamespace, leaseName, identity));
        return new LeaderElectionConfiguration(leaseName, leaseNamespace,
                LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE,
                LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE,
                null, // identity: the SDK uses the pod name (HOSTNAME)
                callbacks, true);
    }
}
