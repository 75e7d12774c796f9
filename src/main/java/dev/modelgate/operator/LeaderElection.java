package dev.modelgate.operator;

import dev.modelgate.config.ModelGateConfig;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Leader election for the reconcilers: only the leader reconciles and audits; every replica serves the webhooks.
 * The operator SDK activates it in the prod profile only ({@code quarkus.operator-sdk.activate-leader-election-for-profiles}).
 */
@ApplicationScoped
public class LeaderElection {

    @Produces
    @Singleton
    LeaderElectionConfiguration leaderElection(ModelGateConfig config) {
        return LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(
                config.operator().leaderElection().leaseName())
                .withLeaseNamespace(config.operator().leaderElection().leaseNamespace()
                        .orElse(config.operator().namespace()))
                .build();
    }
}
