package dev.modelgate.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A {@link PolicySnapshot} made of manifests (what {@code helm template} or {@code kustomize build} print, and
 * the ModelSource/TrustedModel YAML in Git): {@code modelgate check} decides from it exactly as the webhooks
 * decide from their caches. Statuses in the input are ignored; readiness is judged from the specs.
 */
public final class ManifestSnapshot implements PolicySnapshot {

    private final Map<String, TrustedModel> models = new HashMap<>();
    private final Map<String, ModelSource> sources = new HashMap<>();
    private final Map<String, Map<String, String>> namespaces = new HashMap<>();
    private final Map<String, Map<String, String>> claims = new HashMap<>();

    /**
     * Takes a document if it is policy input (TrustedModel, ModelSource, Namespace, PersistentVolumeClaim) and
     * says so. Throws {@link IllegalArgumentException} naming the object when a TrustedModel or ModelSource
     * does not parse or a namespaced object has no namespace.
     */
    public boolean add(JsonNode doc) {
        String apiVersion = doc.path("apiVersion").asText("");
        String kind = doc.path("kind").asText("");
        String name = doc.at("/metadata/name").asText("");
        String namespace = doc.at("/metadata/namespace").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if (group.equals(TrustedModel.GROUP) && kind.equals("TrustedModel")) {
            if (namespace.isEmpty()) {
                throw new IllegalArgumentException("TrustedModel " + name + " has no metadata.namespace; TrustedModels "
                        + "are namespaced, set the namespace of the pods that use it");
            }
            TrustedModel tm = read(doc, TrustedModel.class, "TrustedModel " + namespace + "/" + name);
            tm.setStatus(null);
            models.put(namespace + "/" + name, tm);
            return true;
        }
        if (group.equals(TrustedModel.GROUP) && kind.equals("ModelSource")) {
            ModelSource s = read(doc, ModelSource.class, "ModelSource " + name);
            s.setStatus(null);
            sources.put(name, s);
            return true;
        }
        if (group.isEmpty() && kind.equals("Namespace")) {
            namespaces.put(name, labels(doc));
            return true;
        }
        if (group.isEmpty() && kind.equals("PersistentVolumeClaim")) {
            if (namespace.isEmpty()) {
                throw new IllegalArgumentException("PersistentVolumeClaim " + name + " has no metadata.namespace; "
                        + "set it so pods can be matched with it");
            }
            claims.put(namespace + "/" + name, labels(doc));
            return true;
        }
        return false;
    }

    private static <T> T read(JsonNode doc, Class<T> type, String who) {
        try {
            return PolicyJson.MAPPER.treeToValue(doc, type);
        } catch (Exception e) {
            throw new IllegalArgumentException(who + " does not parse: " + PolicyJson.firstLine(e.getMessage()), e);
        }
    }

    private static Map<String, String> labels(JsonNode doc) {
        Map<String, String> out = new HashMap<>();
        doc.at("/metadata/labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        return out;
    }

    public int size() {
        return models.size() + sources.size() + namespaces.size() + claims.size();
    }

    @Override
    public Optional<TrustedModel> trustedModel(String namespace, String name) {
        return Optional.ofNullable(models.get(namespace + "/" + name));
    }

    @Override
    public Optional<ModelSource> modelSource(String name) {
        return Optional.ofNullable(sources.get(name));
    }

    @Override
    public Optional<Map<String, String>> namespaceLabels(String namespace) {
        return Optional.ofNullable(namespaces.get(namespace));
    }

    @Override
    public Optional<Map<String, String>> claimLabels(String namespace, String claim) {
        return Optional.ofNullable(claims.get(namespace + "/" + claim));
    }
}
