package dev.modelgate.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.modelgate.api.v1alpha1.ModelSource;
import java.nio.file.Path;
import java.util.List;

/** Loads the one {@code ModelSource} YAML that {@code verify --source} applies; anything off is bad input. */
final class ModelSourceFiles {

    private static final ObjectMapper STRICT = ResourceYaml.MAPPER.copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ModelSourceFiles() {
    }

    static ModelSource read(Path file) {
        List<JsonNode> docs = ResourceYaml.readDocuments(file);
        if (docs.size() != 1) {
            throw new BadInputException(file + ": holds " + docs.size() + " documents; give exactly one ModelSource");
        }
        JsonNode node = docs.get(0);
        Resources.requireKind(file.toString(), node, "ModelSource");
        ModelSource source = Resources.modelSource(file.toString(), node);
        if (source.getMetadata() == null || source.getMetadata().getName() == null) {
            throw new BadInputException(file + ": the ModelSource has no metadata.name");
        }
        if (source.getSpec() == null) {
            throw new BadInputException(file + ": the ModelSource has no spec");
        }
        return source;
    }
}
