package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The injected verifier of a pod that declares models: present, the single last init-container, the configured
 * image, exactly the current plan, and otherwise exactly the container the mutation writes, security context
 * included (so the verifier's identity comes from the mutation, never from the pod). Templates are not judged
 * here: their pods get the verifier when they are created.
 */
final class VerifierRules {

    private VerifierRules() {
    }

    static List<Violation> check(PodObject pod, SealedPlan plan, String image) {
        String models = pod.modelsAnnotation();
        JsonNode inits = pod.specNode().path("initContainers");
        int found = -1;
        int count = 0;
        for (int i = 0; i < inits.size(); i++) {
            if (PodContract.INIT_CONTAINER_NAME.equals(inits.get(i).path("name").asText())) {
                found = i;
                count++;
            }
        }
        if (found < 0) {
            return List.of(PodRule.VERIFIER_MISSING.deny(models, pod.describe(), models, pod.namespace()));
        }
        if (count > 1 || found != inits.size() - 1) {
            return List.of(PodRule.VERIFIER_NOT_LAST.deny(models, pod.describe(), models));
        }
        JsonNode actual = inits.get(found);
        List<Violation> out = new ArrayList<>(1);
        if (!image.equals(actual.path("image").asText())) {
            out.add(PodRule.VERIFIER_IMAGE.deny(models, pod.describe(), actual.path("image").asText(), image));
        }
        String sha = pod.annotations().get(PodContract.ANNOTATION_PLAN_SHA256);
        if (!plan.json().equals(VerifierContainer.planOf(actual)) || !plan.sha256().equals(sha)) {
            out.add(PodRule.PLAN_MISMATCH.deny(models, pod.describe(), models, plan.sha256()));
        }
        if (out.isEmpty()) {
            ObjectNode expected = VerifierContainer.expected(plan.json(), image, pod.modelVolume());
            if (!VerifierContainer.matches(actual, expected)) {
                out.add(PodRule.VERIFIER_ALTERED.deny(models, pod.describe(), models));
            }
        }
        return out;
    }
}
