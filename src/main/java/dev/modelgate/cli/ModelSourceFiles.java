package dev.modelgate.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.policy.ModelManifests;
import java.util.LinkedHashMap;
import java.util.Map;
import java.nio.file.Path;
import java.util.List;

/** Loads the {@code ModelSource} YAML that {@code verify --source} applies; anything off is bad input. */
final class ModelSourceFiles {

    private static final ObjectMapper STRICT = ResourceYaml.MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ModelSourceFiles() {
    }

    /** Every ModelSource in {@code files} (several documents per file allowed), by name; each model's must be there. */
    static Map<String, ModelSource> read(List<Path> files, List<TrustedModel> models) {
        Map<String, ModelSource> byName = new LinkedHashMap<>();
        for (Path file : files) {
            List<JsonNode> docs = ResourceYaml.readDocuments(file);
            for (int i = 0; i < docs.size(); i++) {
                String where = file + (docs.size() > 1 ? " (document " + (i + 1) + ")" : "");
                ModelSource source = read(where, docs.get(i));
                if (byName.put(source.getMetadata().getName(), source) != null) {
                    throw new BadInputException(where + ": ModelSource " + source.getMetadata().getName()
                            + " is given twice; give each source once");
                }
            }
        }
        for (TrustedModel tm : models) {
            if (!byName.containsKey(tm.getSpec().getSource())) {
                throw new BadInputException(ModelManifests.name(tm) + " names source '" + tm.getSpec().getSource()
                        + "', which no --source file defines (given: " + String.join(", ", byName.keySet())
                        + "); add that ModelSource's YAML with --source");
            }
        }
        return byName;
    }

    static ModelSource read(String where, JsonNode node) {
        Resources.requireKind(where, node, "ModelSource");
        ModelSource source = Resources.modelSource(where, node);
        if (source.getMetadata() == null || source.getMetadata().getName() == null) {
            throw new BadInputException(where + ": the ModelSource has no metadata.name");
        }
        if (source.getSpec() == null) {
            throw new BadInputException(where + ": the ModelSource has no spec");
        }
        return source;
    }
}
