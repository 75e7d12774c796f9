package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Revoking a model while pods run it: the operator finds them (Events, PolicyReport) and new pods are refused. */
@ExtendWith(E2EExtension.class)
class RevocationE2EIT {

    static final String NS = "e2e-revoke";

    @Test
    void revokingAModelInUseReportsItsRunningPods() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        Namespaces.optedIn(cluster, NS, "enforce");
        Fixtures.Model model = Fixtures.approve(cluster, NS, "soon-revoked");
        Fixtures.awaitModelReady(cluster, NS, model.name());
        cluster.admin().okWithInput(Fixtures.yaml(c, Fixtures.podWithModels(NS, "user", model.name())), "create", "-f", "-");
        Pod pod = c.pods().inNamespace(NS).withName("user").get();
        Kubelet.bind(c, pod);
        Kubelet.Run run = Kubelet.runVerifier(pod, model.dir());
        assertEquals(0, run.exit(), run.output());
        Kubelet.reportVerifier(c, pod, run);
        await("the pod counted").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> KubeletE2EIT.pods(Fixtures.trustedModel(cluster, NS, model.name())) == 1);

        cluster.admin().ok("patch", "trustedmodel", model.name(), "-n", NS, "--type=merge", "-p",
                "{\"spec\":{\"revoked\":{\"reason\":\"e2e: weights withdrawn by the publisher\"}}}");

        await("Revoked=True").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> Fixtures.conditionIs(Fixtures.trustedModel(cluster, NS, model.name()), "Revoked", "True"));
        await("a ModelRevoked Event on the running pod").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> c.v1().events().inNamespace(NS).list().getItems().stream().anyMatch(e ->
                        "user".equals(e.getInvolvedObject().getName()) && "Pod".equals(e.getInvolvedObject().getKind())
                                && "ModelRevoked".equals(e.getReason())));
        await("a PolicyReport result for the pod").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> KubeletE2EIT.policyReportMentions(c, NS, "user"));

        Kubectl.Result refused = cluster.admin().runWithInput(Fixtures.yaml(c, Fixtures.podWithModels(NS, "new-user",
                model.name())), "create", "-f", "-");
        assertFalse(refused.ok(), "a new pod naming the revoked model must be refused\n" + refused);
        assertTrue(refused.err().contains(model.name()), refused.toString());
    }
}
