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
        Resources.requireKind(where, node, "TrustedModel");
        return Resources.trustedModel(where, node);
    }
}
