package dev.modelgate.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.ModelDirs;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code approve hf://ORG/REPO@REVISION} against a local HTTPS server speaking the Hub's API shape. */
class HubApproveTest {

    static final String REPO = "stabilityai/stable-diffusion-xl-base-1.0";
    static final String SHA = "462165984030d82259a11f4367a4eed129e94a7b";

    @TempDir
    Path tmp;
    HubServer hub;
    Path ca;
    final Map<String, String> env = new HashMap<>();
    final byte[] base = ModelDirs.safetensors(2048);
    final byte[] vae = ModelDirs.safetensors(512);
    final byte[] index = "{\"_class_name\": \"StableDiffusionXLPipeline\"}\n".getBytes(StandardCharsets.UTF_8);

    @BeforeEach
    void server() throws Exception {
        hub = new HubServer(REPO, SHA)
                .file(".gitattributes", "*.safetensors filter=lfs\n".getBytes(StandardCharsets.UTF_8), false)
                .file("model_index.json", index, false)
                .file("sd_xl_base_1.0.safetensors", base, true)
                .file("vae/diffusion_pytorch_model.safetensors", vae, true)
                .start("main", SHA);
        ca = tmp.resolve("hub-ca.pem");
        Files.writeString(ca, hub.ca.pem());
        env.put("HF_ENDPOINT", hub.endpoint());
        ApproveCommand.environment = env::get;
    }

    @AfterEach
    void stop() {
        ApproveCommand.environment = System::getenv;
        hub.close();
    }

    private CliRun approve(String... extra) {
        String[] base = {"approve", "hf://" + REPO + "@main", "--name", "sdxl-base", "--source", "huggingface",
                "--ca-bundle", ca.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        return CliRun.of(args);
    }

    @Test
    void oneCheckpointIsPinnedToTheCommitWithoutDownloadingIt() {
        CliRun r = approve("--include", "sd_xl_base_1.0.safetensors", "--path-prefix", "checkpoints/");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().contains("at commit " + SHA + " (main)"), r::toString);
        assertTrue(r.out().contains("- path: checkpoints/sd_xl_base_1.0.safetensors\n"
                + "      sha256: " + HubServer.sha256(base) + "\n"
                + "      size: " + base.length + "\n"
                + "      url: " + hub.endpoint() + "/" + REPO + "/resolve/" + SHA + "/sd_xl_base_1.0.safetensors\n"),
                r::toString);
        assertFalse(r.out().contains("vae/") || r.out().contains("model_index"), r::toString);
        assertEquals(0, hub.https.calls("/" + REPO + "/resolve/" + SHA + "/sd_xl_base_1.0.safetensors"),
                "an LFS file's digest comes from the API; the weights are not downloaded");
    }

    @Test
    void theWholeRepositoryAcrossPagesWithSmallFilesHashedAndGitFilesLeftOut() throws Exception {
        Path out = tmp.resolve("tm.yaml");
        CliRun r = approve("-o", out.toString());
        assertEquals(0, r.exitCode(), r::toString);
        String yaml = Files.readString(out);
        assertFalse(yaml.contains(".gitattributes"), yaml);
        assertTrue(yaml.contains("- path: model_index.json\n      sha256: " + HubServer.sha256(index)), yaml);
        assertTrue(yaml.contains("- path: vae/diffusion_pytorch_model.safetensors\n      sha256: "
                + HubServer.sha256(vae)), yaml);
        assertEquals(1, hub.https.calls("/" + REPO + "/resolve/" + SHA + "/model_index.json"));
        assertEquals(0, hub.https.calls("/" + REPO + "/resolve/" + SHA + "/vae/diffusion_pytorch_model.safetensors"));

        // What the Hub listed is what the files are: the same bytes on a volume verify against it.
        Path volume = tmp.resolve("volume");
        ModelDirs.write(volume.resolve("model_index.json"), index);
        ModelDirs.write(volume.resolve("sd_xl_base_1.0.safetensors"), base);
        ModelDirs.write(volume.resolve("vae/diffusion_pytorch_model.safetensors"), vae);
        CliRun v = CliRun.of("verify", volume.toString(), "--model", out.toString());
        assertEquals(0, v.exitCode(), v::toString);
    }

    @Test
    void aGatedRepositoryNeedsTheTokenWhichIsSentAsBearer() {
        hub.requiredToken = "hf_test_token";
        CliRun without = approve();
        assertEquals(3, without.exitCode(), without::toString);
        assertTrue(without.err().contains("HTTP 401; the repository is gated or private: set HF_TOKEN"), without::toString);
        env.put("HF_TOKEN", "hf_test_token");
        CliRun with = approve();
        assertEquals(0, with.exitCode(), with::toString);
        assertTrue(hub.authorizations.contains("Bearer hf_test_token"));
    }

    @Test
    void onlyHttpsAndATrustedCertificate() {
        env.put("HF_ENDPOINT", hub.endpoint().replace("https://", "http://"));
        CliRun http = approve();
        assertEquals(2, http.exitCode(), http::toString);
        assertTrue(http.err().contains("is not an https:// URL"), http::toString);
        env.put("HF_ENDPOINT", hub.endpoint());
        CliRun untrusted = CliRun.of("approve", "hf://" + REPO + "@main", "--name", "x", "--source", "huggingface");
        assertEquals(3, untrusted.exitCode(), untrusted::toString);
        assertTrue(untrusted.err().contains("TLS failed"), untrusted::toString);
        CliRun badRef = CliRun.of("approve", "hf://" + REPO, "--name", "x", "--source", "huggingface");
        assertEquals(2, badRef.exitCode(), badRef::toString);
        assertTrue(badRef.err().contains("is not hf://ORG/REPO@REVISION"), badRef::toString);
        CliRun unknown = CliRun.of("approve", "hf://" + REPO + "@v9", "--name", "x", "--source", "huggingface",
                "--ca-bundle", ca.toString());
        assertEquals(3, unknown.exitCode(), unknown::toString);
        assertTrue(unknown.err().contains("HTTP 404; check the repository name and revision"), unknown::toString);
    }
}
