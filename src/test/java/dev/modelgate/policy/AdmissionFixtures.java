package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The admission fixtures under src/test/resources/admission, and the steps the API server takes with them. */
public final class AdmissionFixtures {

    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** The fixtures' clock: reviews and key windows are judged at this instant. */
    public static final Instant NOW = Instant.parse("2026-11-22T04:00:00Z");
    public static final String IMAGE = "registry.example.com/modelgate:0.1.0";

    private AdmissionFixtures() {
    }

    public static List<JsonNode> documents(String resource) {
        try (InputStream in = AdmissionFixtures.class.getResourceAsStream("/admission/" + resource)) {
            if (in == null) {
                throw new IllegalStateException("no test resource admission/" + resource);
            }
            List<JsonNode> out = new ArrayList<>();
            try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(in)) {
                while (it.hasNextValue()) {
                    JsonNode n = it.nextValue();
                    if (n != null && n.isObject()) {
                        out.add(n);
                    }
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ObjectNode object(String resource) {
        return (ObjectNode) documents(resource).get(0).deepCopy();
    }

    /** Namespaces, sources, models and claims of policy/. */
    public static ManifestSnapshot snapshot() {
        ManifestSnapshot s = new ManifestSnapshot();
        for (String f : List.of("policy/namespaces.yaml", "policy/sources.yaml", "policy/models.yaml")) {
            documents(f).forEach(s::add);
        }
        return s;
    }

    public static PolicySettings settings() {
        return new PolicySettings(IMAGE, EnforcementMode.ENFORCE, Set.of("kube-system", "modelgate-system"),
                ReviewOverdueAction.WARN, dev.modelgate.api.v1alpha1.ScanPolicy.ENFORCE, true, List.of(),
                Set.of("flux-admin"), Set.of("system:masters"));
    }

    /** The pod a controller would create from a workload's template. */
    public static ObjectNode podFromTemplate(JsonNode workload, String name) {
        WorkloadKind kind = WorkloadKind.ofApiVersion(workload.path("apiVersion").asText(),
                workload.path("kind").asText()).orElseThrow();
        ObjectNode pod = YAML.createObjectNode();
        pod.put("apiVersion", "v1");
        pod.put("kind", "Pod");
        ObjectNode meta = workload.at(kind.metadataPointer()).isObject()
                ? ((ObjectNode) workload.at(kind.metadataPointer())).deepCopy() : YAML.createObjectNode();
        meta.put("name", name);
        meta.put("namespace", workload.at("/metadata/namespace").asText());
        pod.set("metadata", meta);
        pod.set("spec", workload.at(kind.specPointer()).deepCopy());
        return pod;
    }

    public static AdmissionInput create(JsonNode object) {
        WorkloadKind kind = WorkloadKind.ofApiVersion(object.path("apiVersion").asText(),
                object.path("kind").asText()).orElseThrow();
        return AdmissionInput.create(kind.group(), kind.kind(), object.at("/metadata/namespace").asText(), object);
    }

    public static AdmissionInput update(JsonNode old, JsonNode object, String subResource, String user) {
        WorkloadKind kind = WorkloadKind.ofApiVersion(object.path("apiVersion").asText(),
                object.path("kind").asText()).orElseThrow();
        return new AdmissionInput("UPDATE", kind.group(), kind.kind(), subResource,
                object.at("/metadata/namespace").asText(), object, old, user, List.of("system:authenticated"));
    }

    public static ObjectNode apply(ArrayNode patch, JsonNode object) {
        return (ObjectNode) JsonPatch.apply(patch, object);
    }
}
