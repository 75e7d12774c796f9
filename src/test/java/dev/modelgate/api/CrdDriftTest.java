package dev.modelgate.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.modelgate.api.crd.CrdGeneration;
import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;

/**
 * The CRDs committed under {@code crds/} must be exactly what the generator makes of the API classes.
 *
 * <p>Files are compared as parsed YAML trees, so formatting and the generator's header comment do not
 * matter. With {@code -Dmodelgate.crds.update=true} the test rewrites {@code crds/} instead of failing.
 */
class CrdDriftTest {

    static final String UPDATE_PROPERTY = "modelgate.crds.update";
    static final String REGENERATE_COMMAND = "./mvnw -B test -Dtest=CrdDriftTest -D" + UPDATE_PROPERTY + "=true";

    /** Generated CRD files follow {@code <plural>.<group>-v1.yml}; anything else in crds/ is not ours to judge. */
    private static final String CRD_SUFFIX = ".modelgate.dev-v1.yml";

    @Test
    void committedCrdsMatchTheApiClasses(@TempDir Path tmp) throws IOException {
        Map<String, Path> generated = CrdGeneration.generateInto(tmp);
        assertEquals(Set.of("trustedmodels.modelgate.dev-v1.yml", "modelsources.modelgate.dev-v1.yml"),
                generated.keySet(), "the generator should produce one CRD per custom resource");

        Path crds = ProjectFiles.crdsDir();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            rewrite(crds, generated);
            return;
        }

        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Path> entry : generated.entrySet()) {
            Path committed = crds.resolve(entry.getKey());
            if (!Files.exists(committed)) {
                problems.add("crds/" + entry.getKey() + " is missing");
                continue;
            }
            List<String> differences = Yaml.differences(Yaml.readOne(committed), Yaml.readOne(entry.getValue()), 20);
            if (!differences.isEmpty()) {
                problems.add("crds/" + entry.getKey() + " differs from the generated CRD (committed vs generated):\n    "
                        + String.join("\n    ", differences));
            }
        }
        for (Path committed : ProjectFiles.filesEndingWith(crds, CRD_SUFFIX)) {
            if (!generated.containsKey(committed.getFileName().toString())) {
                problems.add("crds/" + committed.getFileName() + " is not generated from any API class (stale)");
            }
        }
        assertTrue(problems.isEmpty(), () -> "The committed CRDs are out of date with the Java API classes.\n"
                + String.join("\n", problems) + "\nRegenerate them with:\n    " + REGENERATE_COMMAND
                + "\nthen review and commit crds/.");
    }

    private static void rewrite(Path crds, Map<String, Path> generated) throws IOException {
        Files.createDirectories(crds);
        for (Path stale : ProjectFiles.filesEndingWith(crds, CRD_SUFFIX)) {
            if (!generated.containsKey(stale.getFileName().toString())) {
                Files.delete(stale);
            }
        }
        for (Map.Entry<String, Path> entry : generated.entrySet()) {
            // Same tree as the generator's output, written without needless quotes so that people (and
            // grep) read `name: trustedmodels.modelgate.dev` as kubectl shows it.
            String yaml = HEADER + READABLE.writeValueAsString(Yaml.readOne(entry.getValue()));
            Files.writeString(crds.resolve(entry.getKey()), yaml);
        }
    }

    private static final String HEADER = "# Generated from src/main/java/dev/modelgate/api/v1alpha1 by CrdDriftTest;"
            + " do not edit.\n# Regenerate: " + REGENERATE_COMMAND + "\n";

    private static final com.fasterxml.jackson.databind.ObjectMapper READABLE = new com.fasterxml.jackson.databind.ObjectMapper(
            com.fasterxml.jackson.dataformat.yaml.YAMLFactory.builder()
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .disable(com.fasterxml.jackson.dataformat.yaml.YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .build());
}
