package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;

/** A replica that loses the Lease must exit (the kubelet restarts it) instead of lingering without reconcilers. */
class LeaderElectionTest {

    @Test
    void losingTheLeaseWhileRunningExits() {
        AtomicInteger exits = new AtomicInteger();
        LeaderElectionConfiguration configuration =
                LeaderElection.configuration("modelgate-operator", "modelgate-system", () -> false, exits::incrementAndGet);
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
        assertEquals(0, exits.get());
        callbacks.onStopLeading();
        assertEquals(1, exits.get(), "a replica that stops leading while running must exit");
    }

    @Test
    void shuttingDownReleasesTheLeaseWithoutASecondExit() {
        // The SDK's own System.exit on stop leading would run inside the JVM's shutdown hook on SIGTERM and block it
        // forever; the exit is ours and skipped while shutting down.
        AtomicBoolean shuttingDown = new AtomicBoolean(true);
        AtomicInteger exits = new AtomicInteger();
        LeaderElectionConfiguration configuration =
                LeaderElection.configuration("l", "ns", shuttingDown::get, exits::incrementAndGet);
        assertFalse(configuration.isExitOnStopLeading(), "the SDK must not call System.exit itself");
        configuration.getLeaderCallbacks().orElseThrow().onStopLeading();
        assertEquals(0, exits.get());
    }
}
