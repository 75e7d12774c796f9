package dev.modelgate.operator;

import io.fabric8.kubernetes.api.model.ContainerStateTerminated;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** What a pod says about the models it uses, read from its annotations and status. */
public final class PodModels {

    /** Comma-separated TrustedModel names in the pod's namespace (the pod contract in DESIGN.md). */
    public static final String MODELS_ANNOTATION = "modelgate.dev/models";

    /** Name of the init-container the mutating webhook injects. */
    public static final String VERIFIER_CONTAINER = "modelgate-verifier";

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private PodModels() {
    }

    /** The TrustedModel names the pod declares, trimmed, without blanks or repeats, in their order. */
    public static List<String> declared(Pod pod) {
        if (pod.getMetadata() == null || pod.getMetadata().getAnnotations() == null) {
            return List.of();
        }
        String value = pod.getMetadata().getAnnotations().get(MODELS_ANNOTATION);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String name = part.trim();
            if (!name.isEmpty()) {
                names.add(name);
            }
        }
        return new ArrayList<>(names);
    }

    /**
     * Why the pod does not run the verifier the mutating webhook injects with {@code image}, or empty when it does
     * (see {@link dev.modelgate.policy.VerifierContainer#differenceFromInjected}).
     */
    public static Optional<String> verifierDifference(Pod pod, String image) {
        return dev.modelgate.policy.VerifierContainer.differenceFromInjected(
                JSON.valueToTree(pod), image);
    }

    /**
     * A pod that runs or is about to run the model: Pending or Running and not being deleted. Succeeded and Failed
     * pods no longer load anything, so they are neither counted in {@code status.pods} nor audited.
     */
    public static boolean isActive(Pod pod) {
        if (pod.getMetadata() != null && pod.getMetadata().getDeletionTimestamp() != null) {
            return false;
        }
        String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
        return phase == null || "Pending".equals(phase) || "Running".equals(phase);
    }

    /**
     * The verifier's latest non-zero exit: the current state when it is terminated, else the last state (the kubelet
     * restarts a failed init-container and keeps the previous termination there).
     */
    public static Optional<FailedVerification> failedVerification(Pod pod) {
        if (pod.getStatus() == null || pod.getStatus().getInitContainerStatuses() == null) {
            return Optional.empty();
        }
        for (ContainerStatus cs : pod.getStatus().getInitContainerStatuses()) {
            if (!VERIFIER_CONTAINER.equals(cs.getName())) {
                continue;
            }
            ContainerStateTerminated t = cs.getState() == null ? null : cs.getState().getTerminated();
            if (!failed(t) && cs.getLastState() != null) {
                t = cs.getLastState().getTerminated();
            }
            if (!failed(t)) {
                return Optional.empty();
            }
            VerifierTermination parsed = VerifierTermination.parse(t.getMessage(), t.getExitCode());
            int restarts = cs.getRestartCount() == null ? 0 : cs.getRestartCount();
            String uid = pod.getMetadata().getUid() == null ? pod.getMetadata().getName() : pod.getMetadata().getUid();
            return Optional.of(new FailedVerification(pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
                    uid + "/" + restarts + "/" + t.getFinishedAt(), t.getFinishedAt(), t.getExitCode(),
                    parsed.reason(), parsed.message()));
        }
        return Optional.empty();
    }

    private static boolean failed(ContainerStateTerminated t) {
        return t != null && t.getExitCode() != null && t.getExitCode() != 0;
    }

    /**
     * One failed run of the verifier.
     *
     * @param key        pod uid, restart count and finish time: the same failure seen on every resync has one key
     * @param finishedAt RFC 3339 time the container ended, null when the kubelet did not say
     */
    public record FailedVerification(String namespace, String pod, String key, String finishedAt, int exitCode,
            String reason, String message) {
    }
}
