package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate check} on the admission fixtures: the webhook's decisions and messages, offline. */
class CheckCommandTest {

    static final String FIXTURES = "src/test/resources/admission/";
    static final String POLICY = FIXTURES + "policy";
    static final String AT = "2026-11-22T04:00:00Z";
    static final ObjectMapper JSON = new ObjectMapper();

    private static List<JsonNode> lines(String out) throws Exception {
        List<JsonNode> l = new ArrayList<>();
        for (String s : out.split("\n")) {
            if (!s.isBlank()) {
                l.add(JSON.readTree(s));
            }
        }
        return l;
    }

    @Test
    void annotatedFixturesAreAllowed() {
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, FIXTURES + "workloads/comfyui-deployment.yaml",
                FIXTURES + "workloads/fooocus-deployment.yaml", FIXTURES + "workloads/mlx-job.yaml");
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("allow Deployment comfyui/comfyui\nallow Deployment fooocus/fooocus\nallow Job mlx/mlx-eval\n"
                + "3 object(s): 3 allowed, 0 with warnings, 0 denied, 0 skipped -> exit 0\n", r.out());
    }

    @Test
    void unannotatedFixturesAreDeniedWithTheWebhooksMessages() throws Exception {
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--json",
                FIXTURES + "workloads/comfyui-deployment-unannotated.yaml",
                FIXTURES + "workloads/mlx-job-unannotated.yaml");
        assertEquals(1, r.exitCode(), r::toString);
        List<JsonNode> l = lines(r.out());
        assertEquals("deny", l.get(0).path("decision").asText());
        assertEquals("Deployment comfyui/comfyui mounts model store PersistentVolumeClaim comfyui-models (volume "
                + "'models') without declaring its models (rule undeclared-model-store); list them in "
                + "modelgate.dev/models and name the volume in modelgate.dev/volume",
                l.get(0).at("/violations/0/message").asText());
        assertEquals("undeclared-model-store", l.get(1).at("/violations/0/rule").asText());
        assertEquals("Job mlx/mlx-eval", l.get(1).path("object").asText());
        assertEquals("{\"event\":\"summary\",\"objects\":2,\"allow\":0,\"warn\":0,\"deny\":2,\"skip\":0,"
                + "\"input\":0,\"none\":0,\"strict\":false,\"exitCode\":1}",
                l.get(2).toString());
    }

    @Test
    void aPodIsMutatedFirstThenValidatedAndPrintedMutated(@TempDir Path dir) throws Exception {
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: comfyui-debug
                  namespace: comfyui
                  annotations:
                    modelgate.dev/models: sdxl-base
                spec:
                  containers:
                    - name: comfyui
                      image: ghcr.io/ai-dock/comfyui:v2-cuda-12.1.1-base-22.04
                      volumeMounts:
                        - name: models
                          mountPath: /opt/ComfyUI/models
                  volumes:
                    - name: models
                      persistentVolumeClaim:
                        claimName: comfyui-models
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: comfyui
                  namespace: comfyui
                spec:
                  ports: [{port: 8188}]
                """);
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--print-mutated", pod.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertEquals("allow Pod comfyui/comfyui-debug\nnone  Service comfyui/comfyui (runs no pods)\n"
                + "2 object(s): 1 allowed, 0 with warnings, 0 denied, 0 skipped -> exit 0\n",
                r.err());
        List<JsonNode> docs = new ArrayList<>();
        ResourceYaml.MAPPER.readerFor(JsonNode.class).readValues(r.out()).forEachRemaining(n -> docs.add((JsonNode) n));
        assertEquals(2, docs.size());
        JsonNode mutated = docs.get(0);
        assertEquals("modelgate-verifier", mutated.at("/spec/initContainers/0/name").asText());
        assertEquals("ghcr.io/modelgate/modelgate:0.1.0", mutated.at("/spec/initContainers/0/image").asText());
        assertTrue(mutated.at("/spec/containers/0/volumeMounts/0/readOnly").asBoolean());
        assertEquals(64, mutated.at("/metadata/annotations").path("modelgate.dev/plan-sha256").asText().length());
        assertEquals("Service", docs.get(1).path("kind").asText());

        // The printed pod, fed back, passes unchanged: the mutation is idempotent.
        Path again = dir.resolve("again.yaml");
        Files.writeString(again, r.out());
        CliRun r2 = CliRun.of("check", "--policy", POLICY, "--at", AT, "--print-mutated", again.toString());
        assertEquals(r.out(), r2.out());
    }

    @Test
    void aPodWithAHandWrittenVerifierIsDenied(@TempDir Path dir) throws Exception {
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: sneaky
                  namespace: comfyui
                  annotations:
                    modelgate.dev/models: sdxl-base
                spec:
                  initContainers:
                    - name: modelgate-verifier
                      image: ghcr.io/modelgate/modelgate:0.1.0
                      command: ["true"]
                  containers:
                    - name: comfyui
                      image: ghcr.io/ai-dock/comfyui:v2-cuda-12.1.1-base-22.04
                      volumeMounts:
                        - {name: models, mountPath: /opt/ComfyUI/models, readOnly: true}
                  volumes:
                    - name: models
                      persistentVolumeClaim: {claimName: comfyui-models}
                """);
        // The mutating step replaces the impostor with the real verifier, so the pod passes ...
        assertEquals(0, CliRun.of("check", "--policy", POLICY, "--at", AT, pod.toString()).exitCode());
        // ... and a revoked model in the same pod is refused with the model and the rule named.
        Files.writeString(pod, Files.readString(pod).replace("modelgate.dev/models: sdxl-base",
                "modelgate.dev/models: sdxl-base, sd15-leaked"));
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, pod.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("deny  Pod comfyui/sneaky: model sd15-leaked is revoked (rule model-revoked): "),
                r::toString);
    }

    @Test
    void namespacesWithoutANamespaceObjectAreEnforcedAndMissingNamespacesDefault(@TempDir Path dir) throws Exception {
        Path job = dir.resolve("job.yaml");
        Files.writeString(job, Files.readString(Path.of(FIXTURES + "workloads/mlx-job.yaml"))
                .replace("  namespace: mlx\n", ""));
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--namespace", "research", job.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("deny  Job research/mlx-eval: model mistral-7b-instruct-4bit is not a TrustedModel in namespace "
                + "research (rule unknown-model); approve it with `modelgate approve` and apply the TrustedModel, or "
                + "remove it from modelgate.dev/models\n"
                + "      Job research/mlx-eval mounts PersistentVolumeClaim mlx-weights (volume 'weights'), which is not "
                + "in the input, so whether it is a model store could not be judged; give the namespace's claims with "
                + "--policy (kubectl get pvc -n research -o yaml)\n"
                + "1 object(s): 0 allowed, 0 with warnings, 1 denied, 0 skipped -> exit 1\n", r.out());
    }

    @Test
    void overdueReviewWarnsOrDenies(@TempDir Path dir) throws Exception {
        Path d = dir.resolve("d.yaml");
        Files.writeString(d, Files.readString(Path.of(FIXTURES + "workloads/comfyui-deployment.yaml"))
                .replace("\"sdxl-base, sdxl-vae\"", "\"sdxl-base, sdxl-refiner\""));
        CliRun warn = CliRun.of("check", "--policy", POLICY, "--at", AT, d.toString());
        assertEquals(0, warn.exitCode(), warn::toString);
        assertTrue(warn.out().startsWith("warn  Deployment comfyui/comfyui\n      Deployment comfyui/comfyui: model "
                + "sdxl-refiner is overdue for review (rule review-overdue): "), warn::toString);
        assertEquals(1, CliRun.of("check", "--policy", POLICY, "--at", AT, "--review-overdue", "deny", d.toString())
                .exitCode());
    }

    @Test
    void badInputIsExitTwo(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("broken.yaml");
        Files.writeString(broken, "apiVersion: v1\nkind: Pod\nmetadata: [unclosed\n");
        CliRun r = CliRun.of("check", "--policy", POLICY, broken.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().startsWith("modelgate check: " + broken + ": line "), r::toString);
        assertTrue(r.err().contains("not valid YAML"), r::toString);

        Path none = dir.resolve("empty.yaml");
        Files.writeString(none, "---\n---\n");
        CliRun r2 = CliRun.of("check", "--policy", POLICY, none.toString());
        assertEquals(2, r2.exitCode());
        assertEquals("modelgate check: " + none + ": contains no YAML document\n", r2.err());

        Path badModel = dir.resolve("policy.yaml");
        Files.writeString(badModel, "apiVersion: modelgate.dev/v1alpha1\nkind: TrustedModel\nmetadata: {name: m}\n"
                + "spec: {source: s, files: [{path: a, size: 1, sha256: '" + "0".repeat(64) + "'}]}\n");
        CliRun r3 = CliRun.of("check", "--policy", badModel.toString(), FIXTURES + "workloads/mlx-job.yaml");
        assertEquals(2, r3.exitCode());
        assertEquals("modelgate check: " + badModel + ": TrustedModel m has no metadata.namespace; TrustedModels are "
                + "namespaced, set the namespace of the pods that use it\n", r3.err());

        CliRun r4 = CliRun.of("check", "--policy", POLICY, "--at", "yesterday", FIXTURES + "workloads/mlx-job.yaml");
        assertEquals(2, r4.exitCode());
        assertEquals("modelgate check: --at 'yesterday' is not an RFC 3339 instant such as 2026-12-01T00:00:00Z\n",
                r4.err());
    }
}
