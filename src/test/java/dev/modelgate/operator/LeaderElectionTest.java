package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;

/** A replica that loses the Lease must exit (the kubelet restarts it) instead of lingering without reconcilers. */
class LeaderElectionTest {

    @Test
    void losingTheLeaseExits() {
        LeaderElectionConfiguration configuration = LeaderElection.configuration("modelgate-operator", "modelgate-system");
        assertTrue(configuration.isExitOnStopLeading(), "a replica that stops leading must exit");
        assertEquals("modelgate-operator", configuration.getLeaseName());
        assertEquals(Optional.of("modelgate-system"), configuration.getLeaseNamespace());
        // the SDK's defaults: a follower takes over within 15 s of the leader's last renewal
        assertEquals(Duration.ofSeconds(15), configuration.getLeaseDuration());
        assertEquals(Duration.ofSeconds(10), configuration.getRenewDeadline());
        assertEquals(Duration.ofSeconds(2), configuration.getRetryPeriod());
        assertTrue(configuration.getIdentity().isEmpty(), "the SDK takes the pod name as identity");
        var callbacks = configuration.getLeaderCallbacks().orElseThrow();
        callbacks.onStartLeading();
        callbacks.onNewLeader("modelgate-7d9f-abcde");
        callbacks.onStopLeading(); // logs why; the SDK then exits
    }

    @Test
    void theSdkBuilderWouldNotExit() {
        // Why LeaderElection constructs the configuration itself: the builder's build() never exits on stop leading.
        // When an SDK upgrade changes that, this fails and the direct construction can go.
        assertEquals(false, LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration("l").build().isExitOnStopLeading());
    }
}
