package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;

/**
 * Changes that switch protection off, refused in every mode unless the requester is listed in
 * {@code modelgate.admission.guard-allowed-users} or {@code -groups}: opting a namespace out or into a weaker mode,
 * removing the models annotation from a running workload, removing the model-store label from a claim.
 */
final class Guards {

    private final PolicySettings settings;

    Guards(PolicySettings settings) {
        this.settings = settings;
    }

    /** Removing the models annotation from a running workload is a decision too: refused unless allowed. */
    Optional<Violation> modelsAnnotation(AdmissionInput in, PodObject pod) {
        if (in.oldObject() == null || !in.oldObject().isObject()) {
            return Optional.empty();
        }
        PodObject old = new PodObject(pod.kind(), in.namespace(), in.oldObject());
        if (old.modelsAnnotation() == null || pod.modelsAnnotation() != null || allowed(in)) {
            return Optional.empty();
        }
        return Optional.of(PodRule.MODELS_ANNOTATION_REMOVED.deny(old.modelsAnnotation(), pod.describe(),
                old.modelsAnnotation(), in.username()));
    }

    /** Opting a namespace out (or into a weaker mode) is refused unless the requester is allowed. */
    AdmissionDecision namespace(AdmissionInput in) {
        String name = in.object() == null ? in.namespace() : in.object().at("/metadata/name").asText(null);
        String subject = "Namespace " + name;
        if (!"UPDATE".equals(in.operation()) || in.oldObject() == null || in.object() == null) {
            return AdmissionDecision.skip(subject, "only label changes of a namespace are judged");
        }
        EnforcementMode before = declaredMode(in.oldObject().at("/metadata/labels"));
        EnforcementMode after = declaredMode(in.object().at("/metadata/labels"));
        boolean weaker = before != null && (after == null || after.ordinal() > before.ordinal());
        if (!weaker || allowed(in) || settings.exemptNamespaces().contains(name)) {
            return AdmissionDecision.skip(subject, "the change does not weaken enforcement or is allowed");
        }
        String change = after == null ? "removing label " + PodContract.LABEL_ENFORCE + "=true"
                : "changing label " + PodContract.LABEL_MODE + " from " + before.label() + " to " + after.label();
        return AdmissionDecision.refuse(subject, PodRule.NAMESPACE_GUARD.deny(name, subject, change, in.username()));
    }

    /**
     * Removing {@code modelgate.dev/model-store=true} from a claim (or changing its value) would turn the store into
     * an ordinary claim any pod may mount writable: refused unless allowed. {@code enforced} is whether the claim's
     * namespace is judged at all.
     */
    AdmissionDecision modelStore(AdmissionInput in, boolean enforced) {
        JsonNode obj = in.object() != null ? in.object() : in.oldObject();
        String name = obj == null ? "(unnamed)" : obj.at("/metadata/name").asText("(unnamed)");
        String subject = "PersistentVolumeClaim " + (in.namespace() == null ? "" : in.namespace() + "/") + name;
        if (!"UPDATE".equals(in.operation()) || in.oldObject() == null || in.object() == null || !enforced) {
            return AdmissionDecision.skip(subject, "only label changes of a claim in an enforced namespace are judged");
        }
        boolean before = "true".equals(in.oldObject().at("/metadata/labels").path(PodContract.LABEL_MODEL_STORE)
                .asText(null));
        boolean after = "true".equals(in.object().at("/metadata/labels").path(PodContract.LABEL_MODEL_STORE)
                .asText(null));
        if (!before || after || allowed(in)) {
            return AdmissionDecision.skip(subject, "the change keeps the model-store label or is allowed");
        }
        return AdmissionDecision.refuse(subject, PodRule.MODEL_STORE_GUARD.deny(name, subject, in.username()));
    }

    private EnforcementMode declaredMode(JsonNode labels) {
        if (!"true".equals(labels.path(PodContract.LABEL_ENFORCE).asText(null))) {
            return null;
        }
        String mode = labels.path(PodContract.LABEL_MODE).asText(null);
        if (mode == null) {
            return settings.defaultMode();
        }
        try {
            return EnforcementMode.parse(mode);
        } catch (IllegalArgumentException e) {
            return EnforcementMode.ENFORCE;
        }
    }

    private boolean allowed(AdmissionInput in) {
        return (in.username() != null && settings.guardUsers().contains(in.username()))
                || in.groups().stream().anyMatch(settings.guardGroups()::contains);
    }
}
