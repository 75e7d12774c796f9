package dev.modelgate.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * From admission to the operator's feedback, with the test in the kubelet's role: the admitted, mutated pod is
 * bound to a Node, its verifier runs ({@code bin/modelgate verify-pod} with the pod's own env and args) on a folder
 * standing in for the volume, and the result goes into {@code pods/status} as a kubelet writes it.
 */
@ExtendWith(E2EExtension.class)
class KubeletE2EIT {

    static final String NS = "e2e-kubelet";

    @Test
    void verifiedPodRunsAndCountsAsAUserOfTheModel() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        Namespaces.optedIn(cluster, NS, "enforce");
        Fixtures.Model model = Fixtures.approve(cluster, NS, "kubelet-ok");
        Fixtures.awaitModelReady(cluster, NS, model.name());

        Pod pod = admit(cluster, "verified", model.name());
        Kubelet.bind(c, pod);
        Kubelet.Run run = Kubelet.runVerifier(pod, model.dir());
        assertEquals(0, run.exit(), "the verifier should pass on the approved files\n" + run.output());
        Kubelet.reportVerifier(c, pod, run);

        await("TrustedModel " + model.name() + " counts the running pod").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> pods(Fixtures.trustedModel(cluster, NS, model.name())) == 1);
    }

    @Test
    void tamperedVolumeFailsTheVerifierAndTheOperatorReportsIt() throws IOException {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        KubernetesClient c = cluster.client();
        Namespaces.optedIn(cluster, NS, "enforce");
        Fixtures.Model model = Fixtures.approve(cluster, NS, "kubelet-tampered");
        Fixtures.awaitModelReady(cluster, NS, model.name());

        Path volume = E2E.work().resolve("volumes/tampered");
        ControlPlane.deleteRecursively(volume);
        Files.createDirectories(volume.resolve("weights"));
        byte[] bytes = Files.readAllBytes(model.dir().resolve(model.file()));
        bytes[bytes.length - 1] ^= 1;
        Files.write(volume.resolve(model.file()), bytes);

        Pod pod = admit(cluster, "tampered", model.name());
        Kubelet.bind(c, pod);
        Kubelet.Run run = Kubelet.runVerifier(pod, volume);
        assertEquals(1, run.exit(), "a flipped byte is a verification failure (exit 1)\n" + run.output());
        assertTrue(run.terminationMessage().contains(model.file()), "the termination message names the file: " + run.terminationMessage());
        Kubelet.reportVerifier(c, pod, run);

        GenericKubernetesResource failed = await("TrustedModel status records the failed verification")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> Fixtures.trustedModel(cluster, NS, model.name()),
                        tm -> tm.get("status", "lastVerificationFailure") != null);
        @SuppressWarnings("unchecked")
        Map<String, Object> last = (Map<String, Object>) failed.get("status", "lastVerificationFailure");
        assertEquals("tampered", last.get("pod"), "lastVerificationFailure: " + last);
        await("a VerificationFailed Event on the TrustedModel").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> c.v1().events().inNamespace(NS).list().getItems().stream().anyMatch(e ->
                        model.name().equals(e.getInvolvedObject().getName()) && "VerificationFailed".equals(e.getReason())
                                && e.getMessage().contains("tampered")));
        await("a PolicyReport result for the pod").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
                .until(() -> policyReportMentions(c, NS, "tampered"));
    }

    static Pod admit(ControlPlane cluster, String name, String model) {
        cluster.admin().okWithInput(Fixtures.yaml(cluster.client(), Fixtures.podWithModels(NS, name, model)), "create", "-f", "-");
        return cluster.client().pods().inNamespace(NS).withName(name).get();
    }

    static int pods(GenericKubernetesResource tm) {
        Object n = tm == null ? null : tm.get("status", "pods");
        return n instanceof Number num ? num.intValue() : -1;
    }

    @SuppressWarnings("unchecked")
    static boolean policyReportMentions(KubernetesClient c, String ns, String pod) {
        return c.genericKubernetesResources(Fixtures.POLICY_REPORTS).inNamespace(ns).list().getItems().stream()
                .map(r -> r.getAdditionalProperties().get("results")).filter(List.class::isInstance)
                .flatMap(l -> ((List<Object>) l).stream()).anyMatch(result -> String.valueOf(result).contains(pod));
    }
}
