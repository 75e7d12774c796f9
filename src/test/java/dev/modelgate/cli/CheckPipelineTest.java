package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.Helm;
import dev.modelgate.policy.PolicySettings;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate check} as a pipeline gate: stdin, lists, a line for every object, --strict, the chart's settings. */
class CheckPipelineTest {

    static final String POLICY = CheckCommandTest.POLICY;
    static final String AT = CheckCommandTest.AT;
    static final Path DEPLOYMENT = Path.of(CheckCommandTest.FIXTURES + "workloads/comfyui-deployment.yaml");

    @TempDir
    Path tmp;

    static CliRun withStdin(String input, String... args) {
        var saved = CheckCommand.stdin;
        CheckCommand.stdin = () -> new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        try {
            return CliRun.of(args);
        } finally {
            CheckCommand.stdin = saved;
        }
    }

    static final String POD_SPEC = """
                spec:
                  containers:
                    - name: app
                      image: ghcr.io/example/app:1
            """;

    /** helm template output mixing kinds check judges, kinds it cannot judge and kinds without pods. */
    static String mixedStream() throws Exception {
        return Files.readString(DEPLOYMENT) + """
            ---
            apiVersion: argoproj.io/v1alpha1
            kind: Rollout
            metadata: {name: comfyui-canary, namespace: comfyui}
            spec:
              template:
                metadata:
                  annotations: {modelgate.dev/models: sdxl-base}
            """ + POD_SPEC.replace("\n    ", "\n      ") + """
            ---
            apiVersion: v1
            kind: ReplicationController
            metadata: {name: old, namespace: comfyui}
            spec:
              template:
            """ + POD_SPEC.replace("\n    ", "\n      ") + """
            ---
            apiVersion: v1
            kind: PodTemplate
            metadata: {name: tpl, namespace: comfyui}
            template:
              spec:
                containers: [{name: app, image: "ghcr.io/example/app:1"}]
            ---
            apiVersion: serving.kserve.io/v1beta1
            kind: InferenceService
            metadata: {name: sdxl, namespace: comfyui}
            spec:
              predictor:
                model:
                  modelFormat: {name: pytorch}
                  storageUri: pvc://comfyui-models/sdxl
            ---
            apiVersion: kubeflow.org/v1
            kind: Notebook
            metadata: {name: nb, namespace: comfyui}
            spec:
              template:
            """ + POD_SPEC.replace("\n    ", "\n      ") + """
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: comfyui, namespace: comfyui}
            spec:
              ports: [{port: 80}]
            """;
    }

    @Test
    void everyObjectOfAStreamOnStdinGetsALineAndStrictFailsOnSkips() throws Exception {
        String input = mixedStream();
        CliRun r = withStdin(input, "check", "--policy", POLICY, "--at", AT, "-");
        assertEquals(0, r.exitCode(), r::toString);
        List<String> lines = r.out().lines().toList();
        assertEquals("allow Deployment comfyui/comfyui", lines.get(0));
        assertTrue(lines.get(1).startsWith("skip  Rollout comfyui/comfyui-canary (Rollout (argoproj.io/v1alpha1) carries a "
                + "pod spec at .spec.template.spec, but ModelGate judges only Pods, Deployments"), r::toString);
        assertTrue(lines.get(2).startsWith("skip  ReplicationController comfyui/old ("), r::toString);
        assertTrue(lines.get(3).startsWith("skip  PodTemplate comfyui/tpl (PodTemplate (v1) carries a pod spec at "
                + ".template.spec"), r::toString);
        assertTrue(lines.get(4).startsWith("skip  InferenceService comfyui/sdxl (a KServe InferenceService creates its "
                + "pods through KServe"), r::toString);
        assertTrue(lines.get(5).startsWith("skip  Notebook comfyui/nb ("), r::toString);
        assertEquals("none  Service comfyui/comfyui (runs no pods)", lines.get(6));
        assertEquals("7 object(s): 1 allowed, 0 with warnings, 0 denied, 5 skipped -> exit 0", lines.get(7));

        CliRun strict = withStdin(input, "check", "--policy", POLICY, "--at", AT, "--strict", "--json", "-");
        assertEquals(1, strict.exitCode(), strict::toString);
        assertTrue(strict.out().contains("\"object\":\"Rollout comfyui/comfyui-canary\",\"decision\":\"skip\""),
                strict::toString);
        assertTrue(strict.out().contains("\"skip\":5,\"input\":0,\"none\":1,\"strict\":true,\"exitCode\":1"),
                strict::toString);

        // Without the objects check cannot judge, --strict passes.
        CliRun clean = withStdin(Files.readString(DEPLOYMENT), "check", "--policy", POLICY, "--at", AT, "--strict", "-");
        assertEquals(0, clean.exitCode(), clean::toString);
    }

    @Test
    void aKubectlListIsReadItemByItem() throws Exception {
        JsonNode deployment = ResourceYaml.readDocuments(DEPLOYMENT).get(0);
        String list = "apiVersion: v1\nkind: List\nmetadata: {resourceVersion: \"\"}\nitems:\n"
                + "- " + ResourceYaml.write(deployment).replace("\n", "\n  ").stripTrailing() + "\n"
                + "- {apiVersion: v1, kind: ConfigMap, metadata: {name: c, namespace: comfyui}}\n";
        Path file = tmp.resolve("list.yaml");
        Files.writeString(file, list);
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, file.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("allow Deployment comfyui/comfyui\nnone  ConfigMap comfyui/c (runs no pods)\n"
                + "2 object(s): 1 allowed, 0 with warnings, 0 denied, 0 skipped -> exit 0\n", r.out());
        CliRun j = CliRun.of("check", "--policy", POLICY, "--at", AT, "--json", file.toString());
        assertTrue(j.out().contains("\"file\":\"" + file + " items[0]\""), j::toString);
    }

    @Test
    void aModelsAnnotationOnTheWorkloadItselfIsAWarning() throws Exception {
        String moved = Files.readString(DEPLOYMENT).replace("""
                  labels:
                    app.kubernetes.io/name: comfyui
                spec:
                  replicas: 1""", """
                  labels:
                    app.kubernetes.io/name: comfyui
                  annotations:
                    modelgate.dev/models: "sdxl-base, sdxl-vae"
                spec:
                  replicas: 1""").replace("""
                      annotations:
                        modelgate.dev/models: "sdxl-base, sdxl-vae"
                        modelgate.dev/volume: models
                """, """
                      annotations:
                        modelgate.dev/volume: models
                """);
        assertFalse(moved.equals(Files.readString(DEPLOYMENT)));
        Path file = tmp.resolve("moved.yaml");
        Files.writeString(file, moved);
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, file.toString());
        assertTrue(r.out().contains("      Deployment comfyui/comfyui carries the annotation modelgate.dev/models on its "
                + "own metadata, where ModelGate does not read it; move it to the pod template "
                + "(spec.template.metadata.annotations)\n"), r::toString);
        CliRun strict = CliRun.of("check", "--policy", POLICY, "--at", AT, "--strict", file.toString());
        assertEquals(1, strict.exitCode(), strict::toString);
    }

    @Test
    void claimsNotGivenAreNamedAndFailUnderStrict() throws Exception {
        Path job = Path.of(CheckCommandTest.FIXTURES + "workloads/mlx-job.yaml");
        CliRun given = CliRun.of("check", "--policy", POLICY, "--at", AT, "--strict", job.toString());
        assertEquals(0, given.exitCode(), given::toString);
        Path policy = tmp.resolve("policy");
        Files.createDirectories(policy);
        for (String f : List.of("models.yaml", "sources.yaml", "namespaces.yaml")) {
            String text = Files.readString(Path.of(POLICY, f));
            // Keep only non-claim documents: the claims of the namespace are "not given".
            StringBuilder keep = new StringBuilder();
            for (String doc : text.split("(?m)^---\\s*$")) {
                if (!doc.contains("kind: PersistentVolumeClaim")) {
                    keep.append("---\n").append(doc.strip()).append('\n');
                }
            }
            Files.writeString(policy.resolve(f), keep);
        }
        CliRun lax = CliRun.of("check", "--policy", policy.toString(), "--at", AT, job.toString());
        assertTrue(lax.out().contains("mounts PersistentVolumeClaim "), lax::toString);
        assertTrue(lax.out().contains("which is not in the input, so whether it is a model store could not be judged"),
                lax::toString);
        CliRun strict = CliRun.of("check", "--policy", policy.toString(), "--at", AT, "--strict", job.toString());
        assertEquals(1, strict.exitCode(), strict::toString);
    }

    @Test
    void settingsComeFromTheChartValues() throws Exception {
        Path values = tmp.resolve("values.yaml");
        Files.writeString(values, """
                verifier:
                  image: registry.example.com/modelgate:9.9.9
                  ignore: [".cache/**"]
                admission:
                  defaultMode: warn
                """);
        Path pod = tmp.resolve("pod.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  namespace: comfyui
                  annotations: {modelgate.dev/models: sdxl-base}
                spec:
                  containers:
                    - name: app
                      image: ghcr.io/example/app:1
                      volumeMounts: [{name: models, mountPath: /models}]
                  volumes:
                    - name: models
                      persistentVolumeClaim: {claimName: comfyui-models}
                """);
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--values", values.toString(), "--print-mutated",
                pod.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("image: registry.example.com/modelgate:9.9.9"), r::toString);
        assertTrue(r.out().contains(".cache/**"), r::toString);
        CliRun d = CliRun.of("check", "--policy", POLICY, "--at", AT, "--print-mutated", pod.toString());
        assertTrue(d.out().contains("image: " + PolicySettings.DEFAULT_VERIFIER_IMAGE), d::toString);

        Files.writeString(values, "verifier:\n  scanPolicy: strict\n");
        CliRun bad = CliRun.of("check", "--policy", POLICY, "--values", values.toString(), pod.toString());
        assertEquals(2, bad.exitCode(), bad::toString);
        assertEquals("modelgate check: " + values + ": modelgate.verifier.scan-policy 'strict' is not one of enforce, "
                + "warn, off\n", bad.err());
    }

    /**
     * The settings check derives from a values file are those the operator gets: the chart is rendered with the
     * same values, its container env (what SmallRye Config reads) turned into the operator's properties, and both
     * paths meet in the one function that builds PolicySettings.
     */
    @Test
    void valuesGiveTheOperatorsSettings() throws Exception {
        Path custom = Path.of("src/test/resources/dev/modelgate/delivery/values-custom.yaml");
        for (Path values : new Path[] {null, custom}) {
            var template = new Helm(Path.of("charts/modelgate")).template().withName("modelgate")
                    .withNamespace("modelgate-system").withKubeVersion("1.30.0");
            if (values != null) {
                template = template.withValuesFile(values);
            }
            String rendered = template.call();
            Properties props = new Properties();
            for (JsonNode doc : ResourceYaml.MAPPER.readerFor(JsonNode.class).<JsonNode>readValues(rendered).readAll()) {
                if (doc != null && "Deployment".equals(doc.path("kind").asText())) {
                    for (JsonNode env : doc.at("/spec/template/spec/containers/0/env")) {
                        String name = env.path("name").asText();
                        if (name.startsWith("MODELGATE_") && env.has("value")) {
                            props.setProperty(property(name), env.path("value").asText());
                        }
                    }
                }
            }
            assertTrue(props.size() > 10, props::toString);
            Path file = tmp.resolve("operator.properties");
            try (var w = Files.newBufferedWriter(file)) {
                props.store(w, null);
            }
            PolicySettings operator = ClusterSettings.fromProperties(file, "modelgate-system");
            PolicySettings cli = ClusterSettings.fromValues(values, "modelgate-system");
            assertEquals(operator, cli, "values " + values);
        }
    }

    /** MODELGATE_ADMISSION_DEFAULT_MODE -> modelgate.admission.default-mode, for the settings check reads. */
    private static String property(String env) {
        String p = env.toLowerCase(java.util.Locale.ROOT);
        for (String group : List.of("verifier", "admission", "operator", "webhook")) {
            String prefix = "modelgate_" + group + "_";
            if (p.startsWith(prefix)) {
                return "modelgate." + group + "." + p.substring(prefix.length()).replace('_', '-');
            }
        }
        return p;
    }
}
