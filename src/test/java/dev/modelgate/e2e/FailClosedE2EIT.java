package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** failurePolicy Fail, for real: with no operator the API server refuses pods in opted-in namespaces. */
@ExtendWith(E2EExtension.class)
@Order(E2EExtension.DISRUPTIVE + 1)
class FailClosedE2EIT {

    static final String NS = "e2e-fail-closed";
    static final String OUTSIDE = "e2e-not-opted-in";

    @Test
    void noOperatorRefusesPodsInOptedInNamespacesAndAdmitsAgainWhenItIsBack() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Namespaces.optedIn(cluster, NS, "enforce");
        Namespaces.ensure(cluster, OUTSIDE);

        Operators.stopRunning();
        Kubectl.Result refused = create(cluster, NS, "while-down");
        assertFalse(refused.ok(), "with no operator running, a pod in an opted-in namespace must be refused\n" + refused);
        assertTrue(refused.err().contains("modelgate.dev"), "the refusal should name the webhook\n" + refused);
        assertTrue(cluster.client().pods().inNamespace(NS).withName("while-down").get() == null, "the pod was stored");
        Kubectl.Result outside = create(cluster, OUTSIDE, "outside");
        assertTrue(outside.ok(), "namespaces that did not opt in must not depend on the operator\n" + outside);

        E2E.operator();
        await("a pod admitted once the operator is back").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> create(cluster, NS, "after-restart").ok());
    }

    static Kubectl.Result create(ControlPlane cluster, String ns, String name) {
        return cluster.admin().runWithInput(Fixtures.yaml(cluster.client(), Fixtures.plainPod(ns, name)), "create", "-f", "-");
    }
}
