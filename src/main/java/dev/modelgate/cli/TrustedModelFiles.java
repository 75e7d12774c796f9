package dev.modelgate.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.ModelManifests;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Loads {@code TrustedModel} YAML files as a person or a pipeline wrote them, and refuses anything off. */
final class TrustedModelFiles {

    static final String API_VERSION = "modelgate.dev/v1alpha1";

    /** Unknown fields are refused, as kubectl's strict validation would: a typo must not drop a check. */
    private static final ObjectMapper STRICT = ResourceYaml.MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private TrustedModelFiles() {
    }

    static List<TrustedModel> read(List<Path> files) {
        List<TrustedModel> models = new ArrayList<>();
        for (Path file : files) {
            List<JsonNode> docs = ResourceYaml.readDocuments(file);
            for (int i = 0; i < docs.size(); i++) {
                models.add(toModel(file, docs.size() > 1 ? " (document " + (i + 1) + ")" : "", docs.get(i)));
            }
        }
        return models;
    }

    private static TrustedModel toModel(Path file, String doc, JsonNode node) {
        String where = file + doc;
        if (!node.isObject()) {
            throw new BadInputException(where + ": is not a Kubernetes resource (expected a mapping)");
        }
        String kind = node.path("kind").asText("");
        String apiVersion = node.path("apiVersion").asText("");
        if (!"TrustedModel".equals(kind) || !API_VERSION.equals(apiVersion)) {
            throw new BadInputException(where + ": is a " + (kind.isEmpty() ? "resource without kind" : kind)
                    + (apiVersion.isEmpty() ? "" : " (" + apiVersion + ")") + ", expected a TrustedModel ("
                    + API_VERSION + ")");
        }
        TrustedModel tm;
        try {
            tm = STRICT.treeToValue(node, TrustedModel.class);
        } catch (UnrecognizedPropertyException e) {
            throw new BadInputException(where + ": unknown field '" + e.getPropertyName() + "' at "
                    + fieldPath(e) + "; check its spelling against docs/resources.md");
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new BadInputException(where + ": " + fieldPath(e) + ": " + e.getOriginalMessage());
        }
        // Numbers default to 0 when absent; a missing size must be refused, not read as "empty file".
        JsonNode files = node.path("spec").path("files");
        for (int i = 0; i < files.size(); i++) {
            for (String required : new String[] {"path", "sha256", "size"}) {
                if (files.get(i).path(required).isMissingNode() || files.get(i).path(required).isNull()) {
                    throw new BadInputException(where + ": spec.files[" + i + "]." + required + " is missing");
                }
            }
        }
        List<String> problems = ModelManifests.problems(tm);
        if (!problems.isEmpty()) {
            throw new BadInputException(where + ": " + String.join("; ", problems));
        }
        return tm;
    }

    private static String fieldPath(com.fasterxml.jackson.core.JsonProcessingException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.JsonMappingException m) || m.getPath().isEmpty()) {
            return "(document)";
        }
        StringBuilder b = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference r : m.getPath()) {
            if (r.getFieldName() != null) {
                b.append(b.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                b.append('[').append(r.getIndex()).append(']');
            }
        }
        return b.toString();
    }
}
