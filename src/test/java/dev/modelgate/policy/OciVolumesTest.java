package dev.modelgate.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The image-volume rule as a pure function, on the worked example (docs/examples/mlx-oci) and on edge cases.
 * Each example under workloads/ documents its outcome in its first line.
 */
class OciVolumesTest {

    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path EXAMPLE = Path.of("docs", "examples", "mlx-oci");
    static final String D1 = "sha256:" + "1".repeat(64);
    static final String D2 = "sha256:" + "2".repeat(64);

    static ManifestSnapshot snapshot(String... yamlDocs) throws IOException {
        ManifestSnapshot s = new ManifestSnapshot();
        for (String y : yamlDocs) {
            try (var p = YAML.createParser(y)) {
                for (JsonNode n : YAML.readValues(p, JsonNode.class).readAll()) {
                    s.add(n);
                }
            }
        }
        return s;
    }

    static ManifestSnapshot exampleSnapshot() throws IOException {
        List<String> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLE.resolve("policy"))) {
            for (Path f : files.sorted().toList()) {
                docs.add(Files.readString(f, StandardCharsets.UTF_8));
            }
        }
        return snapshot(docs.toArray(String[]::new));
    }

    static PodObject deployment(JsonNode node) {
        return new PodObject(WorkloadKind.of("apps", node.path("kind").asText()).orElseThrow(),
                node.at("/metadata/namespace").asText(), node);
    }

    static Stream<Path> examples() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("workloads")) {
            try (Stream<Path> s = Files.list(EXAMPLE.resolve(dir))) {
                all.addAll(s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList());
            }
        }
        assertTrue(all.size() >= 5, "the example should show the allowed pod and each refusal");
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void exampleGetsItsDocumentedOutcome(Path workload) throws IOException {
        String first = Files.readAllLines(workload).get(0);
        assertTrue(first.startsWith("# expect: "), workload + " has no '# expect:' first line");
        String expect = first.substring("# expect: ".length()).strip();
        List<Violation> v = OciVolumes.judge(deployment(YAML.readTree(workload.toFile())), exampleSnapshot());
        if (expect.equals("allow")) {
            assertEquals(List.of(), v, workload.toString());
        } else {
            assertEquals(1, v.size(), workload + ": " + v);
            assertTrue(v.get(0).message().contains(expect.substring("deny ".length())), v.get(0).message());
            assertEquals("models", v.get(0).subject());
            assertFalse(v.get(0).warning());
        }
    }

    static final String SOURCE = """
            apiVersion: modelgate.dev/v1alpha1
            kind: ModelSource
            metadata: {name: acme}
            spec:
              oci:
                repositories: [{prefix: reg.example/models}]
            """;

    static String model(String name, String reference, String source) {
        return """
                apiVersion: modelgate.dev/v1alpha1
                kind: TrustedModel
                metadata: {name: %s, namespace: ml}
                spec:
                  source: %s
                  oci: {reference: "%s"}
                  files: [{path: model.safetensors, sha256: "%s", size: 1}]
                """.formatted(name, source, reference, "a".repeat(64));
    }

    static List<Violation> judge(ManifestSnapshot s, List<String> models, String... references) {
        List<OciVolumes.ImageVolume> volumes = new ArrayList<>();
        for (int i = 0; i < references.length; i++) {
            volumes.add(new OciVolumes.ImageVolume("v" + i, references[i]));
        }
        return OciVolumes.judge("Pod ml/p", "ml", volumes, models, s);
    }

    @Test
    void approvedDigestIsAllowedWithOrWithoutATagBesideIt() throws IOException {
        ManifestSnapshot s = snapshot(SOURCE, model("m", "reg.example/models/q@" + D1, "acme"));
        assertEquals(List.of(), judge(s, List.of("m"), "reg.example/models/q@" + D1));
        assertEquals(List.of(), judge(s, List.of("m"), "reg.example/models/q:v1@" + D1));
    }

    @Test
    void eachUnapprovedVolumeIsNamed() throws IOException {
        ManifestSnapshot s = snapshot(SOURCE, model("m", "reg.example/models/q@" + D1, "acme"));
        List<Violation> v = judge(s, List.of("m"), "reg.example/models/q@" + D1, "reg.example/models/q@" + D2,
                "reg.example/models/q:latest", "ubuntu@" + D1);
        assertEquals(List.of("v1", "v2", "v3"), v.stream().map(Violation::subject).toList());
        assertTrue(v.get(0).message().contains("a digest no named model approves") && v.get(0).message().contains(D1),
                v.get(0).message());
        assertTrue(v.get(1).message().contains("by tag"), v.get(1).message());
        assertTrue(v.get(2).message().contains("names no registry"), v.get(2).message());
        v.forEach(x -> assertEquals(PodRule.IMAGE_VOLUME, x.rule()));
    }

    @Test
    void modelNotNamedByThePodDoesNotApprove() throws IOException {
        ManifestSnapshot s = snapshot(SOURCE, model("m", "reg.example/models/q@" + D1, "acme"),
                model("other", "reg.example/models/x@" + D2, "acme"));
        List<Violation> v = judge(s, List.of("other"), "reg.example/models/q@" + D1);
        assertEquals(1, v.size());
        assertTrue(v.get(0).message().contains("none of the named models [other]"), v.get(0).message());
        List<Violation> none = judge(s, List.of(), "reg.example/models/q@" + D1);
        assertTrue(none.get(0).message().contains("declares no models"), none.get(0).message());
    }

    @Test
    void sourceMustExistAndTrustTheRepository() throws IOException {
        ManifestSnapshot missing = snapshot(model("m", "reg.example/models/q@" + D1, "gone"));
        assertTrue(judge(missing, List.of("m"), "reg.example/models/q@" + D1).get(0).message()
                .contains("ModelSource gone does not exist"));
        ManifestSnapshot outside = snapshot(SOURCE, model("m", "reg.example/elsewhere/q@" + D1, "acme"));
        String msg = judge(outside, List.of("m"), "reg.example/elsewhere/q@" + D1).get(0).message();
        assertTrue(msg.contains("does not trust that repository"), msg);
    }

    @Test
    void podsWithoutImageVolumesAreNotConcerned() throws IOException {
        ObjectNode pod = (ObjectNode) YAML.readTree("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p, namespace: ml}
                spec:
                  containers: [{name: c, image: busybox}]
                  volumes: [{name: models, emptyDir: {}}]
                """);
        PodObject p = new PodObject(WorkloadKind.of("", "Pod").orElseThrow(), "ml", pod);
        assertEquals(List.of(), OciVolumes.judge(p, snapshot(SOURCE)));
    }
}
