package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the operator keeps alive on the real API server: its webhook Secret and caBundle are repaired when someone
 * deletes or edits them (watched, not polled), and a replica that loses the Lease exits instead of lingering.
 */
@ExtendWith(E2EExtension.class)
@Order(E2EExtension.DISRUPTIVE + 4)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DependentsE2EIT {

    static final String NS = "e2e-dependents";
    static final String SECRET = "modelgate-webhook-tls";
    static final String LEASE = "modelgate-operator";

    @Test
    @Order(1)
    void aDeletedSecretAndAnEditedCaBundleAreRepairedAndAdmissionGoesOn() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        Namespaces.optedIn(cluster, NS, "enforce");
        String before = c.secrets().inNamespace(Installation.NAMESPACE).withName(SECRET).get().getData().get("tls.crt");

        c.secrets().inNamespace(Installation.NAMESPACE).withName(SECRET).delete();
        // the hourly timer would be far too late: only the watch can make this within 30 s
        await("the webhook Secret recreated").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    Secret s = c.secrets().inNamespace(Installation.NAMESPACE).withName(SECRET).get();
                    return s != null && !before.equals(s.getData().get("tls.crt"));
                });
        await("a pod admitted with the new certificate").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> FailClosedE2EIT.create(cluster, NS, "after-secret").ok());

        String bundle = caBundle(c);
        c.admissionRegistration().v1().validatingWebhookConfigurations().withName(Operators.WEBHOOK_CONFIGURATION)
                .edit(v -> {
                    v.getWebhooks().forEach(w -> w.getClientConfig().setCaBundle(
                            java.util.Base64.getEncoder().encodeToString("not a CA".getBytes())));
                    return v;
                });
        await("the caBundle restored").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> bundle.equals(caBundle(c)));
        await("a pod admitted after the repair").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> FailClosedE2EIT.create(cluster, NS, "after-cabundle").ok());
    }

    @Test
    @Order(2)
    void aReplicaThatLosesTheLeaseExits() {
        Installation installation = E2E.installed();
        KubernetesClient c = installation.cluster.client();
        Operators.stopRunning();
        OperatorProcess leader = Operators.start(installation, null, null, Map.of());
        try {
            await("the replica leads").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300))
                    .until(() -> leader.logText().contains("Leading: this replica holds Lease"));
            // Another identity takes the Lease, as after a partition or a paused process: this replica must not
            // keep serving webhooks while never reconciling again.
            c.leases().inNamespace(Installation.NAMESPACE).withName(LEASE).edit(l -> {
                l.getSpec().setHolderIdentity("e2e-other-replica");
                l.getSpec().setRenewTime(ZonedDateTime.now());
                l.getSpec().setLeaseDurationSeconds(3600);
                return l;
            });
            await("the replica that lost the Lease exits").atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(300)).until(() -> !leader.alive());
            assertTrue(leader.logText().contains("Lost Lease"), leader.logTail(40));
            assertEquals(1, leader.exitValue(), "exit status 1, so the kubelet restarts it\n" + leader.logTail(40));
        } finally {
            c.leases().inNamespace(Installation.NAMESPACE).withName(LEASE).delete(); // later operators can lead
        }
        assertFalse(leader.alive());
    }

    private static String caBundle(KubernetesClient c) {
        return c.admissionRegistration().v1().validatingWebhookConfigurations().withName(Operators.WEBHOOK_CONFIGURATION)
                .get().getWebhooks().get(0).getClientConfig().getCaBundle();
    }
}
