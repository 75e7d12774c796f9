package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.ModelDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flows between commands: a Hugging Face download signed, approved and verified; approve's options. */
class OnboardingFlowTest {

    @TempDir
    Path tmp;

    /** What `hf download ORG/REPO --local-dir DIR` leaves: the files, .gitattributes and huggingface_hub metadata. */
    private Path hfDownload() throws Exception {
        Path dir = tmp.resolve("mlx-model");
        ModelDirs.write(dir.resolve("model.safetensors"), ModelDirs.safetensors(256));
        ModelDirs.write(dir.resolve("config.json"), "{\"model_type\": \"llama\"}".getBytes(StandardCharsets.UTF_8));
        ModelDirs.write(dir.resolve(".gitattributes"), "*.safetensors filter=lfs diff=lfs merge=lfs -text\n"
                .getBytes(StandardCharsets.UTF_8));
        ModelDirs.write(dir.resolve(".cache/huggingface/download/model.safetensors.metadata"),
                "abc\n123\n".getBytes(StandardCharsets.UTF_8));
        ModelDirs.write(dir.resolve(".cache/huggingface/.gitignore"), "*\n".getBytes(StandardCharsets.UTF_8));
        return dir;
    }

    private Path source(Path pub) throws Exception {
        Path src = tmp.resolve("source.yaml");
        StringBuilder y = new StringBuilder("apiVersion: modelgate.dev/v1alpha1\nkind: ModelSource\nmetadata:\n"
                + "  name: hf-mlx\nspec:\n  urls: [\"https://huggingface.co/mlx-community/\"]\n  signing:\n"
                + "    required: true\n    keys:\n    - name: release\n      publicKey: |\n");
        for (String line : Files.readString(pub).split("\n")) {
            y.append("        ").append(line).append('\n');
        }
        Files.writeString(src, y);
        return src;
    }

    @Test
    void aHuggingFaceDownloadIsSignedApprovedAndVerifiedWithoutExtraFlags() throws Exception {
        Path dir = hfDownload();
        CliRun k = CliRun.of("keygen", "--out=" + tmp.resolve("release"), "--no-passphrase");
        assertEquals(0, k.exitCode(), k::toString);
        CliRun s = CliRun.of("sign", dir.toString(), "--key", tmp.resolve("release.pem").toString());
        assertEquals(0, s.exitCode(), s::toString);
        assertTrue(s.out().contains(": 2 files,"), s::toString);

        Path tm = tmp.resolve("tm.yaml");
        CliRun a = CliRun.of("approve", dir.toString(), "--name", "llama", "--source", "hf-mlx", "--namespace", "mlx",
                "-o", tm.toString());
        assertEquals(0, a.exitCode(), a::toString);
        String yaml = Files.readString(tm);
        assertFalse(yaml.contains(".gitattributes") || yaml.contains(".cache") || yaml.contains("path: model.sig"), yaml);
        assertTrue(yaml.contains("  signature:\n    bundlePath: model.sig\n"), yaml);
        assertTrue(yaml.contains("path: config.json") && yaml.contains("path: model.safetensors"), yaml);

        CliRun plain = CliRun.of("verify", dir.toString(), "--model", tm.toString());
        assertEquals(0, plain.exitCode(), plain::toString);
        CliRun signed = CliRun.of("verify", dir.toString(), "--model", tm.toString(), "--source",
                source(tmp.resolve("release-pub.pem")).toString());
        assertEquals(0, signed.exitCode(), signed::toString);
        assertTrue(signed.out().contains("signed by key 'release'"), signed::toString);

        // A stray file still fails: the exclusions are exactly the model_signing ones.
        Files.writeString(dir.resolve("extra.py"), "print(1)\n");
        CliRun stray = CliRun.of("verify", dir.toString(), "--model", tm.toString());
        assertEquals(1, stray.exitCode(), stray::toString);
        assertTrue(stray.err().contains("extra.py: is not part of any declared model"), stray::toString);
    }

    /**
     * The local check leaves alone exactly what the cluster's verifier leaves alone (the plan's Hugging Face
     * metadata globs and the installation's verifier.ignore), so a folder that passes here passes on the volume.
     */
    @Test
    void theLocalCheckIgnoresWhatTheClustersVerifierIgnoresAndNothingMore() throws Exception {
        Path dir = hfDownload();
        Path tm = tmp.resolve("tm.yaml");
        CliRun a = CliRun.of("approve", dir.toString(), "--name", "llama", "--source", "hf-mlx", "-o", tm.toString());
        assertEquals(0, a.exitCode(), a::toString);
        CliRun clean = CliRun.of("verify", dir.toString(), "--model", tm.toString());
        assertEquals(0, clean.exitCode(), clean::toString);

        // Loadable bytes under huggingface_hub's folder, and a .gitignore at the root: approve leaves both out,
        // and the cluster's verifier would refuse both as strays, so the local check does too.
        ModelDirs.write(dir.resolve(".cache/huggingface/evil.safetensors"), ModelDirs.safetensors(8));
        ModelDirs.write(dir.resolve(".gitignore"), "*.tmp\n".getBytes(StandardCharsets.UTF_8));
        CliRun strays = CliRun.of("verify", dir.toString(), "--model", tm.toString());
        assertEquals(1, strays.exitCode(), strays::toString);
        assertTrue(strays.err().contains(".cache/huggingface/evil.safetensors: is not part of any declared model"),
                strays::toString);
        assertTrue(strays.err().contains(".gitignore: is not part of any declared model"), strays::toString);

        // The installation's verifier.ignore applies, as it does in the plan.
        Path values = tmp.resolve("values.yaml");
        Files.writeString(values, "verifier:\n  ignore: [\"/.gitignore\", \"/.cache/huggingface/*.safetensors\"]\n");
        CliRun withValues = CliRun.of("verify", dir.toString(), "--model", tm.toString(), "--values", values.toString());
        assertEquals(0, withValues.exitCode(), withValues::toString);
        Path props = tmp.resolve("operator.properties");
        Files.writeString(props, "modelgate.verifier.strict=false\n");
        CliRun lenient = CliRun.of("verify", dir.toString(), "--model", tm.toString(), "--config", props.toString());
        assertEquals(0, lenient.exitCode(), lenient::toString);
        CliRun both = CliRun.of("verify", dir.toString(), "--model", tm.toString(), "--values", values.toString(),
                "--config", props.toString());
        assertEquals(2, both.exitCode(), both::toString);
    }

    /** With the ModelSource at hand, approve says now what the operator would say once the model is applied. */
    @Test
    void approveJudgesTheModelUnderItsSourceFile() throws Exception {
        Path dir = hfDownload();
        assertEquals(0, CliRun.of("keygen", "--out=" + tmp.resolve("release"), "--no-passphrase").exitCode());
        Path src = source(tmp.resolve("release-pub.pem"));
        String urls = "https://huggingface.co/mlx-community/llama/resolve/0123abc/";

        // The source requires a signature and the folder has none yet: written, with the reason it is not Ready.
        CliRun unsigned = CliRun.of("approve", dir.toString(), "--name", "llama", "--source", "hf-mlx",
                "--source-file", src.toString(), "--url-prefix", urls);
        assertEquals(0, unsigned.exitCode(), unsigned::toString);
        assertTrue(unsigned.out().contains("kind: TrustedModel"), unsigned::toString);
        assertTrue(unsigned.err().contains("note: under ModelSource hf-mlx this TrustedModel would not be Ready "
                + "(SignatureMissing)"), unsigned::toString);

        assertEquals(0, CliRun.of("sign", dir.toString(), "--key", tmp.resolve("release.pem").toString()).exitCode());
        CliRun signed = CliRun.of("approve", dir.toString(), "--name", "llama", "--source", "hf-mlx",
                "--source-file", src.toString(), "--url-prefix", urls);
        assertEquals(0, signed.exitCode(), signed::toString);
        assertTrue(signed.err().contains("under ModelSource hf-mlx this TrustedModel will be Ready"), signed::toString);

        CliRun elsewhere = CliRun.of("approve", dir.toString(), "--name", "llama", "--source", "hf-mlx",
                "--source-file", src.toString(), "--url-prefix", "https://mirror.example.com/llama/");
        assertEquals(0, elsewhere.exitCode(), elsewhere::toString);
        assertTrue(elsewhere.err().contains("would not be Ready (UrlOutsideSource)"), elsewhere::toString);

        CliRun unknown = CliRun.of("approve", dir.toString(), "--name", "llama", "--source", "other",
                "--source-file", src.toString());
        assertEquals(2, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("--source-file holds no ModelSource named other"), unknown::toString);
    }

    @Test
    void oneFileIsApprovedIntoAFolderWithUrlsFromTheHubLayout() throws Exception {
        Path lora = tmp.resolve("downloads/pixel-art-xl.safetensors");
        ModelDirs.write(lora, ModelDirs.safetensors(16));
        ModelDirs.write(tmp.resolve("downloads/other.bin"), new byte[] {1, 2});
        CliRun a = CliRun.of("approve", lora.toString(), "--name", "pixel-art", "--source", "hf", "--path-prefix", "loras",
                "--url-prefix", "https://huggingface.co/nerijs/pixel-art-xl/resolve/0f2b1f6d2ad4d7ea4b5fcbd5fb9d5a1b1b2c3d4e");
        assertEquals(0, a.exitCode(), a::toString);
        assertTrue(a.out().contains("  - path: loras/pixel-art-xl.safetensors\n"), a::toString);
        assertTrue(a.out().contains("    url: https://huggingface.co/nerijs/pixel-art-xl/resolve/"
                + "0f2b1f6d2ad4d7ea4b5fcbd5fb9d5a1b1b2c3d4e/pixel-art-xl.safetensors\n"), a::toString);
        assertFalse(a.out().contains("other.bin"), a::toString);

        Path base = ModelDirs.cleanComfyLayout(tmp.resolve("sdxl"));
        CliRun b = CliRun.of("approve", base.resolve("checkpoints").toString(), "--name", "sdxl", "--source", "hf",
                "--path-prefix", "checkpoints/", "--url-prefix", "https://huggingface.co/org/repo/resolve/abc");
        assertEquals(0, b.exitCode(), b::toString);
        assertTrue(b.out().contains("- path: checkpoints/base.safetensors\n"), b::toString);
        assertTrue(b.out().contains("    url: https://huggingface.co/org/repo/resolve/abc/base.safetensors\n"), b::toString);

        CliRun bad = CliRun.of("approve", lora.toString(), "--name", "x", "--source", "hf", "--path-prefix", "../up");
        assertEquals(2, bad.exitCode(), bad::toString);
        assertTrue(bad.err().startsWith("modelgate approve: --path-prefix '../up': "), bad::toString);
    }

    @Test
    void approveRefusesToOverwriteAndToDropAReviewer() throws Exception {
        Path dir = ModelDirs.cleanComfyLayout(tmp.resolve("m"));
        Path out = tmp.resolve("tm.yaml");
        Files.writeString(out, "keep me\n");
        CliRun r = CliRun.of("approve", dir.toString(), "--name", "m", "--source", "s", "-o", out.toString());
        assertEquals(2, r.exitCode(), r::toString);
        assertEquals("modelgate approve: -o " + out + ": the file exists; give --force to overwrite it or choose "
                + "another name\n", r.err());
        assertEquals("keep me\n", Files.readString(out));
        CliRun f = CliRun.of("approve", dir.toString(), "--name", "m", "--source", "s", "-o", out.toString(), "--force");
        assertEquals(0, f.exitCode(), f::toString);
        assertTrue(Files.readString(out).contains("kind: TrustedModel"));

        CliRun rev = CliRun.of("approve", dir.toString(), "--name", "m", "--source", "s", "--reviewer", "alice");
        assertEquals(2, rev.exitCode(), rev::toString);
        assertTrue(rev.err().contains("--reviewer 'alice' needs --review-interval"), rev::toString);

        CliRun nowhere = CliRun.of("approve", dir.toString(), "--name", "m", "--source", "s", "-o",
                tmp.resolve("no/such/folder/tm.yaml").toString());
        assertEquals(2, nowhere.exitCode(), nowhere::toString);
        assertTrue(nowhere.err().contains("cannot be written (its folder does not exist)"), nowhere::toString);
    }
}
