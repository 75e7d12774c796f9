package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EphemeralContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The opt-in guard on namespaces and the pods/ephemeralcontainers subresource, through the real API server. */
@ExtendWith(E2EExtension.class)
class GuardE2EIT {

    @Test
    void removingOrFlippingTheEnforceLabelIsRefused() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Namespaces.optedIn(cluster, "e2e-guard", "enforce");
        Kubectl.Result removed = cluster.admin().run("label", "namespace", "e2e-guard", "modelgate.dev/enforce-");
        assertFalse(removed.ok(), "removing the opt-in label must be refused\n" + removed);
        assertTrue(removed.err().contains("modelgate.dev/enforce"), removed.toString());
        Kubectl.Result flipped = cluster.admin().run("label", "--overwrite", "namespace", "e2e-guard", "modelgate.dev/enforce=false");
        assertFalse(flipped.ok(), "setting the opt-in label to false must be refused\n" + flipped);
        assertEquals("true", cluster.client().namespaces().withName("e2e-guard").get().getMetadata().getLabels()
                .get("modelgate.dev/enforce"));
        // Labels other than the opt-in stay free to change.
        cluster.admin().ok("label", "namespace", "e2e-guard", "team=ml");
    }

    @Test
    void ephemeralContainersAreJudgedThroughTheirSubresource() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        String ns = "e2e-ephemeral";
        Namespaces.optedIn(cluster, ns, "enforce");
        Fixtures.Model model = Fixtures.approve(cluster, ns, "debugged");
        Fixtures.awaitModelReady(cluster, ns, model.name());
        cluster.admin().okWithInput(Fixtures.yaml(c, Fixtures.podWithModels(ns, "app", model.name())), "create", "-f", "-");

        KubernetesClientException refused = assertThrows(KubernetesClientException.class, () -> c.pods().inNamespace(ns)
                .withName("app").ephemeralContainers().edit(p -> addDebug(p, "writer", false)));
        assertTrue(refused.getMessage().contains("modelgate.dev") && refused.getMessage().contains("writ"),
                "a debug container mounting the model volume writable must be refused: " + refused.getMessage());

        c.pods().inNamespace(ns).withName("app").ephemeralContainers().edit(p -> addDebug(p, "reader", true));
        assertTrue(c.pods().inNamespace(ns).withName("app").get().getSpec().getEphemeralContainers().stream()
                .anyMatch(e -> e.getName().equals("reader")), "a read-only debug container is admitted");
    }

    static Pod addDebug(Pod p, String name, boolean readOnly) {
        p.getSpec().getEphemeralContainers().add(new EphemeralContainerBuilder().withName(name).withImage("busybox:1")
                .withCommand("sh").addNewVolumeMount().withName("models").withMountPath("/models").withReadOnly(readOnly)
                .endVolumeMount().build());
        return p;
    }
}
