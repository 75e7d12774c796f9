package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code modelgate check --old OLD NEW}: updates judged offline exactly as the validating webhook judges them. */
class CheckUpdateTest {

    static final String FIXTURES = "src/test/resources/admission/";
    static final String POLICY = FIXTURES + "policy";
    static final String AT = "2026-11-22T04:00:00Z";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: comfyui-0
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
            """;

    /** The pod as the cluster stores it: mutated by `check --print-mutated`, as by the mutating webhook. */
    private static ObjectNode admittedPod(Path dir) throws Exception {
        Path pod = dir.resolve("pod.yaml");
        Files.writeString(pod, POD);
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--print-mutated", pod.toString());
        assertEquals(0, r.exitCode(), r::toString);
        return (ObjectNode) YAML.readTree(r.out().replaceFirst("^---\n", ""));
    }

    private static Path write(Path dir, String name, JsonNode doc) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, YAML.writeValueAsString(doc));
        return p;
    }

    @Test
    void replacingTheVerifierImageIsDeniedAndEverydayChangesAreAllowed(@TempDir Path dir) throws Exception {
        ObjectNode old = admittedPod(dir);
        Path oldFile = write(dir, "old.yaml", old);
        ObjectNode swapped = old.deepCopy();
        ((ObjectNode) swapped.at("/spec/initContainers/0")).put("image", "busybox:1.36");
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--old", oldFile.toString(),
                write(dir, "new.yaml", swapped).toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("deny  Pod comfyui/comfyui-0: this update changes the modelgate-verifier "
                + "init-container of a pod admitted with models sdxl-base (rule model-contract-changed)"), r::toString);

        ObjectNode relabelled = old.deepCopy();
        ((ObjectNode) relabelled.get("metadata")).putObject("labels").put("team", "imaging");
        relabelled.withArray("/spec/tolerations").addObject().put("operator", "Exists");
        CliRun ok = CliRun.of("check", "--policy", POLICY, "--at", AT, "--old", oldFile.toString(),
                write(dir, "relabelled.yaml", relabelled).toString());
        assertEquals(0, ok.exitCode(), ok::toString);
        assertEquals("allow Pod comfyui/comfyui-0\n1 object(s): 1 allowed, 0 with warnings, 0 denied, 0 skipped -> exit 0\n",
                ok.out());
    }

    @Test
    void anEphemeralContainerTargetingTheVerifierIsDenied(@TempDir Path dir) throws Exception {
        ObjectNode old = admittedPod(dir);
        ObjectNode debug = old.deepCopy();
        ((ObjectNode) debug.get("spec")).putArray("ephemeralContainers").addObject().put("name", "dbg")
                .put("image", "busybox:1.36").put("targetContainerName", "modelgate-verifier");
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--json", "--old",
                write(dir, "old.yaml", old).toString(), write(dir, "new.yaml", debug).toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("verifier-targeted", new ObjectMapper().readTree(r.out().split("\n")[0])
                .at("/violations/0/rule").asText());
    }

    @Test
    void removingTheModelStoreLabelIsGuarded(@TempDir Path dir) throws Exception {
        String claim = """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata:
                  name: comfyui-models
                  namespace: comfyui
                  labels:
                    modelgate.dev/model-store: "true"
                spec:
                  accessModes: [ReadWriteMany]
                  resources:
                    requests:
                      storage: 100Gi
                """;
        Path old = dir.resolve("old.yaml");
        Files.writeString(old, claim);
        Path unlabelled = dir.resolve("new.yaml");
        Files.writeString(unlabelled, claim.replace("""
                  labels:
                    modelgate.dev/model-store: "true"
                """, ""));
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--old", old.toString(), "--as", "mallory",
                unlabelled.toString());
        assertEquals(1, r.exitCode(), r::toString);
        assertEquals("deny  PersistentVolumeClaim comfyui/comfyui-models: removing label modelgate.dev/model-store="
                + "true is refused for user mallory (rule model-store-guard), since it would let any pod mount the "
                + "model store writable; ask an administrator listed in modelgate.admission.guard-allowed-users or "
                + "-groups to make the change\n", r.out().lines().findFirst().orElse("") + "\n");
        CliRun admin = CliRun.of("check", "--policy", POLICY, "--at", AT, "--old", old.toString(), "--as", "bob",
                "--as-group", "platform-admins", "--guard-allowed-group", "platform-admins", unlabelled.toString());
        assertEquals(0, admin.exitCode(), admin::toString);
    }

    @Test
    void aWorkloadUpdateIsJudgedAsItsPodsWillBe(@TempDir Path dir) throws Exception {
        ObjectNode deployment = (ObjectNode) YAML.readTree(Path.of(FIXTURES + "workloads/comfyui-deployment.yaml")
                .toFile());
        ObjectNode writable = deployment.deepCopy();
        ((ObjectNode) writable.at("/spec/template/spec/containers/0/volumeMounts/0")).remove("readOnly");
        CliRun r = CliRun.of("check", "--policy", POLICY, "--at", AT, "--old",
                write(dir, "old.yaml", deployment).toString(), write(dir, "new.yaml", writable).toString());
        assertEquals(0, r.exitCode(), "a writable model mount is made read-only in the pods\n" + r);
        ObjectNode shared = deployment.deepCopy();
        ((ObjectNode) shared.at("/spec/template/spec")).put("shareProcessNamespace", true);
        CliRun d = CliRun.of("check", "--policy", POLICY, "--at", AT, "--old",
                write(dir, "old2.yaml", deployment).toString(), write(dir, "shared.yaml", shared).toString());
        assertEquals(1, d.exitCode(), d::toString);
        assertTrue(d.out().contains("(rule process-sharing)"), d::toString);
    }
}
