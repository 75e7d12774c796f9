package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.operator.PodModels.FailedVerification;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PodModelsTest {

    @Test
    void theAnnotationListsModelsTrimmedWithoutBlanksOrRepeats() {
        assertEquals(List.of("sdxl-base", "sdxl-vae"), PodModels.declared(pod(" sdxl-base, sdxl-vae,,sdxl-base ")));
        assertEquals(List.of(), PodModels.declared(pod(" , ")));
        assertEquals(List.of(), PodModels.declared(new PodBuilder().withNewMetadata().withName("p").endMetadata()
                .build()));
    }

    /** The audit's view of a running pod: does it run the verifier the mutating webhook injects? */
    @Test
    void aVerifierThatDiffersFromTheInjectedOneIsReported() throws Exception {
        var policy = new dev.modelgate.policy.PodPolicy(dev.modelgate.policy.AdmissionFixtures.settings(),
                dev.modelgate.policy.AdmissionFixtures.snapshot(), () -> dev.modelgate.policy.AdmissionFixtures.NOW);
        var template = dev.modelgate.policy.AdmissionFixtures.object("workloads/comfyui-deployment.yaml");
        var raw = dev.modelgate.policy.AdmissionFixtures.podFromTemplate(template, "p-audit");
        var mutated = dev.modelgate.policy.AdmissionFixtures.apply(
                policy.mutate(dev.modelgate.policy.AdmissionFixtures.create(raw)), raw);
        var json = new com.fasterxml.jackson.databind.ObjectMapper();
        String image = dev.modelgate.policy.AdmissionFixtures.IMAGE;
        Pod injected = json.treeToValue(mutated, Pod.class);
        assertEquals(Optional.empty(), PodModels.verifierDifference(injected, image));

        Pod swapped = json.treeToValue(mutated, Pod.class);
        swapped.getSpec().getInitContainers().get(0).setImage("busybox:1.36");
        assertEquals(Optional.of("its modelgate-verifier runs image 'busybox:1.36' instead of '" + image + "'"),
                PodModels.verifierDifference(swapped, image));

        Pod root = json.treeToValue(mutated, Pod.class);
        root.getSpec().getInitContainers().get(0).getSecurityContext().setRunAsUser(0L);
        assertEquals(Optional.of("its modelgate-verifier differs from the injected one (command, arguments, env, "
                + "mounts or security context)"), PodModels.verifierDifference(root, image));

        Pod otherPlan = json.treeToValue(mutated, Pod.class);
        otherPlan.getMetadata().getAnnotations().put("modelgate.dev/plan-sha256", "0".repeat(64));
        assertEquals(Optional.of("the digest of its plan is not annotation modelgate.dev/plan-sha256"),
                PodModels.verifierDifference(otherPlan, image));

        Pod none = json.treeToValue(raw, Pod.class);
        assertEquals(Optional.empty(), PodModels.verifierDifference(none, image),
                "a pod admitted without a verifier (warn or audit mode) was reported at admission");
        Pod twice = json.treeToValue(mutated, Pod.class);
        twice.getSpec().getInitContainers().add(0, twice.getSpec().getInitContainers().get(0));
        assertEquals(Optional.of("its modelgate-verifier is not the single last init-container"),
                PodModels.verifierDifference(twice, image));
        none.getMetadata().getAnnotations().remove("modelgate.dev/models");
        assertEquals(Optional.empty(), PodModels.verifierDifference(none, image), "pods without models are not judged");
    }

    @Test
    void onlyPendingAndRunningPodsNotBeingDeletedAreActive() {
        assertTrue(PodModels.isActive(withPhase("Running")));
        assertTrue(PodModels.isActive(withPhase("Pending")));
        assertFalse(PodModels.isActive(withPhase("Succeeded")));
        assertFalse(PodModels.isActive(withPhase("Failed")));
        Pod deleting = withPhase("Running");
        deleting.getMetadata().setDeletionTimestamp("2026-01-01T00:00:00Z");
        assertFalse(PodModels.isActive(deleting));
    }

    @Test
    void aVerifierThatExitedNonZeroIsAFailureWithItsReason() {
        Pod p = withVerifier(new ContainerStatusBuilder().withName(PodModels.VERIFIER_CONTAINER).withRestartCount(2)
                .withNewState().withNewTerminated().withExitCode(1).withFinishedAt("2026-02-02T02:02:02Z")
                .withMessage("modelgate: BadSignature: model.sig is not signed by a key of ModelSource hf; re-sign it")
                .endTerminated().endState().build());
        FailedVerification f = PodModels.failedVerification(p).orElseThrow();
        assertEquals("BadSignature", f.reason());
        assertEquals("model.sig is not signed by a key of ModelSource hf; re-sign it", f.message());
        assertEquals("uid-1/2/2026-02-02T02:02:02Z", f.key());
        assertEquals("2026-02-02T02:02:02Z", f.finishedAt());
        assertEquals(1, f.exitCode());
    }

    @Test
    void aRestartedVerifierReportsItsPreviousFailureFromLastState() {
        Pod p = withVerifier(new ContainerStatusBuilder().withName(PodModels.VERIFIER_CONTAINER).withRestartCount(1)
                .withNewState().withNewRunning().endRunning().endState()
                .withNewLastState().withNewTerminated().withExitCode(3).withFinishedAt("2026-02-02T02:00:00Z")
                .withMessage("modelgate: DownloadFailed: https://x/y answered 503; retry later").endTerminated()
                .endLastState().build());
        assertEquals("DownloadFailed", PodModels.failedVerification(p).orElseThrow().reason());
    }

    @Test
    void aSuccessfulOrForeignContainerIsNoFailure() {
        Pod ok = withVerifier(new ContainerStatusBuilder().withName(PodModels.VERIFIER_CONTAINER).withNewState()
                .withNewTerminated().withExitCode(0).endTerminated().endState().build());
        assertEquals(Optional.empty(), PodModels.failedVerification(ok));
        Pod other = withVerifier(new ContainerStatusBuilder().withName("init-db").withNewState().withNewTerminated()
                .withExitCode(1).endTerminated().endState().build());
        assertEquals(Optional.empty(), PodModels.failedVerification(other));
        assertEquals(Optional.empty(), PodModels.failedVerification(withPhase("Running")));
    }

    private static Pod pod(String annotation) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns")
                .addToAnnotations(PodModels.MODELS_ANNOTATION, annotation).endMetadata().build();
    }

    private static Pod withPhase(String phase) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").endMetadata()
                .withNewStatus().withPhase(phase).endStatus().build();
    }

    private static Pod withVerifier(ContainerStatus status) {
        return new PodBuilder().withNewMetadata().withName("p").withNamespace("ns").withUid("uid-1").endMetadata()
                .withNewStatus().withPhase("Pending").withInitContainerStatuses(status).endStatus().build();
    }
}
