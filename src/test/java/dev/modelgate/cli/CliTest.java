package dev.modelgate.cli;

import static dev.modelgate.integrity.ModelDirs.comfyLayout;
import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.integrity.ModelDirs.write;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The CLI as a user runs it: exit codes from DESIGN.md and one sentence naming the file and the problem. */
class CliTest {

    @TempDir
    Path tmp;
    Path models;
    Path yaml;

    @BeforeEach
    void approveAFolder() throws IOException {
        models = comfyLayout(tmp.resolve("models"));
        yaml = tmp.resolve("tm.yaml");
        CliRun r = CliRun.of("approve", models.toString(), "--name", "sdxl-base", "--source", "example-hub",
                "--namespace", "comfyui", "--url-prefix", "https://models.example.com/sdxl", "-o", yaml.toString());
        assertEquals(0, r.exitCode(), r::toString);
    }

    CliRun verify(String... extra) {
        String[] args = new String[3 + extra.length];
        args[0] = "verify";
        args[1] = models.toString();
        args[2] = "--model=" + yaml;
        System.arraycopy(extra, 0, args, 3, extra.length);
        return CliRun.of(args);
    }

    @Test
    void approveWritesATrustedModelWithEveryFile() throws IOException {
        JsonNode tm = ResourceYaml.readDocuments(yaml).get(0);
        assertEquals("modelgate.dev/v1alpha1", tm.path("apiVersion").asText());
        assertEquals("TrustedModel", tm.path("kind").asText());
        assertEquals("comfyui", tm.path("metadata").path("namespace").asText());
        assertEquals("example-hub", tm.path("spec").path("source").asText());
        JsonNode files = tm.path("spec").path("files");
        assertEquals(3, files.size());
        JsonNode style = files.get(1);
        assertEquals("loras/style.safetensors", style.path("path").asText());
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", style.path("sha256").asText());
        assertEquals(3, style.path("size").asLong());
        assertEquals("https://models.example.com/sdxl/loras/style.safetensors", style.path("url").asText());
    }

    @Test
    void approveOutputIsAcceptedByTheCommittedCrdSchema() {
        JsonNode tm = ResourceYaml.readDocuments(yaml).get(0);
        assertEquals(List.of(), dev.modelgate.api.schema.CommittedCrds.validatorFor("TrustedModel").validate(tm));
    }

    @Test
    void approveRefusesMoreFilesThanOneTrustedModelMayDeclare() throws IOException {
        Path many = tmp.resolve("many");
        for (int i = 0; i <= dev.modelgate.api.v1alpha1.TrustedModelSpec.MAX_FILES; i++) {
            write(many.resolve("shard-" + i + ".bin"), new byte[] {(byte) i});
        }
        CliRun r = CliRun.of("approve", many.toString(), "--name", "m", "--source", "s");
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("approve its sub-folders as separate models"), r::toString);
    }

    @Test
    void approveRefusesPlainHttpAndBadNames() {
        CliRun http = CliRun.of("approve", models.toString(), "--name", "m", "--source", "s", "--url-prefix",
                "http://models.example.com");
        assertEquals(2, http.exitCode());
        assertTrue(http.err().contains("not an https:// URL"), http::toString);
        CliRun name = CliRun.of("approve", models.toString(), "--name", "Bad_Name", "--source", "s");
        assertEquals(2, name.exitCode());
        assertTrue(name.err().contains("--name 'Bad_Name' is not a valid Kubernetes name"), name::toString);
    }

    @Test
    void approveOfAnEmptyDirectoryIsBadInput() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliRun r = CliRun.of("approve", empty.toString(), "--name", "m", "--source", "s");
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("contains no files"), r::toString);
    }

    @Test
    void approveRefusesAFolderWithASymlinkOutOfIt() throws IOException {
        Files.write(tmp.resolve("secret"), new byte[] {1});
        Files.createSymbolicLink(models.resolve("loras/link.safetensors"), tmp.resolve("secret"));
        CliRun r = CliRun.of("approve", models.toString(), "--name", "m", "--source", "s");
        assertEquals(1, r.exitCode());
        assertTrue(r.err().contains("loras/link.safetensors: is a symbolic link to"), r::toString);
        assertTrue(r.out().isEmpty(), "no YAML may be printed for a refused folder");
    }

    @Test
    void hashPrintsTheManifestAsJson() throws IOException {
        CliRun r = CliRun.of("hash", models.toString());
        assertEquals(0, r.exitCode(), r::toString);
        JsonNode m = Json.MAPPER.readTree(r.out());
        assertEquals(3, m.path("files").size());
        assertTrue(m.path("manifestDigest").asText().matches("sha256:[0-9a-f]{64}"));
        assertEquals(65536 + 3000 + 3, m.path("bytes").asLong());
    }

    @Test
    void verifyPassesOnTheApprovedFolder() {
        CliRun r = verify();
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("verified " + models + ": 3 files"), r::toString);
    }

    @Test
    void tamperedByteFailsWithExitOne() throws IOException {
        flipByte(models.resolve("checkpoints/base.safetensors"), 123);
        CliRun r = verify();
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("FAIL checkpoints/base.safetensors: sha256 is"), r::toString);
    }

    @Test
    void truncatedFileFailsWithExitOne() throws IOException {
        try (FileChannel ch = FileChannel.open(models.resolve("vae/vae.safetensors"), StandardOpenOption.WRITE)) {
            ch.truncate(100);
        }
        CliRun r = verify();
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("vae/vae.safetensors: is 100 bytes, expected 3000 (truncated?)"), r::toString);
    }

    @Test
    void extraFileFailsInStrictModeAndPassesWithNoStrict() throws IOException {
        write(models.resolve("checkpoints/evil.ckpt"), new byte[] {9});
        CliRun strict = verify();
        assertEquals(1, strict.exitCode(), strict::toString);
        assertTrue(strict.err().contains("checkpoints/evil.ckpt: is not part of any declared model"), strict::toString);
        assertEquals(0, verify("--no-strict").exitCode());
        assertEquals(0, verify("--ignore", "*.ckpt").exitCode());
    }

    @Test
    void missingAndRenamedFilesAreNamed() throws IOException {
        Files.move(models.resolve("vae/vae.safetensors"), models.resolve("vae/vae2.safetensors"));
        CliRun renamed = verify();
        assertEquals(1, renamed.exitCode());
        assertTrue(renamed.err().contains("vae/vae.safetensors: is missing, but its exact bytes are at "
                + "vae/vae2.safetensors (renamed)"), renamed::toString);
        Files.delete(models.resolve("vae/vae2.safetensors"));
        CliRun missing = verify();
        assertEquals(1, missing.exitCode());
        assertTrue(missing.err().contains("vae/vae.safetensors: is declared (3000 bytes) but not on the volume"),
                missing::toString);
    }

    @Test
    void symlinkOutOfTheRootAndHardLinkFail() throws IOException {
        Path style = models.resolve("loras/style.safetensors");
        Files.move(style, tmp.resolve("style-outside"));
        Files.createSymbolicLink(style, tmp.resolve("style-outside"));
        CliRun link = verify();
        assertEquals(1, link.exitCode());
        assertTrue(link.err().contains("an absolute path; only relative links that stay inside the volume"), link::toString);

        Files.delete(style);
        Files.move(tmp.resolve("style-outside"), style);
        Files.createLink(tmp.resolve("another-name"), style);
        CliRun hard = verify();
        assertEquals(1, hard.exitCode());
        assertTrue(hard.err().contains("loras/style.safetensors: is a hard link"), hard::toString);
    }

    @Test
    void jsonOutputHasOneLinePerFileAndASummary() throws IOException {
        flipByte(models.resolve("vae/vae.safetensors"), 1);
        CliRun r = verify("--json");
        assertEquals(1, r.exitCode());
        List<String> lines = r.out().lines().toList();
        assertEquals(4, lines.size(), r::toString);
        JsonNode vae = Json.MAPPER.readTree(lines.get(2));
        assertEquals("file", vae.path("event").asText());
        assertEquals("vae/vae.safetensors", vae.path("path").asText());
        assertEquals("digest-mismatch", vae.path("result").asText());
        assertTrue(vae.path("reason").asText().contains("sha256 is"));
        JsonNode summary = Json.MAPPER.readTree(lines.get(3));
        assertEquals("summary", summary.path("event").asText());
        assertEquals("failed", summary.path("result").asText());
        assertEquals(1, summary.path("exitCode").asInt());
        assertEquals(1, summary.path("failed").asInt());
    }

    @Test
    void malformedYamlIsBadInputNamingTheSpot() throws IOException {
        Files.writeString(yaml, "apiVersion: modelgate.dev/v1alpha1\nkind: TrustedModel\nspec:\n  files: [\n");
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains(yaml + ": line "), r::toString);
        assertTrue(r.err().contains("not valid YAML"), r::toString);
    }

    @Test
    void nonHexDigestIsBadInput() throws IOException {
        String text = Files.readString(yaml).replace("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                "not-a-digest");
        Files.writeString(yaml, text);
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("spec.files[1].sha256: sha256 'not-a-digest' is not 64 lower-case hex"), r::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../x", "/etc/passwd"})
    void pathTraversalInAManifestIsBadInput(String path) throws IOException {
        Files.writeString(yaml, Files.readString(yaml).replace("path: loras/style.safetensors", "path: " + path));
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("spec.files[1].path: path '" + path + "'"), r::toString);
    }

    @Test
    void httpUrlInAManifestIsBadInput() throws IOException {
        Files.writeString(yaml, Files.readString(yaml).replace("https://models.example.com", "http://models.example.com"));
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("is not https://"), r::toString);
    }

    @Test
    void unknownFieldIsBadInput() throws IOException {
        Files.writeString(yaml, Files.readString(yaml).replace("sha256:", "sha265:"));
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("unknown field 'sha265'"), r::toString);
    }

    @Test
    void wrongKindIsBadInput() throws IOException {
        Files.writeString(yaml, Files.readString(yaml).replace("kind: TrustedModel", "kind: ConfigMap"));
        CliRun r = verify();
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("is a ConfigMap"), r::toString);
    }

    @Test
    void revokedModelIsRefusedWithItsReason() throws IOException {
        Files.writeString(yaml, Files.readString(yaml).replace("  source: example-hub",
                "  source: example-hub\n  revoked:\n    reason: CVE-2026-0001 pickle payload"));
        CliRun r = verify();
        assertEquals(1, r.exitCode(), r::toString);
        assertTrue(r.err().contains("is revoked (CVE-2026-0001 pickle payload)"), r::toString);
    }

    @Test
    void conflictingModelsAreBadInput() throws IOException {
        Path other = tmp.resolve("other.yaml");
        Files.writeString(other, Files.readString(yaml).replace("name: sdxl-base", "name: sdxl-other")
                .replace("size: 3\n", "size: 4\n"));
        CliRun r = verify("--model", other.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertTrue(r.err().contains("declared by both TrustedModel comfyui/sdxl-base and TrustedModel comfyui/sdxl-other"),
                r::toString);
    }

    @Test
    void twoModelsTogetherCoverTheFolder() throws IOException {
        // Split the approved model in two documents: each alone leaves strays, together they are exact.
        String text = Files.readString(yaml);
        Path a = tmp.resolve("a.yaml");
        Path b = tmp.resolve("b.yaml");
        Files.writeString(a, dropFile(text, "loras/style.safetensors"));
        Files.writeString(b, keepOnly(text, "loras/style.safetensors").replace("name: sdxl-base", "name: style"));
        assertEquals(1, CliRun.of("verify", models.toString(), "--model", a.toString()).exitCode());
        CliRun both = CliRun.of("verify", models.toString(), "--model", a.toString(), "--model", b.toString());
        assertEquals(0, both.exitCode(), both::toString);
    }

    @Test
    void missingModelFileAndMissingDirectoryAreBadInput() {
        CliRun noFile = CliRun.of("verify", models.toString(), "--model", tmp.resolve("nope.yaml").toString());
        assertEquals(2, noFile.exitCode());
        assertTrue(noFile.err().contains("nope.yaml: no such file"), noFile::toString);
        CliRun noDir = CliRun.of("verify", tmp.resolve("nodir").toString(), "--model", yaml.toString());
        assertEquals(2, noDir.exitCode());
        assertTrue(noDir.err().contains("model directory does not exist"), noDir::toString);
    }

    @Test
    void usageErrorsExitTwo() {
        CliRun r = CliRun.of("verify", models.toString());
        assertEquals(2, r.exitCode());
        assertTrue(r.err().contains("Missing required option: '--model"), r::toString);
        assertEquals(2, CliRun.of("frobnicate").exitCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"hash", "approve", "verify", "demo"})
    void everyCommandHasHelp(String command) {
        CliRun r = CliRun.of(command, "--help");
        assertEquals(0, r.exitCode());
        assertTrue(r.out().contains("Usage: modelgate " + command), r::toString);
        assertFalse(r.out().isBlank());
    }

    @Test
    void demoRunsEveryStepAsPromised() {
        CliRun r = CliRun.of("demo");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("checkpoints/tiny-sdxl.safetensors: sha256 is"), r::toString);
        assertTrue(r.out().contains("checkpoints/free-upgrade.ckpt: is not part of any declared model"), r::toString);
        assertTrue(r.out().contains("(renamed)"), r::toString);
        assertTrue(r.out().contains("demo: every step behaved as expected"), r::toString);
    }

    private static String dropFile(String yamlText, String path) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : yamlText.split("\n")) {
            if (line.startsWith("    - path: ")) {
                skipping = line.equals("    - path: " + path);
            }
            if (!skipping) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }

    private static String keepOnly(String yamlText, String path) {
        StringBuilder out = new StringBuilder();
        boolean inFiles = false;
        boolean keeping = false;
        for (String line : yamlText.split("\n")) {
            if (line.startsWith("    - path: ")) {
                inFiles = true;
                keeping = line.equals("    - path: " + path);
            } else if (!line.startsWith("      ")) {
                inFiles = false;
            }
            if (!inFiles || keeping) {
                out.append(line).append('\n');
            }
        }
        return out.toString();
    }
}
