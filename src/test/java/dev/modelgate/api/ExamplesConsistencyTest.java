package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.Example;
import dev.modelgate.api.files.ProjectFiles;

/**
 * Cross-resource rules the schema cannot state, checked on the good examples so they show a setup the
 * operator would accept: each TrustedModel names an example ModelSource, its file urls lie under that
 * source's prefixes, its OCI reference lies in one of the source's repositories, and a model from a source that requires signing says where its signature is.
 */
class ExamplesConsistencyTest {

    @Test
    void modelsFitTheirSources() throws IOException {
        Map<String, JsonNode> sources = new HashMap<>();
        List<JsonNode> models = new java.util.ArrayList<>();
        for (Example example : Example.loadAll(ProjectFiles.examplesDir())) {
            for (JsonNode document : example.documents()) {
                switch (document.path("kind").asText()) {
                    case "ModelSource" -> sources.put(document.at("/metadata/name").asText(), document);
                    case "TrustedModel" -> models.add(document);
                    default -> throw new AssertionError(example.name() + ": unexpected kind " + document.path("kind"));
                }
            }
        }
        assertFalse(models.isEmpty(), "no TrustedModel examples");
        for (JsonNode model : models) {
            String name = model.at("/metadata/name").asText();
            JsonNode source = sources.get(model.at("/spec/source").asText());
            assertNotNull(source, name + " names a source with no example: " + model.at("/spec/source"));
            List<String> prefixes = new java.util.ArrayList<>();
            source.at("/spec/urls").forEach(u -> prefixes.add(u.asText()));
            for (JsonNode file : model.at("/spec/files")) {
                if (file.has("url")) {
                    String url = file.get("url").asText();
                    assertTrue(prefixes.stream().anyMatch(url::startsWith),
                            name + ": " + url + " is not under any of " + prefixes);
                }
            }
            if (model.at("/spec/oci/reference").isTextual()) {
                List<String> repositories = new java.util.ArrayList<>();
                source.at("/spec/oci/repositories").forEach(r -> repositories.add(r.path("prefix").asText()));
                dev.modelgate.oci.OciReference ref = dev.modelgate.oci.OciReference.parse(
                        model.at("/spec/oci/reference").asText());
                assertTrue(ref.prefixIn(repositories).isPresent(),
                        name + ": " + ref + " is not under any of " + repositories);
            }
            if (source.at("/spec/signing/required").asBoolean(false)) {
                assertTrue(model.at("/spec/signature").isObject(),
                        name + ": its source requires signing, so it needs spec.signature");
            }
        }
    }
}
