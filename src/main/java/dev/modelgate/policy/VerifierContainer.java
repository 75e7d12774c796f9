package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * The init-container the mutating webhook injects, as JSON: the one definition both webhooks use, the mutating
 * one to write it and the validating one to compare a pod's container with it field by field (so a
 * hand-written "verifier" with another command, image, plan or mount is refused).
 *
 * <p>Every field the API server would default is written explicitly, so the container the validating webhook
 * sees is the one written here. {@code resources} are written by the mutation (configured requests and limits, so
 * a ResourceQuota demanding limits still admits the pod) but ignored when comparing: a LimitRange may change them,
 * and they give no way around verification.
 *
 * <p>The security context is complete and fixed: the verifier's identity comes from the mutation, never from the
 * pod's {@code securityContext} (whose runAsUser would otherwise apply to it). It passes Pod Security
 * {@code restricted}: non-root uid/gid {@value #RUN_AS_USER} (the image's user), no privilege escalation, every
 * capability dropped, read-only root filesystem (it writes only to the model volume), RuntimeDefault seccomp.
 */
public final class VerifierContainer {

    private static final JsonNodeFactory F = JsonNodeFactory.instance;

    /** The image's non-root user and group (Dockerfile, Jib). */
    public static final int RUN_AS_USER = 10001; // an int: parsed JSON holds 10001 as an int, and nodes compare by type

    private VerifierContainer() {
    }

    /** The container for a plan, an image and the pod's model volume. */
    public static ObjectNode expected(VerificationPlan plan, String image, String volume) {
        return expected(plan.toJson(), image, volume);
    }

    /** The container the mutation writes: {@link #expected(String, String, String)} with {@code resources}. */
    public static ObjectNode injected(String planJson, String image, String volume, VerifierResources resources) {
        ObjectNode c = expected(planJson, image, volume);
        ObjectNode json = resources.toJson();
        if (json != null) {
            c.set("resources", json);
        }
        return c;
    }

    /** The same, with the plan's canonical JSON already at hand. */
    public static ObjectNode expected(String planJson, String image, String volume) {
        ObjectNode c = F.objectNode();
        c.put("name", PodContract.INIT_CONTAINER_NAME);
        c.put("image", image);
        ArrayNode args = c.putArray("args");
        PodContract.VERIFIER_ARGS.forEach(args::add);
        ArrayNode env = c.putArray("env");
        env.addObject().put("name", PodContract.ENV_PLAN).put("value", planJson);
        ObjectNode sha = env.addObject().put("name", PodContract.ENV_PLAN_SHA256);
        sha.putObject("valueFrom").putObject("fieldRef").put("apiVersion", "v1")
                .put("fieldPath", PodContract.PLAN_SHA256_FIELD_PATH);
        c.putArray("volumeMounts").addObject().put("name", volume).put("mountPath", PodContract.VOLUME_MOUNT_PATH);
        c.put("terminationMessagePath", PodContract.TERMINATION_MESSAGE_PATH);
        c.put("terminationMessagePolicy", "File");
        c.put("imagePullPolicy", "IfNotPresent");
        ObjectNode sc = c.putObject("securityContext");
        sc.put("allowPrivilegeEscalation", false);
        sc.putObject("capabilities").putArray("drop").add("ALL");
        sc.put("privileged", false);
        sc.put("readOnlyRootFilesystem", true);
        sc.put("runAsGroup", RUN_AS_USER);
        sc.put("runAsNonRoot", true);
        sc.put("runAsUser", RUN_AS_USER);
        sc.putObject("seccompProfile").put("type", "RuntimeDefault");
        return c;
    }

    /** Whether a pod's container is the expected one (resources, nulls and empty collections aside). */
    public static boolean matches(JsonNode actual, ObjectNode expected) {
        return normalise(actual).equals(normalise(expected));
    }

    /** The plan JSON a container carries in {@link PodContract#ENV_PLAN}, or null. */
    public static String planOf(JsonNode container) {
        for (JsonNode e : container.path("env")) {
            if (PodContract.ENV_PLAN.equals(e.path("name").asText())) {
                return e.path("value").isTextual() ? e.path("value").asText() : null;
            }
        }
        return null;
    }

    private static JsonNode normalise(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return F.nullNode();
        }
        if (n.isObject()) {
            ObjectNode out = F.objectNode();
            Iterator<Map.Entry<String, JsonNode>> it = n.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("resources")) {
                    continue;
                }
                JsonNode v = normalise(e.getValue());
                if (!v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
                    out.set(e.getKey(), v);
                }
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = F.arrayNode();
            n.forEach(x -> out.add(normalise(x)));
            return out;
        }
        return n;
    }
}
