package dev.modelgate.policy;

/**
 * The rules of the pod contract (DESIGN.md) as one table: the id that appears in messages, metrics and Events,
 * and the sentence a refusal carries. Adding a rule is one row here plus its check in one of the rule families
 * ({@link ModelRules}, {@link VerifierRules}, {@link BindingRules}, {@link PrivilegeRules}, {@link UpdateRules},
 * {@link Guards}).
 *
 * <p>Templates: {@code {0}} is always the object ("Deployment comfyui/comfyui"), {@code {1}}... the arguments in
 * order, {@code {rule}} the id. Messages are only built for broken rules, never on the admitting path.
 */
public enum PodRule {
    // --- the models a pod declares (ModelRules)
    MODELS_ANNOTATION("models-annotation", "{0}: {1} (rule {rule})"),
    UNKNOWN_MODEL("unknown-model", "{0}: model {1} is not a TrustedModel in namespace {2} (rule {rule}); approve it "
            + "with `modelgate approve` and apply the TrustedModel, or remove it from " + PodContract.ANNOTATION_MODELS),
    MODEL_REVOKED("model-revoked", "{0}: model {1} is revoked (rule {rule}): {2}; remove it from "
            + PodContract.ANNOTATION_MODELS + " or approve a replacement"),
    SOURCE_NOT_TRUSTED("source-not-trusted", "{0}: model {1} comes from a source that is not trusted (rule {rule}): {2}"),
    MODEL_NOT_READY("model-not-ready", "{0}: model {1} is not Ready (rule {rule}, reason {2}): {3}"),
    REVIEW_OVERDUE("review-overdue", "{0}: model {1} is overdue for review (rule {rule}): {2}"),
    PLAN_INVALID("plan-invalid", "{0}: no verification plan can be built for models {1} (rule {rule}): {2}; fix the "
            + "TrustedModels"),
    MODEL_VOLUME_MISSING("model-volume-missing", "{0} declares models {1} but has no volume named '{2}' (rule {rule}); "
            + "add the volume that holds the models or name it in " + PodContract.ANNOTATION_VOLUME),

    // --- the injected verifier (VerifierRules)
    VERIFIER_MISSING("verifier-missing", "{0} declares models {1} but has no " + PodContract.INIT_CONTAINER_NAME
            + " init-container (rule {rule}); make sure the ModelGate mutating webhook is installed and selects "
            + "namespace {2}"),
    VERIFIER_NOT_LAST("verifier-not-last", "{0}: the " + PodContract.INIT_CONTAINER_NAME + " init-container for "
            + "models {1} is not the single last init-container (rule {rule}), so another init-container could change "
            + "the files after verification" + Text.REDO),
    VERIFIER_IMAGE("verifier-image", "{0}: the " + PodContract.INIT_CONTAINER_NAME + " init-container runs image "
            + "'{1}' instead of the configured '{2}' (rule {rule})" + Text.REDO),
    VERIFIER_ALTERED("verifier-altered", "{0}: the " + PodContract.INIT_CONTAINER_NAME + " init-container for "
            + "models {1} differs from the one ModelGate injects (command, arguments, env, mounts or security "
            + "context) (rule {rule})" + Text.REDO),
    PLAN_MISMATCH("plan-mismatch", "{0}: the verification plan embedded for models {1} is not the plan the current "
            + "TrustedModels and ModelSources produce (sha256 {2}) (rule {rule})" + Text.REDO),

    // --- binding: only verified bytes under the model folder (BindingRules)
    WRITABLE_MODEL_MOUNT("writable-model-mount", "{0}: {1} {2} mounts the model volume ('{3}' at {4}) writable "
            + "(rule {rule}); set readOnly: true on that volumeMount, only the verifier may write model files"),
    UNDECLARED_MODEL_STORE("undeclared-model-store", "{0} mounts model store PersistentVolumeClaim {1} (volume '{2}') "
            + "without declaring its models (rule {rule}); list them in " + PodContract.ANNOTATION_MODELS
            + " and name the volume in " + PodContract.ANNOTATION_VOLUME),
    MODEL_STORE_BINDING("model-store-binding", "{0}: volume '{1}' attaches {2} although the model volume is '{3}' "
            + "(rule {rule}); a model store, and the claim behind the model volume, may be attached only once, as "
            + "the model volume named in " + PodContract.ANNOTATION_VOLUME),
    MODEL_PATH_SHADOWED("model-path-shadowed", "{0}: {1} {2} mounts volume '{3}' at {4}, at or inside {5} where it "
            + "reads the model volume '{6}' (rule {rule}), so the application would read files the verifier never "
            + "checked; mount it outside {5}"),
    VOLUME_TYPE("volume-type", "{0}: volume '{1}' is a {2} volume, which can reach storage outside the model "
            + "contract (rule {rule}); use a persistentVolumeClaim, emptyDir, configMap, secret, downwardAPI, "
            + "projected or ephemeral volume, or ask an administrator to add {2} to "
            + "modelgate.admission.allowed-volume-types"),
    IMAGE_VOLUME("image-volume", "{0}: volume '{1}' mounts image '{2}', which is not an approved OCI model named by "
            + "digest (rule {rule}); image volumes carry bytes the verifier never checks, so only the digest "
            + "reference of an approved OCI TrustedModel may be mounted: remove the volume or approve the model"),

    // --- process sharing and privilege escapes in pods that declare models (PrivilegeRules)
    PROCESS_SHARING("process-sharing", "{0} declares models {1} and sets {2} (rule {rule}), which lets other "
            + "processes reach the verifier's writable mount of the model volume through /proc; remove {2}"),
    PRIVILEGE_ESCAPE("privilege-escape", "{0} declares models {1} and {2} {3} {4} (rule {rule}), which can get "
            + "around read-only mounts of the model volume; remove it"),
    VERIFIER_TARGETED("verifier-targeted", "{0}: ephemeral container {1} targets the " + PodContract.INIT_CONTAINER_NAME
            + " init-container (rule {rule}), so it would share its processes and writable mount; target the "
            + "application container instead"),

    // --- after admission (UpdateRules, Guards)
    MODEL_CONTRACT_CHANGED("model-contract-changed", "{0}: this update changes {1} of a pod admitted with models {2} "
            + "(rule {rule}); the verifier, its plan, the model annotations and the model volume are fixed at "
            + "creation: delete the pod so that a new one is created and verified"),
    NAMESPACE_GUARD("namespace-guard", "{0}: {1} is refused for user {2} (rule {rule}); ask an administrator listed "
            + "in " + Text.GUARD_SETTINGS + " to make the change"),
    MODELS_ANNOTATION_REMOVED("models-annotation-removed", "{0}: removing annotation " + PodContract.ANNOTATION_MODELS
            + " (models {1}) is refused for user {2} (rule {rule}); keep the annotation, or ask an administrator "
            + "listed in " + Text.GUARD_SETTINGS + " to make the change"),
    MODEL_STORE_GUARD("model-store-guard", "{0}: removing label " + PodContract.LABEL_MODEL_STORE + "=true is "
            + "refused for user {1} (rule {rule}), since it would let any pod mount the model store writable; ask "
            + "an administrator listed in " + Text.GUARD_SETTINGS + " to make the change"),

    // --- the request itself
    INVALID_OBJECT("invalid-object", "{0} (rule {rule}); fix the manifest"),
    INTERNAL_ERROR("internal-error", "{0} (rule {rule})");

    private final String id;
    private final String template;

    PodRule(String id, String template) {
        this.id = id;
        this.template = template;
    }

    public String id() {
        return id;
    }

    /** The message template (for docs and tests). */
    public String template() {
        return template;
    }

    /** The sentence for these arguments: {@code {0}} is the object, then the rule's own arguments. */
    public String message(Object... args) {
        StringBuilder out = new StringBuilder(template.length() + 64);
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            int close = c == '{' ? template.indexOf('}', i) : -1;
            if (close > i) {
                String key = template.substring(i + 1, close);
                if (key.equals("rule")) {
                    out.append(id);
                } else {
                    int n = Integer.parseInt(key);
                    out.append(n < args.length ? String.valueOf(args[n]) : "");
                }
                i = close + 1;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    /** A refusal: {@code subject} is the model, volume, claim or label at fault (metrics and Events). */
    Violation deny(String subject, Object... args) {
        return Violation.deny(this, subject, message(args));
    }

    /** A warning (an overdue review under the default action). */
    Violation warn(String subject, Object... args) {
        return Violation.warn(this, subject, message(args));
    }

    /** Fixed phrases shared by several rows. */
    private static final class Text {
        static final String REDO = "; delete the pod so that the mutating webhook injects the verifier again, and "
                + "check that nothing else edits it";
        static final String GUARD_SETTINGS = "modelgate.admission.guard-allowed-users or -groups";
    }
}
