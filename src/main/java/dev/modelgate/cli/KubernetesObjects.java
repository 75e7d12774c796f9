package dev.modelgate.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.BeanDeserializerBuilder;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the built-in objects {@code check} judges (Pods, workloads, Namespaces, claims) the way the API server does
 * with strict field validation (kubectl's default): an unknown or misspelt field, a value of the wrong type (a
 * string where a number or boolean belongs, a boolean label value) or an API version no current release serves is
 * refused, naming the field. Otherwise a pipeline could pass an object the cluster refuses, or judge a field the
 * cluster would drop.
 *
 * <p>The schema is the Fabric8 model this build ships (Kubernetes 1.35's API): its typed classes, with the
 * catch-all {@code additionalProperties} that normally swallows unknown fields switched off. Duplicate keys are
 * refused earlier, when the YAML is parsed ({@link ResourceYaml}).
 */
final class KubernetesObjects {

    /** apiVersion and kind of each object read strictly, with its typed class. */
    private static final Map<String, Class<? extends KubernetesResource>> TYPES = Map.of(
            "v1/Pod", Pod.class,
            "v1/Namespace", Namespace.class,
            "v1/PersistentVolumeClaim", PersistentVolumeClaim.class,
            "apps/v1/Deployment", Deployment.class,
            "apps/v1/StatefulSet", StatefulSet.class,
            "apps/v1/DaemonSet", DaemonSet.class,
            "apps/v1/ReplicaSet", ReplicaSet.class,
            "batch/v1/Job", Job.class,
            "batch/v1/CronJob", CronJob.class);

    private static final ObjectMapper STRICT = strictMapper();

    private KubernetesObjects() {
    }

    /** Whether this is a Namespace or PersistentVolumeClaim, the built-in objects read as policy input. */
    static boolean policyInput(JsonNode node) {
        String kind = node.path("kind").asText("");
        return !node.path("apiVersion").asText("").contains("/")
                && (kind.equals("Namespace") || kind.equals("PersistentVolumeClaim"));
    }

    /**
     * The first reason the API server would refuse {@code node} before admission, as "field: problem", or empty
     * when it reads cleanly. Only for workload kinds and {@link #policyInput}.
     */
    static Optional<String> problem(JsonNode node) {
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        Class<? extends KubernetesResource> type = TYPES.get(apiVersion + "/" + kind);
        if (type == null) {
            String served = TYPES.keySet().stream().filter(k -> k.endsWith("/" + kind)).findFirst()
                    .map(k -> k.substring(0, k.lastIndexOf('/'))).orElse("?");
            return Optional.of("apiVersion: " + kind + " is served as " + served + ", not " + apiVersion
                    + " (removed from Kubernetes or never served)");
        }
        try {
            STRICT.treeToValue(node, type);
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of(sentence(e));
        } catch (IllegalArgumentException e) {
            return Optional.of("(document): cannot be read as a " + kind);
        }
    }

    private static String sentence(JsonProcessingException e) {
        if (e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException u) {
            return Resources.fieldPath(e) + ": unknown field '" + u.getPropertyName()
                    + "'; the API server refuses it (strict field validation), check its spelling";
        }
        if (e instanceof com.fasterxml.jackson.databind.exc.InvalidFormatException f
                && f.getTargetType() == String.class) {
            return Resources.fieldPath(e) + ": " + f.getValue() + " is not a string; quote it (\"" + f.getValue()
                    + "\"), the API server refuses the object";
        }
        String s = Resources.sentence(e);
        return s + " (the API server refuses the object)";
    }

    private static ObjectMapper strictMapper() {
        SimpleModule noCatchAll = new SimpleModule("modelgate-strict-kubernetes");
        noCatchAll.setDeserializerModifier(new BeanDeserializerModifier() {
            @Override
            public BeanDeserializerBuilder updateBuilder(DeserializationConfig config, BeanDescription description,
                    BeanDeserializerBuilder builder) {
                // Fabric8's classes keep unknown fields in additionalProperties; without it they are refused.
                if (KubernetesResource.class.isAssignableFrom(description.getBeanClass())) {
                    builder.setAnySetter(null);
                }
                return builder;
            }
        });
        ObjectMapper mapper = JsonMapper.builder()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS) // "3" is not a number, "true" not a boolean
                .addModule(noCatchAll)
                .build();
        // Nor is a number or a boolean a string: Go's decoder refuses both (a label value `true` must be quoted).
        mapper.coercionConfigFor(LogicalType.Textual)
                .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        return mapper;
    }
}
