package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.ProjectFiles;

/**
 * {@code manifests/modelgate.yaml} is the chart rendered with its default values for {@code kubectl apply -f
 * manifests/}: the namespace, the CRDs, then every template. It must not drift from the chart.
 */
class ManifestsDriftTest {

    static final String UPDATE_PROPERTY = "modelgate.manifests.update";
    static final String REGENERATE = "./mvnw -B -q test -Dtest=ManifestsDriftTest -D" + UPDATE_PROPERTY
            + "=true -Dmodelgate.cds.skip=true";

    static Path manifestsFile() {
        return ProjectFiles.projectDir().resolve("manifests").resolve("modelgate.yaml");
    }

    /** What manifests/modelgate.yaml must hold. */
    static String expectedManifests() throws IOException {
        StringBuilder out = new StringBuilder();
        out.append("# ModelGate, rendered from charts/modelgate with its default values into namespace ")
                .append(RenderedChart.NAMESPACE).append(".\n")
                .append("# Install: kubectl apply -f manifests/\n")
                .append("# Generated; do not edit. Change the chart, then regenerate:\n")
                .append("#   ").append(REGENERATE).append('\n')
                .append("---\n")
                .append("apiVersion: v1\n")
                .append("kind: Namespace\n")
                .append("metadata:\n")
                .append("  name: ").append(RenderedChart.NAMESPACE).append('\n')
                .append("  labels:\n")
                .append("    app.kubernetes.io/name: modelgate\n")
                .append("    pod-security.kubernetes.io/enforce: restricted\n");
        for (Path crd : ProjectFiles.filesEndingWith(ProjectFiles.crdsDir(), ".yml")) {
            out.append("---\n# Source: crds/").append(crd.getFileName()).append('\n');
            String text = Files.readString(crd);
            out.append(text.startsWith("---\n") ? text.substring(4) : text);
            if (!text.endsWith("\n")) {
                out.append('\n');
            }
        }
        // the PolicyReport CRD comes once, from crds/ (labelled so kubectl users can leave it out)
        String templates = RenderedChart.render(null, java.util.Map.of("policyReports.installCrd", false)).text();
        out.append(templates.startsWith("---\n") ? templates : "---\n" + templates);
        return out.toString();
    }

    @Test
    void manifestsAreTheChartRenderedWithDefaults() throws IOException {
        String expected = expectedManifests();
        Path file = manifestsFile();
        if (Boolean.getBoolean(UPDATE_PROPERTY)) {
            Files.writeString(file, expected);
        }
        assertTrue(Files.isRegularFile(file), file + " is missing; generate it with: " + REGENERATE);
        assertEquals(expected, Files.readString(file),
                "manifests/modelgate.yaml differs from charts/modelgate rendered with default values; regenerate it with: "
                        + REGENERATE);
    }

    @Test
    void manifestsInstallEverythingInOrder() throws IOException {
        RenderedChart manifests = RenderedChart.parse(Files.readString(manifestsFile()));
        List<String> kinds = manifests.objects().stream().map(o -> o.path("kind").asText()).toList();
        assertEquals("Namespace", kinds.get(0), "the namespace must come first for kubectl apply");
        assertEquals(List.of("CustomResourceDefinition", "CustomResourceDefinition"), kinds.subList(1, 3));
        for (String kind : List.of("ServiceAccount", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding",
                "Service", "Deployment", "PodDisruptionBudget", "MutatingWebhookConfiguration",
                "ValidatingWebhookConfiguration")) {
            assertTrue(kinds.contains(kind), "manifests/ lack a " + kind);
        }
        for (JsonNode object : manifests.objects()) {
            String namespace = object.at("/metadata/namespace").asText("");
            assertTrue(namespace.isEmpty() || namespace.equals(RenderedChart.NAMESPACE),
                    object.path("kind").asText() + " " + object.at("/metadata/name").asText() + " is in " + namespace);
        }
    }
}
