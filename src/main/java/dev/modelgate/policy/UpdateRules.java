package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What an UPDATE of a pod may not change. The API server lets anyone who may patch a pod change container images
 * (the verifier's too) and annotations while it is pending; a pod's model contract is fixed at creation, so any
 * change to the verifier container, the model annotations or the model volume is refused. Removing the models
 * annotation is the guard's decision ({@link Guards}), not this rule's.
 */
final class UpdateRules {

    private UpdateRules() {
    }

    /** The parts of the contract the update changes, for pods that declared models or carried a verifier before. */
    static List<Violation> fixedAtCreation(PodObject old, PodObject now) {
        String oldModels = old.modelsAnnotation();
        JsonNode oldVerifier = verifier(old.specNode());
        JsonNode newVerifier = verifier(now.specNode());
        if (oldModels == null && oldVerifier == null && now.modelsAnnotation() == null && newVerifier == null) {
            return List.of();
        }
        List<String> changed = new ArrayList<>(2);
        if (!Objects.equals(oldVerifier, newVerifier)) {
            changed.add("the " + PodContract.INIT_CONTAINER_NAME + " init-container");
        }
        for (String a : List.of(PodContract.ANNOTATION_MODELS, PodContract.ANNOTATION_VOLUME,
                PodContract.ANNOTATION_PLAN_SHA256)) {
            String before = old.annotations().get(a);
            String after = now.annotations().get(a);
            boolean guarded = a.equals(PodContract.ANNOTATION_MODELS) && before != null && after == null;
            if (!guarded && !Objects.equals(before, after)) {
                changed.add("annotation " + a);
            }
        }
        String volume = old.modelVolume();
        if (!PodContainers.volume(old.specNode(), volume).equals(PodContainers.volume(now.specNode(), volume))
                || !volume.equals(now.modelVolume())) {
            changed.add("the model volume '" + volume + "'");
        }
        if (changed.isEmpty()) {
            return List.of();
        }
        String models = oldModels != null ? oldModels : String.valueOf(now.modelsAnnotation());
        return List.of(PodRule.MODEL_CONTRACT_CHANGED.deny(models, now.describe(), String.join(" and ", changed),
                models));
    }

    private static JsonNode verifier(JsonNode spec) {
        for (JsonNode c : spec.path("initContainers")) {
            if (PodContract.INIT_CONTAINER_NAME.equals(c.path("name").asText())) {
                return c;
            }
        }
        return null;
    }

    /** The violations of {@code now} that {@code before} did not have: an update is refused only for what it adds. */
    static List<Violation> added(List<Violation> now, List<Violation> before) {
        if (now.isEmpty() || before.isEmpty()) {
            return now;
        }
        List<Violation> out = new ArrayList<>(now.size());
        for (Violation v : now) {
            if (before.stream().noneMatch(b -> b.rule() == v.rule() && b.message().equals(v.message()))) {
                out.add(v);
            }
        }
        return out;
    }
}
