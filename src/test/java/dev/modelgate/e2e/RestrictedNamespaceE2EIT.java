package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A namespace as a cautious cluster admin sets it up: Pod Security {@code restricted} enforced and a ResourceQuota
 * that demands requests and limits of every container. A model pod whose own containers comply is admitted with
 * the injected verifier, so the verifier complies too.
 */
@ExtendWith(E2EExtension.class)
class RestrictedNamespaceE2EIT {

    static final String NS = "e2e-restricted";

    @Test
    void restrictedPodSecurityAndAQuotaDemandingLimitsAdmitModelPods() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS)
                .addToLabels("modelgate.dev/enforce", "true").addToLabels("modelgate.dev/mode", "enforce")
                .addToLabels("pod-security.kubernetes.io/enforce", "restricted")
                .addToLabels("pod-security.kubernetes.io/enforce-version", "v1.24").endMetadata().build()).serverSideApply();
        Map<String, Quantity> hard = Map.of("requests.cpu", new Quantity("4"), "requests.memory", new Quantity("4Gi"),
                "limits.cpu", new Quantity("4"), "limits.memory", new Quantity("4Gi"));
        c.resourceQuotas().inNamespace(NS).resource(new ResourceQuotaBuilder().withNewMetadata().withName("demand-limits")
                .endMetadata().withNewSpec().withHard(hard).endSpec().build()).serverSideApply();
        Fixtures.Model model = Fixtures.approve(cluster, NS, "restricted-model");
        Fixtures.awaitModelReady(cluster, NS, model.name());

        // Control: the quota is in force, so a container without limits is refused.
        Kubectl.Result noLimits = cluster.admin().runWithInput(Fixtures.yaml(c, restricted("no-limits", model.name(), false)),
                "create", "-f", "-");
        assertFalse(noLimits.ok(), "the quota should refuse a container without limits\n" + noLimits);

        Kubectl.Result r = cluster.admin().runWithInput(Fixtures.yaml(c, restricted("complying", model.name(), true)),
                "create", "-f", "-");
        assertTrue(r.ok(), "a complying model pod must be admitted with its verifier under restricted + quota\n" + r);
        assertFalse(r.err().contains("Warning:"), "no Pod Security warning expected\n" + r);
        Pod pod = c.pods().inNamespace(NS).withName("complying").get();
        Container verifier = Fixtures.verifier(pod).orElseThrow(() -> new AssertionError("no verifier: " + pod.getSpec()));
        assertTrue(verifier.getResources().getLimits().containsKey("memory") && verifier.getResources().getLimits().containsKey("cpu"),
                "the verifier's limits: " + verifier.getResources());
        assertTrue(Boolean.TRUE.equals(verifier.getSecurityContext().getRunAsNonRoot()), "verifier runAsNonRoot");
    }

    static Pod restricted(String name, String model, boolean limits) {
        Pod base = Fixtures.podWithModels(NS, name, model);
        var resources = new ResourceRequirementsBuilder().addToRequests("cpu", new Quantity("100m"))
                .addToRequests("memory", new Quantity("128Mi"));
        if (limits) {
            resources.addToLimits("cpu", new Quantity("500m")).addToLimits("memory", new Quantity("256Mi"));
        }
        return new PodBuilder(base).editSpec()
                .withNewSecurityContext().withRunAsNonRoot(true).withRunAsUser(1000L).withNewSeccompProfile()
                .withType("RuntimeDefault").endSeccompProfile().endSecurityContext()
                .editFirstContainer().withResources(resources.build()).withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext().endContainer().endSpec().build();
    }
}
