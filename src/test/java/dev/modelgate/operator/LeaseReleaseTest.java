package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.ZonedDateTime;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;

/** A replica that shuts down gives the Lease back, so a follower takes over at its next retry, not after expiry. */
@EnableKubernetesMockClient(crud = true)
class LeaseReleaseTest {

    static KubernetesClient client;

    @BeforeEach
    void lease() {
        client.leases().inNamespace("ns").withName("l").delete();
        client.resource(new LeaseBuilder().withNewMetadata().withName("l").withNamespace("ns").endMetadata()
                .withNewSpec().withHolderIdentity("replica-a").withLeaseDurationSeconds(15)
                .withRenewTime(ZonedDateTime.now()).withLeaseTransitions(3).endSpec().build()).create();
    }

    @Test
    void theHolderReleasesItsLease() {
        assertTrue(LeaderElection.release(client, "ns", "l", "replica-a"));
        Lease lease = client.leases().inNamespace("ns").withName("l").get();
        assertNull(lease.getSpec().getHolderIdentity(), "the holder must be emptied");
        assertEquals(1, lease.getSpec().getLeaseDurationSeconds());
        assertEquals(3, lease.getSpec().getLeaseTransitions(), "transitions are the next leader's to count");
    }

    @Test
    void aReplicaThatDoesNotHoldTheLeaseLeavesItAlone() {
        assertFalse(LeaderElection.release(client, "ns", "l", "replica-b"));
        assertFalse(LeaderElection.release(client, "ns", "l", null));
        assertFalse(LeaderElection.release(client, "ns", "missing", "replica-a"));
        assertEquals("replica-a", client.leases().inNamespace("ns").withName("l").get().getSpec().getHolderIdentity());
    }
}
