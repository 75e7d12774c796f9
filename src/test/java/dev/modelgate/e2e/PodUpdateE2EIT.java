package dev.modelgate.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.api.files.Yaml;
import dev.modelgate.policy.PodContract;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Toleration;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * After admission, through the real API server and kubectl: a pending ComfyUI pod admitted with models (the
 * docs/examples/comfyui policy and Deployment template) keeps its verifier, its plan and its model store. The API
 * server itself lets anyone who may patch a pod change its init-containers' images, add tolerations and ephemeral
 * containers, and relabel claims; each of these is ModelGate's refusal, and the harmless changes stay allowed.
 */
@ExtendWith(E2EExtension.class)
class PodUpdateE2EIT {

    static final Path SCENARIO = Examples.ROOT.resolve("comfyui");
    static final String NS = "comfyui";
    static final String STORE = "comfyui-models";

    @Test
    void verifierImageIsFixedWhileLabelsAndTolerationsMayChange() {
        ControlPlane cluster = scenario();
        Pod pod = admittedPod(cluster, "update-image");
        Container verifier = Fixtures.verifier(pod).orElseThrow();
        int index = pod.getSpec().getInitContainers().size() - 1;

        Kubectl.Result swapped = cluster.admin().run("patch", "pod", pod.getMetadata().getName(), "-n", NS,
                "--type=json", "-p", "[{\"op\":\"replace\",\"path\":\"/spec/initContainers/" + index
                        + "/image\",\"value\":\"busybox:1\"}]");
        assertFalse(swapped.ok(), "replacing the verifier's image of a pending pod must be refused\n" + swapped);
        assertTrue(swapped.err().contains("model-contract-changed"), "the refusal names the rule\n" + swapped);
        assertTrue(swapped.err().contains(PodContract.INIT_CONTAINER_NAME), "the refusal names the verifier\n" + swapped);
        assertEquals(verifier.getImage(), Fixtures.verifier(get(cluster, pod)).orElseThrow().getImage(),
                "the verifier's image is unchanged");

        // The same change by strategic merge (the container named as the key), as kubectl set image does.
        Kubectl.Result merged = cluster.admin().run("patch", "pod", pod.getMetadata().getName(), "-n", NS, "-p",
                "{\"spec\":{\"initContainers\":[{\"name\":\"" + PodContract.INIT_CONTAINER_NAME
                        + "\",\"image\":\"busybox:1\"}]}}");
        assertFalse(merged.ok(), "a strategic-merge patch of the verifier's image must be refused\n" + merged);
        assertTrue(merged.err().contains("model-contract-changed"), merged.toString());

        // Harmless changes to the same pod stay allowed.
        cluster.admin().ok("label", "pod", pod.getMetadata().getName(), "-n", NS, "team=ml");
        Pod now = get(cluster, pod);
        String toleration = "{\"key\":\"nvidia.com/gpu\",\"operator\":\"Exists\",\"effect\":\"NoSchedule\"}";
        String patch = now.getSpec().getTolerations() == null || now.getSpec().getTolerations().isEmpty()
                ? "[{\"op\":\"add\",\"path\":\"/spec/tolerations\",\"value\":[" + toleration + "]}]"
                : "[{\"op\":\"add\",\"path\":\"/spec/tolerations/-\",\"value\":" + toleration + "}]";
        cluster.admin().ok("patch", "pod", pod.getMetadata().getName(), "-n", NS, "--type=json", "-p", patch);
        Pod after = get(cluster, pod);
        assertEquals("ml", after.getMetadata().getLabels().get("team"), "the label was added");
        assertTrue(after.getSpec().getTolerations().stream().map(Toleration::getKey).anyMatch("nvidia.com/gpu"::equals),
                "the toleration was added: " + after.getSpec().getTolerations());
    }

    @Test
    void planDigestAnnotationCannotBeOverwritten() {
        ControlPlane cluster = scenario();
        Pod pod = admittedPod(cluster, "update-plan");
        String plan = pod.getMetadata().getAnnotations().get(PodContract.ANNOTATION_PLAN_SHA256);
        assertTrue(plan != null && !plan.isBlank(), "the admitted pod carries its plan digest");

        Kubectl.Result r = cluster.admin().run("annotate", "--overwrite", "pod", pod.getMetadata().getName(), "-n", NS,
                PodContract.ANNOTATION_PLAN_SHA256 + "=" + "0".repeat(64));
        assertFalse(r.ok(), "overwriting the plan digest must be refused\n" + r);
        assertTrue(r.err().contains("model-contract-changed"), "the refusal names the rule\n" + r);
        assertTrue(r.err().contains(PodContract.ANNOTATION_PLAN_SHA256), "the refusal names the annotation\n" + r);
        assertEquals(plan, get(cluster, pod).getMetadata().getAnnotations().get(PodContract.ANNOTATION_PLAN_SHA256));

        // Other annotations stay free to change.
        cluster.admin().ok("annotate", "--overwrite", "pod", pod.getMetadata().getName(), "-n", NS, "team.example/owner=ml");
    }

    @Test
    void modelStoreLabelCannotBeRemoved() {
        ControlPlane cluster = scenario();
        try {
            Kubectl.Result r = cluster.admin().run("label", "pvc", STORE, "-n", NS, PodContract.LABEL_MODEL_STORE + "-");
            assertFalse(r.ok(), "removing the model-store label must be refused\n" + r);
            assertTrue(r.err().contains("model-store-guard"), "the refusal names the rule\n" + r);
            Kubectl.Result flipped = cluster.admin().run("label", "--overwrite", "pvc", STORE, "-n", NS,
                    PodContract.LABEL_MODEL_STORE + "=false");
            assertFalse(flipped.ok(), "setting the model-store label to false must be refused\n" + flipped);
            assertTrue(flipped.err().contains("model-store-guard"), flipped.toString());
            assertEquals("true", storeLabel(cluster));
            // Other labels of the claim stay free to change.
            cluster.admin().ok("label", "--overwrite", "pvc", STORE, "-n", NS, "team=ml");
        } finally {
            // Should the guard fail, put the label back so that the other tests keep their model store.
            if (!"true".equals(storeLabel(cluster))) {
                cluster.admin().run("label", "--overwrite", "pvc", STORE, "-n", NS, PodContract.LABEL_MODEL_STORE + "=true");
            }
        }
    }

    @Test
    void ephemeralContainerMayTargetTheAppButNotTheVerifier() {
        ControlPlane cluster = scenario();
        Pod pod = admittedPod(cluster, "update-debug");
        String name = pod.getMetadata().getName();

        Kubectl.Result r = cluster.admin().run("debug", name, "-n", NS, "--image=busybox:1", "--container=peek",
                "--target=" + PodContract.INIT_CONTAINER_NAME, "--", "sleep", "3600");
        assertFalse(r.ok(), "a debug container targeting the verifier must be refused\n" + r);
        assertTrue(r.err().contains("verifier-targeted"), "the refusal names the rule\n" + r);
        assertTrue(ephemeral(cluster, pod).isEmpty(), "no ephemeral container was added");

        cluster.admin().ok("debug", name, "-n", NS, "--image=busybox:1", "--container=inspect", "--target=comfyui",
                "--", "sleep", "3600");
        assertEquals(List.of("inspect"), ephemeral(cluster, pod), "the debug container targeting the app is admitted");
    }

    static ControlPlane scenario() {
        E2E.operator();
        ControlPlane cluster = E2E.cluster();
        Examples.scenario(cluster, SCENARIO);
        return cluster;
    }

    /**
     * Creates (anew) a bare pod from the example Deployment's template, with its own label so that it is not taken
     * for the Deployment's pod, and returns it as admitted: mutated, with the verifier as its last init-container.
     * No kubelet runs here, so it stays Pending.
     */
    static Pod admittedPod(ControlPlane cluster, String name) {
        JsonNode deployment;
        try {
            deployment = Yaml.readAll(SCENARIO.resolve("workloads/deployment-approved.yaml")).get(0);
        } catch (IOException e) {
            throw new AssertionError("cannot read the example Deployment", e);
        }
        ObjectNode pod = Yaml.MAPPER.createObjectNode().put("apiVersion", "v1").put("kind", "Pod");
        ObjectNode metadata = deployment.path("spec").path("template").path("metadata").deepCopy();
        metadata.put("name", name).put("namespace", NS);
        metadata.putObject("labels").put("app", "comfyui-" + name);
        pod.set("metadata", metadata);
        pod.set("spec", deployment.path("spec").path("template").path("spec").deepCopy());
        cluster.admin().ok("delete", "pod", name, "-n", NS, "--ignore-not-found", "--grace-period=0", "--force");
        cluster.admin().okWithInput(pod.toString(), "create", "-f", "-");
        Pod admitted = cluster.client().pods().inNamespace(NS).withName(name).get();
        assertTrue(Fixtures.verifier(admitted).isPresent(), "the admitted pod carries the verifier: " + admitted.getSpec());
        assertTrue(admitted.getSpec().getNodeName() == null, "the pod is pending, bound to no node");
        return admitted;
    }

    static Pod get(ControlPlane cluster, Pod pod) {
        return cluster.client().pods().inNamespace(NS).withName(pod.getMetadata().getName()).get();
    }

    static List<String> ephemeral(ControlPlane cluster, Pod pod) {
        List<io.fabric8.kubernetes.api.model.EphemeralContainer> all = get(cluster, pod).getSpec().getEphemeralContainers();
        return all == null ? List.of() : all.stream().map(io.fabric8.kubernetes.api.model.EphemeralContainer::getName).toList();
    }

    static String storeLabel(ControlPlane cluster) {
        var pvc = cluster.client().persistentVolumeClaims().inNamespace(NS).withName(STORE).get();
        return pvc == null || pvc.getMetadata().getLabels() == null ? null
                : pvc.getMetadata().getLabels().get(PodContract.LABEL_MODEL_STORE);
    }
}
