package dev.modelgate.delivery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;

import dev.modelgate.api.files.ProjectFiles;
import dev.modelgate.api.files.Yaml;
import dev.modelgate.api.schema.CommittedCrds;
import dev.modelgate.api.schema.Violation;

/**
 * Every YAML file under {@code docs/} parses; every ModelGate resource in it (except the deliberately
 * invalid examples) passes the committed CRDs' schemas and CEL rules; every workload of a worked example
 * ({@code docs/examples/<scenario>/workloads/}) says what admission must decide on its first line, and the
 * ones expected to be allowed fit the scenario's own policy.
 */
class DocsYamlTest {

    static final Pattern EXPECT = Pattern.compile("^# expect: (allow|deny (\\S.*))$");
    static final Set<String> WORKLOAD_KINDS =
            Set.of("Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob");

    static Path docsDir() {
        return ProjectFiles.projectDir().resolve("docs");
    }

    static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList();
        }
    }

    private static String relative(Path file) {
        return ProjectFiles.projectDir().relativize(file).toString();
    }

    private static boolean deliberatelyInvalid(Path file) {
        return file.startsWith(ProjectFiles.examplesDir().resolve("invalid"));
    }

    @TestFactory
    Stream<DynamicTest> everyYamlFileParsesIntoKubernetesObjects() throws IOException {
        List<Path> files = yamlFiles(docsDir());
        assertTrue(files.size() >= 18, "expected the examples under docs/, found " + files.size());
        return files.stream().map(file -> DynamicTest.dynamicTest(relative(file), () -> {
            List<JsonNode> documents = Yaml.readAll(file);
            assertFalse(documents.isEmpty(), relative(file) + " holds no YAML document");
            for (JsonNode document : documents) {
                assertTrue(document.isObject(), relative(file) + ": a document is not a mapping");
                assertFalse(document.path("apiVersion").asText().isEmpty(), relative(file) + ": a document lacks apiVersion");
                assertFalse(document.path("kind").asText().isEmpty(), relative(file) + ": a document lacks kind");
                assertFalse(document.at("/metadata/name").asText().isEmpty(), relative(file) + ": a document lacks metadata.name");
            }
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyModelGateResourcePassesTheCrdSchemas() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : yamlFiles(docsDir())) {
            if (deliberatelyInvalid(file)) {
                continue;
            }
            List<JsonNode> documents = Yaml.readAll(file);
            for (int i = 0; i < documents.size(); i++) {
                JsonNode document = documents.get(i);
                if (!document.path("apiVersion").asText().startsWith("modelgate.dev/")) {
                    continue;
                }
                String name = relative(file) + " #" + i + " " + document.path("kind").asText() + " "
                        + document.at("/metadata/name").asText();
                tests.add(DynamicTest.dynamicTest(name, () -> {
                    assertEquals("modelgate.dev/v1alpha1", document.path("apiVersion").asText(), name);
                    List<Violation> violations = CommittedCrds.validatorFor(document).validate(document);
                    assertTrue(violations.isEmpty(), () -> name + " would be refused by the API server: " + violations);
                }));
            }
        }
        assertTrue(tests.size() >= 20, "expected the scenarios' ModelSources and TrustedModels, found " + tests.size());
        return tests.stream();
    }

    @Test
    void invalidResourcesAreCaughtHere() throws IOException {
        // the check above must be able to fail: an example resource with a plain-http url is refused
        JsonNode model = Yaml.readAll(ProjectFiles.examplesDir().resolve("comfyui/policy/trustedmodels.yaml")).get(0).deepCopy();
        ((com.fasterxml.jackson.databind.node.ObjectNode) model.at("/spec/files/0")).put("url", "http://huggingface.co/x");
        List<Violation> violations = CommittedCrds.validatorFor(model).validate(model);
        assertEquals(List.of("spec.files[0].url"), violations.stream().map(Violation::path).toList());
    }

    // ---- worked examples -------------------------------------------------------------------------------

    static List<Path> scenarios() throws IOException {
        try (Stream<Path> dirs = Files.list(ProjectFiles.examplesDir())) {
            return dirs.filter(d -> Files.isDirectory(d.resolve("workloads"))).sorted().toList();
        }
    }

    @Test
    void theThreeScenariosExist() throws IOException {
        assertEquals(List.of("comfyui", "fooocus", "mlx", "mlx-oci"),
                scenarios().stream().map(d -> d.getFileName().toString()).toList());
    }

    @TestFactory
    Stream<DynamicTest> everyWorkloadStatesTheExpectedDecision() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path scenario : scenarios()) {
            List<Path> workloads = new ArrayList<>(yamlFiles(scenario.resolve("workloads")));
            tests.add(DynamicTest.dynamicTest(relative(scenario) + " has allowed and refused workloads", () -> {
                long allowed = workloads.stream().filter(w -> expectation(w).group(1).equals("allow")).count();
                assertTrue(allowed >= 1, relative(scenario) + ": no workload expects allow");
                assertTrue(workloads.size() - allowed >= 1, relative(scenario) + ": no workload expects deny");
            }));
            for (Path workload : workloads) {
                tests.add(DynamicTest.dynamicTest(relative(workload), () -> {
                    expectation(workload);
                    List<JsonNode> documents = Yaml.readAll(workload);
                    assertEquals(1, documents.size(), relative(workload) + ": one workload per file");
                    JsonNode object = documents.get(0);
                    assertTrue(WORKLOAD_KINDS.contains(object.path("kind").asText()),
                            relative(workload) + ": kind " + object.path("kind") + " is not a workload");
                    assertFalse(object.at("/metadata/namespace").asText().isEmpty(),
                            relative(workload) + ": set metadata.namespace so `modelgate check` knows its policy");
                }));
            }
        }
        return tests.stream();
    }

    /** The first line's expectation; fails with the expected format when it is absent or malformed. */
    static Matcher expectation(Path workload) {
        try {
            List<String> lines = Files.readAllLines(workload);
            Matcher m = EXPECT.matcher(lines.isEmpty() ? "" : lines.get(0));
            if (!m.matches()) {
                throw new AssertionError(relative(workload) + ": the first line must be '# expect: allow' or "
                        + "'# expect: deny <part of the refusal>', found: " + (lines.isEmpty() ? "<empty>" : lines.get(0)));
            }
            return m;
        } catch (IOException e) {
            throw new AssertionError(relative(workload) + " cannot be read", e);
        }
    }

    @TestFactory
    Stream<DynamicTest> allowedWorkloadsFitTheirScenariosPolicy() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path scenario : scenarios()) {
            Policy policy = Policy.load(scenario);
            for (Path workload : yamlFiles(scenario.resolve("workloads"))) {
                if (!expectation(workload).group(1).equals("allow")) {
                    continue;
                }
                tests.add(DynamicTest.dynamicTest(relative(workload), () -> policy.assertAllows(relative(workload),
                        Yaml.readOne(workload))));
            }
        }
        return tests.stream();
    }

    @Test
    void policyCheckFindsAWritableModelMount() throws IOException {
        Path scenario = ProjectFiles.examplesDir().resolve("comfyui");
        JsonNode writable = Yaml.readOne(scenario.resolve("workloads/deployment-writable-models.yaml"));
        AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> Policy.load(scenario).assertAllows("writable", writable));
        assertEquals("writable: container comfyui mounts the model volume models writable", e.getMessage());
        JsonNode revoked = Yaml.readOne(scenario.resolve("workloads/deployment-revoked-model.yaml"));
        e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> Policy.load(scenario).assertAllows("revoked", revoked));
        assertEquals("revoked: TrustedModel comfyui/house-style-lora-v1 is revoked", e.getMessage());
    }

    /** A scenario's namespace file and policy folder: what an allowed workload must fit. */
    record Policy(Map<String, JsonNode> sources, Map<String, JsonNode> models, Map<String, JsonNode> claims) {

        static Policy load(Path scenario) throws IOException {
            Map<String, JsonNode> sources = new HashMap<>();
            Map<String, JsonNode> models = new HashMap<>();
            Map<String, JsonNode> claims = new HashMap<>();
            List<Path> files = new ArrayList<>(yamlFiles(scenario.resolve("policy")));
            files.add(scenario.resolve("namespace.yaml"));
            for (Path file : files) {
                for (JsonNode d : Yaml.readAll(file)) {
                    String key = d.at("/metadata/namespace").asText() + "/" + d.at("/metadata/name").asText();
                    switch (d.path("kind").asText()) {
                        case "ModelSource" -> sources.put(d.at("/metadata/name").asText(), d);
                        case "TrustedModel" -> models.put(key, d);
                        case "PersistentVolumeClaim" -> claims.put(key, d);
                        default -> { }
                    }
                }
            }
            return new Policy(sources, models, claims);
        }

        void assertAllows(String name, JsonNode workload) {
            String namespace = workload.at("/metadata/namespace").asText();
            JsonNode pod = switch (workload.path("kind").asText()) {
                case "Pod" -> workload;
                case "CronJob" -> workload.at("/spec/jobTemplate/spec/template");
                default -> workload.at("/spec/template");
            };
            String annotation = pod.at("/metadata/annotations/modelgate.dev~1models").asText();
            assertFalse(annotation.isBlank(), name + ": declares no models");
            for (String modelName : annotation.split(",")) {
                JsonNode model = models.get(namespace + "/" + modelName.strip());
                assertNotNull(model, name + ": no TrustedModel " + namespace + "/" + modelName.strip() + " in the scenario");
                if (model.at("/spec/revoked").isObject()) {
                    throw new AssertionError(name + ": TrustedModel " + namespace + "/" + modelName.strip() + " is revoked");
                }
                JsonNode source = sources.get(model.at("/spec/source").asText());
                assertNotNull(source, name + ": " + modelName.strip() + " names source " + model.at("/spec/source") + ", not in the scenario");
                if (source.at("/spec/signing/required").asBoolean(false)) {
                    assertTrue(model.at("/spec/signature").isObject(), name + ": " + modelName.strip() + " needs spec.signature");
                }
                List<String> prefixes = new ArrayList<>();
                source.at("/spec/urls").forEach(u -> prefixes.add(u.asText()));
                for (JsonNode file : model.at("/spec/files")) {
                    String url = file.path("url").asText("");
                    assertTrue(url.isEmpty() || prefixes.stream().anyMatch(url::startsWith),
                            name + ": " + url + " is not under " + prefixes);
                }
            }
            String volume = pod.at("/metadata/annotations/modelgate.dev~1volume").asText("models");
            JsonNode declared = null;
            for (JsonNode v : pod.at("/spec/volumes")) {
                if (volume.equals(v.path("name").asText())) {
                    declared = v;
                }
            }
            assertNotNull(declared, name + ": the pod has no volume " + volume);
            if (declared.path("image").isObject()) {
                // an image volume: the runtime mounts the artifact read-only; its digest is the admission rule's
                assertTrue(declared.at("/image/reference").asText().contains("@sha256:"),
                        name + ": the image volume must pin the artifact by digest");
            } else {
                String claim = declared.at("/persistentVolumeClaim/claimName").asText();
                JsonNode pvc = claims.get(namespace + "/" + claim);
                assertNotNull(pvc, name + ": PVC " + namespace + "/" + claim + " is not in the scenario's namespace.yaml");
                assertEquals("true", pvc.at("/metadata/labels/modelgate.dev~1model-store").asText(),
                        name + ": PVC " + claim + " is not labelled as a model store");
            }
            for (String list : List.of("containers", "initContainers")) {
                for (JsonNode container : pod.at("/spec/" + list)) {
                    for (JsonNode mount : container.path("volumeMounts")) {
                        if (volume.equals(mount.path("name").asText()) && !mount.path("readOnly").asBoolean(false)) {
                            throw new AssertionError(name + ": container " + container.path("name").asText()
                                    + " mounts the model volume " + volume + " writable");
                        }
                    }
                }
            }
        }
    }
}
