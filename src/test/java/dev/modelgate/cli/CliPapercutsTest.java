package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelgate.integrity.ModelDirs;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The small things a new user trips over: versions, error prefixes, JSON errors, several sources, file errors. */
class CliPapercutsTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"verify", "approve", "check", "sign", "keygen", "scan", "hash", "demo"})
    void everyCommandPrintsTheVersion(String command) {
        CliRun r = CliRun.of(command, "--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("modelgate "), r::toString);
    }

    @Test
    void topLevelErrorsNameTheProgramOnce() {
        CliRun r = CliRun.of("frobnicate");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().startsWith("modelgate: Unmatched argument"), r::toString);
        assertFalse(r.err().contains("modelgate modelgate"), r::toString);
    }

    @Test
    void aYamlErrorUnderJsonIsJson() throws Exception {
        Path tm = tmp.resolve("tm.yaml");
        Files.writeString(tm, "apiVersion: modelgate.dev/v1alpha1\nkind: TrustedModel\nspec: [\n");
        CliRun r = CliRun.of("verify", tmp.toString(), "--model", tm.toString(), "--json");
        assertEquals(2, r.exitCode(), r::toString);
        JsonNode line = new ObjectMapper().readTree(r.out().strip());
        assertEquals("error", line.path("event").asText());
        assertEquals(2, line.path("exitCode").asInt());
        assertTrue(line.path("reason").asText().startsWith(tm + ": line "), r::toString);
    }

    @Test
    void verifyJsonLinesCarryCodeAndScan() throws Exception {
        Path dir = ModelDirs.cleanComfyLayout(tmp.resolve("m"));
        Path tm = tmp.resolve("tm.yaml");
        assertEquals(0, CliRun.of("approve", dir.toString(), "--name", "m", "--source", "s", "-o", tm.toString())
                .exitCode());
        ModelDirs.flipByte(dir.resolve("vae/vae.safetensors"), 100);
        CliRun r = CliRun.of("verify", dir.toString(), "--model", tm.toString(), "--json");
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.out().contains("\"path\":\"vae/vae.safetensors\",\"result\":\"digest-mismatch\",\"code\":\"DigestMismatch\""),
                r::toString);
        assertTrue(r.out().contains("\"path\":\"loras/style.safetensors\",\"result\":\"ok\""), r::toString);
        assertTrue(r.out().contains("\"scan\":\"benign\""), r::toString);
    }

    @Test
    void verifyTakesSeveralSourcesAndMultiDocumentFiles() throws Exception {
        Path dir = ModelDirs.cleanComfyLayout(tmp.resolve("comfy"));
        Path models = tmp.resolve("models.yaml");
        CliRun a = CliRun.of("approve", dir.resolve("checkpoints").toString(), "--name", "base", "--source", "hub-a",
                "--path-prefix", "checkpoints", "-o", tmp.resolve("a.yaml").toString());
        assertEquals(0, a.exitCode(), a::toString);
        CliRun b = CliRun.of("approve", dir.resolve("vae").toString(), "--name", "vae", "--source", "hub-b",
                "--path-prefix", "vae", "-o", tmp.resolve("b.yaml").toString());
        assertEquals(0, b.exitCode(), b::toString);
        CliRun c = CliRun.of("approve", dir.resolve("loras").toString(), "--name", "lora", "--source", "hub-b",
                "--path-prefix", "loras", "-o", tmp.resolve("c.yaml").toString());
        assertEquals(0, c.exitCode(), c::toString);
        Files.writeString(models, Files.readString(tmp.resolve("a.yaml")) + "---\n" + Files.readString(tmp.resolve("b.yaml"))
                + "---\n" + Files.readString(tmp.resolve("c.yaml")));
        Path sources = tmp.resolve("sources.yaml");
        Files.writeString(sources, """
                apiVersion: modelgate.dev/v1alpha1
                kind: ModelSource
                metadata: {name: hub-a}
                spec: {urls: ["https://a.example/"]}
                ---
                apiVersion: modelgate.dev/v1alpha1
                kind: ModelSource
                metadata: {name: hub-b}
                spec: {urls: ["https://b.example/"]}
                """);
        CliRun r = CliRun.of("verify", dir.toString(), "--model", models.toString(), "--source", sources.toString());
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("TrustedModel base: not signed"), r::toString);
        assertTrue(r.out().contains("TrustedModel lora: not signed"), r::toString);

        Path onlyA = tmp.resolve("only-a.yaml");
        Files.writeString(onlyA, Files.readString(sources).split("---")[0]);
        CliRun missing = CliRun.of("verify", dir.toString(), "--model", models.toString(), "--source", onlyA.toString());
        assertEquals(2, missing.exitCode(), missing::toString);
        assertTrue(missing.err().contains("TrustedModel vae names source 'hub-b', which no --source file defines"),
                missing::toString);
    }

    @Test
    void unwritablePathsSayWhy() {
        CliRun k = CliRun.of("keygen", "--out", tmp.resolve("no/such/dir/release").toString(), "--no-passphrase");
        assertEquals(3, k.exitCode(), k::toString);
        assertTrue(k.err().contains("release.pem: cannot be used (no such file or folder)"), k::toString);
    }

    @Test
    void severalViolationsArePrintedOnePerLine() throws Exception {
        Path pod = tmp.resolve("pod.yaml");
        Files.writeString(pod, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  namespace: comfyui
                  annotations: {modelgate.dev/models: "nope-one, nope-two"}
                spec:
                  containers: [{name: app, image: "ghcr.io/example/app:1"}]
                  volumes: [{name: models, emptyDir: {}}]
                """);
        CliRun r = CliRun.of("check", "--policy", CheckCommandTest.POLICY, "--at", CheckCommandTest.AT, pod.toString());
        assertEquals(1, r.exitCode(), r::toString);
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].matches("deny  Pod comfyui/p: [0-9]+ violations"), r::toString);
        assertTrue(lines[1].startsWith("      ") && lines[1].contains("nope-one"), r::toString);
        assertTrue(lines[2].startsWith("      ") && lines[2].contains("nope-two"), r::toString);
    }
}
