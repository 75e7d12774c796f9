package dev.modelgate.policy;

/** The rules of the pod contract (DESIGN.md), each with the id that appears in messages, metrics and Events. */
public enum PodRule {
    MODELS_ANNOTATION("models-annotation"),
    UNKNOWN_MODEL("unknown-model"),
    MODEL_REVOKED("model-revoked"),
    SOURCE_NOT_TRUSTED("source-not-trusted"),
    MODEL_NOT_READY("model-not-ready"),
    REVIEW_OVERDUE("review-overdue"),
    PLAN_INVALID("plan-invalid"),
    MODEL_VOLUME_MISSING("model-volume-missing"),
    VERIFIER_MISSING("verifier-missing"),
    VERIFIER_NOT_LAST("verifier-not-last"),
    VERIFIER_IMAGE("verifier-image"),
    VERIFIER_ALTERED("verifier-altered"),
    PLAN_MISMATCH("plan-mismatch"),
    WRITABLE_MODEL_MOUNT("writable-model-mount"),
    UNDECLARED_MODEL_STORE("undeclared-model-store"),
    NAMESPACE_GUARD("namespace-guard"),
    MODELS_ANNOTATION_REMOVED("models-annotation-removed"),
    INVALID_OBJECT("invalid-object"),
    IMAGE_VOLUME_NOT_APPROVED("image-volume-not-approved"),
    INTERNAL_ERROR("internal-error");

    private final String id;

    PodRule(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}
