package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.HashMap;
import java.util.Map;

/**
 * A pod, or a workload's pod template, as the admission decision sees it: the raw object (the JSON the API
 * server sent or the manifest file held, never re-serialised, so patches address exactly its fields), where its
 * pod template lies, and a typed view of the pod spec.
 */
public final class PodObject {

    private final WorkloadKind kind;
    private final String namespace;
    private final String name;
    private final JsonNode object;
    private PodSpec spec;
    private Map<String, String> annotations;

    public PodObject(WorkloadKind kind, String namespace, JsonNode object) {
        this.kind = kind;
        this.object = object;
        String ns = object.at("/metadata/namespace").asText("");
        this.namespace = ns.isEmpty() ? namespace : ns;
        String n = object.at("/metadata/name").asText("");
        if (n.isEmpty()) {
            String generate = object.at("/metadata/generateName").asText("");
            n = generate.isEmpty() ? "(unnamed)" : generate + "*";
        }
        this.name = n;
    }

    public WorkloadKind kind() {
        return kind;
    }

    public String namespace() {
        return namespace;
    }

    public String name() {
        return name;
    }

    /** The whole object, untouched. */
    public JsonNode object() {
        return object;
    }

    /** "Deployment comfyui/comfyui" — the subject of every message about this object. */
    public String describe() {
        return kind.kind() + " " + (namespace == null || namespace.isEmpty() ? "" : namespace + "/") + name;
    }

    /** The pod (template) annotations, empty when there are none; read once (the decision asks several times). */
    public Map<String, String> annotations() {
        if (annotations == null) {
            JsonNode a = object.at(kind.metadataPointer() + "/annotations");
            Map<String, String> out = new HashMap<>();
            if (a.isObject()) {
                a.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
            }
            annotations = java.util.Collections.unmodifiableMap(out);
        }
        return annotations;
    }

    /** The pod spec node (a missing node when the object has none). */
    public JsonNode specNode() {
        return object.at(kind.specPointer());
    }

    /** The typed pod spec; throws {@link IllegalArgumentException} naming the object when it does not parse. */
    public PodSpec spec() {
        if (spec == null) {
            JsonNode s = specNode();
            if (!s.isObject()) {
                throw new IllegalArgumentException(describe() + " has no pod spec at " + kind.specPointer()
                        + "; it is not a valid " + kind.kind());
            }
            try {
                spec = PolicyJson.MAPPER.treeToValue(s, PodSpec.class);
            } catch (Exception e) {
                throw new IllegalArgumentException(describe() + ": the pod spec does not parse: "
                        + PolicyJson.firstLine(e.getMessage()), e);
            }
        }
        return spec;
    }

    /** The models annotation, or null when the pod declares none. */
    public String modelsAnnotation() {
        return annotations().get(PodContract.ANNOTATION_MODELS);
    }

    /** The model volume's name: the volume annotation, else {@link PodContract#DEFAULT_VOLUME}. */
    public String modelVolume() {
        String v = annotations().get(PodContract.ANNOTATION_VOLUME);
        return v == null || v.isBlank() ? PodContract.DEFAULT_VOLUME : v.strip();
    }

    /** A copy of this object with a different raw JSON (after a patch). */
    public PodObject withObject(ObjectNode changed) {
        return new PodObject(kind, namespace, changed);
    }
}
