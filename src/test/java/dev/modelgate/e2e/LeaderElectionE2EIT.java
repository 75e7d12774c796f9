package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two replicas behind one webhook address (a loopback balancer in the role of the Service): one holds the Lease,
 * both answer the API server's webhook calls; when the leader stops, the other takes over and admission never
 * stops.
 */
@ExtendWith(E2EExtension.class)
@Order(E2EExtension.DISRUPTIVE + 3)
class LeaderElectionE2EIT {

    static final String LEASE = "modelgate-operator";
    static final String NS = "e2e-ha";
    /**
     * A leader that stops gives the Lease back, so the follower takes it at its next retry (2 s, plus Fabric8's
     * jitter). The bound is the one for a leader that could not release (lease duration 15 s after its last renewal,
     * up to 2 s before the stop, plus a jittered retry of up to 4.4 s) with room for a loaded CI machine: the test is
     * about the handover and admission, and the release itself is asserted directly below.
     */
    static final Duration TAKEOVER = Duration.ofSeconds(30);

    @Test
    void oneLeaderBothServeAndTheFollowerTakesOverWithoutAnAdmissionGap() throws Exception {
        Installation installation = E2E.installed();
        ControlPlane cluster = installation.cluster;
        KubernetesClient c = cluster.client();
        Namespaces.optedIn(cluster, NS, "enforce");
        Operators.stopRunning();
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean creating = new AtomicBoolean(true);
        try (Balancer balancer = new Balancer()) {
            String url = "https://localhost:" + balancer.port();
            List<OperatorProcess> replicas = Operators.startAll(installation, 2, url);
            OperatorProcess a = replicas.get(0);
            OperatorProcess b = replicas.get(1);
            balancer.add(a.webhookPort);
            balancer.add(b.webhookPort);
            Operators.awaitWebhooks(cluster, url, Operators.START);

            await("a replica holds the Lease").atMost(TAKEOVER).pollInterval(Duration.ofMillis(250))
                    .until(() -> holder(c) != null && List.of(a.name, b.name).contains(holder(c)));
            OperatorProcess leader = holder(c).equals(a.name) ? a : b;
            OperatorProcess follower = leader == a ? b : a;

            // Each replica, called by the API server directly (a probe configuration per replica), answers.
            String caBundle = c.admissionRegistration().v1().validatingWebhookConfigurations()
                    .withName(Operators.WEBHOOK_CONFIGURATION).get().getWebhooks().get(0).getClientConfig().getCaBundle();
            for (OperatorProcess replica : List.of(leader, follower)) {
                String probe = "e2e-probe-" + replica.name;
                WebhookTlsE2EIT.probeNamespace(c, probe);
                WebhookTlsE2EIT.probe(c, probe, "https://localhost:" + replica.webhookPort + "/validate", caBundle);
                try {
                    WebhookTlsE2EIT.awaitOutcome(cluster, probe, true, "answered");
                } finally {
                    c.admissionRegistration().v1().validatingWebhookConfigurations().withName(probe).delete();
                }
            }

            Thread load = new Thread(() -> {
                int i = 0;
                while (creating.get()) {
                    Kubectl.Result r = cluster.admin().runWithInput(
                            Fixtures.yaml(c, Fixtures.plainPod(NS, "during-failover-" + (i++))), "create", "-f", "-");
                    if (!r.ok()) {
                        failures.add(r.err().strip());
                    }
                    OperatorProcess.sleep(100);
                }
            }, "e2e-admission-load");
            load.start();
            OperatorProcess.sleep(1000);

            long stopped = System.nanoTime();
            leader.stop(); // returns once the process has exited
            String afterStop = holder(c);
            assertTrue(afterStop == null || afterStop.isEmpty() || afterStop.equals(follower.name),
                    "a leader that shuts down must release the Lease, but it is still held by " + afterStop);
            await("the follower " + follower.name + " takes the Lease").atMost(TAKEOVER).pollInterval(Duration.ofMillis(200))
                    .until(() -> follower.name.equals(holder(c)));
            Duration takeover = Duration.ofNanos(System.nanoTime() - stopped);
            System.out.println("e2e: leader " + leader.name + " stopped; " + follower.name + " took the Lease after "
                    + takeover.toMillis() + " ms");

            // The new leader reconciles: a model applied now reaches Ready.
            Fixtures.approve(cluster, NS, "after-failover");
            Fixtures.awaitModelReady(cluster, NS, "after-failover");
            OperatorProcess.sleep(1000);
            creating.set(false);
            load.join(30_000);
            assertNotEquals(leader.name, holder(c));
            assertEquals(List.of(), failures, "pod creations refused during the failover");
            assertTrue(follower.alive(), "the follower stopped");
        } finally {
            creating.set(false);
            Operators.stopRunning();
        }
    }

    static String holder(KubernetesClient c) {
        Lease lease = c.leases().inNamespace(Installation.NAMESPACE).withName(LEASE).get();
        return lease == null || lease.getSpec() == null ? null : lease.getSpec().getHolderIdentity();
    }
}
