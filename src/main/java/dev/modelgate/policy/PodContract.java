package dev.modelgate.policy;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The names a pod, its namespace and the injected verifier agree on. The mutating webhook writes them, the
 * validating webhook checks them and {@code modelgate verify-pod} reads them: one place, so they cannot drift.
 */
public final class PodContract {

    /** Pod annotation: comma-separated {@code TrustedModel} names in the pod's namespace. */
    public static final String ANNOTATION_MODELS = "modelgate.dev/models";
    /** Pod annotation: the pod volume that holds the models. */
    public static final String ANNOTATION_VOLUME = "modelgate.dev/volume";
    /** Volume used when {@link #ANNOTATION_VOLUME} is absent. */
    public static final String DEFAULT_VOLUME = "models";
    /** Pod annotation set by the mutating webhook: lower-case hex SHA-256 of the embedded plan's canonical bytes. */
    public static final String ANNOTATION_PLAN_SHA256 = "modelgate.dev/plan-sha256";

    /** Name of the injected init-container (always the last init-container). */
    public static final String INIT_CONTAINER_NAME = "modelgate-verifier";
    /** Arguments of the injected init-container (the image's entry point is {@code modelgate}). */
    public static final List<String> VERIFIER_ARGS = List.of("verify-pod");
    /** Env of the verifier: the plan JSON, exactly {@link VerificationPlan#toJson()}. */
    public static final String ENV_PLAN = "MODELGATE_PLAN";
    /** Env of the verifier: the plan digest, read from {@link #ANNOTATION_PLAN_SHA256} through the downward API. */
    public static final String ENV_PLAN_SHA256 = "MODELGATE_PLAN_SHA256";
    /** Downward-API field path of {@link #ENV_PLAN_SHA256}. */
    public static final String PLAN_SHA256_FIELD_PATH = "metadata.annotations['" + ANNOTATION_PLAN_SHA256 + "']";
    /** Where the verifier mounts the model volume (writable, in the verifier only). */
    public static final String VOLUME_MOUNT_PATH = "/modelgate/volume";
    /** Termination message file of the verifier, read by {@code kubectl describe pod}. */
    public static final String TERMINATION_MESSAGE_PATH = "/dev/termination-log";

    /** Namespace label that opts a namespace in ({@code "true"}). */
    public static final String LABEL_ENFORCE = "modelgate.dev/enforce";
    /** Namespace label: {@code enforce} (default), {@code warn} or {@code audit}. */
    public static final String LABEL_MODE = "modelgate.dev/mode";
    /** PVC label marking a model store ({@code "true"}). */
    public static final String LABEL_MODEL_STORE = "modelgate.dev/model-store";

    private PodContract() {
    }

    /**
     * The model names of a {@link #ANNOTATION_MODELS} value, in order, trimmed, duplicates dropped. Throws
     * {@link IllegalArgumentException} for an empty entry ("a,,b") or a value naming no model at all.
     */
    public static List<String> modelNames(String annotation) {
        if (annotation == null || annotation.isBlank()) {
            throw new IllegalArgumentException("annotation " + ANNOTATION_MODELS
                    + " is empty; list the TrustedModel names separated by commas");
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : annotation.split(",", -1)) {
            String name = part.strip();
            if (name.isEmpty()) {
                throw new IllegalArgumentException("annotation " + ANNOTATION_MODELS + " '" + annotation
                        + "' has an empty entry; list the TrustedModel names separated by single commas");
            }
            names.add(name);
        }
        return new ArrayList<>(names);
    }
}
