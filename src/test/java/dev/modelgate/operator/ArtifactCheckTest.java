package dev.modelgate.operator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.Condition;
import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.OciArtifactSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.oci.LocalRegistry;
import dev.modelgate.oci.OciException;
import dev.modelgate.oci.OciLayout;
import dev.modelgate.oci.RegistryClient;
import dev.modelgate.oci.RegistryCredentials;
import dev.modelgate.policy.PolicyFixtures;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ArtifactAvailable check against a real Distribution registry on loopback; no blob is ever requested. */
class ArtifactCheckTest {

    static final byte[] CONFIG = "{\"model_type\":\"qwen3\"}".getBytes(StandardCharsets.UTF_8);
    static final byte[] WEIGHTS = new byte[64 * 1024];

    @TempDir
    Path tmp;

    static RegistryClient client(LocalRegistry r) throws OciException {
        return new RegistryClient(new RegistryClient.Settings(null, Set.of(r.hostPort()), RegistryCredentials.none(),
                Duration.ofSeconds(20), 5));
    }

    static TrustedModel model(LocalRegistry r, String digest, ModelFile... files) {
        TrustedModel tm = PolicyFixtures.model("ns", "qwen", "src", files);
        tm.getSpec().setOci(new OciArtifactSpec(r.hostPort() + "/models/qwen@" + digest));
        return tm;
    }

    static ModelFile file(String path, byte[] content) {
        return new ModelFile(path, OciLayout.sha256(content), content.length);
    }

    private String push(LocalRegistry r, Map<String, byte[]> files) throws Exception {
        OciLayout layout = new OciLayout(tmp.resolve("layout"));
        String digest = layout.modelPack(files, "v1");
        r.push(layout, "v1", "models/qwen");
        return digest;
    }

    @Test
    void aPresentManifestWhoseLayersAreTheFilesIsAvailableWithoutPullingABlob() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            String digest = push(r, OciLayout.files("config.json", CONFIG, "model.safetensors", WEIGHTS));
            RegistryClient client = client(r);
            Condition c = ArtifactCheck.check(model(r, digest, file("config.json", CONFIG),
                    file("model.safetensors", WEIGHTS)), client);
            assertEquals("True", c.getStatus(), c.getMessage());
            assertEquals("ManifestPresent", c.getReason());
            assertEquals(0, client.blobGets() + client.rangeGets(), "only the manifest is read");
            assertTrue(r.blobGets("models/qwen").isEmpty(), r.log());
        }
    }

    @Test
    void aDeletedManifestIsMissing() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            String digest = push(r, OciLayout.files("config.json", CONFIG, "model.safetensors", WEIGHTS));
            TrustedModel tm = model(r, digest, file("config.json", CONFIG), file("model.safetensors", WEIGHTS));
            assertEquals("True", ArtifactCheck.check(tm, client(r)).getStatus());
            r.deleteManifest("models/qwen", digest);
            Condition c = ArtifactCheck.check(tm, client(r));
            assertEquals("False", c.getStatus());
            assertEquals("ManifestMissing", c.getReason(), c.getMessage());
            assertTrue(c.getMessage().startsWith("the artifact " + r.hostPort() + "/models/qwen@" + digest
                    + " of TrustedModel qwen is no longer in the registry"), c.getMessage());
        }
    }

    @Test
    void layersThatDifferFromSpecFilesAreNamed() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            byte[] other = "{\"model_type\":\"evil\"}".getBytes(StandardCharsets.UTF_8);
            String digest = push(r, OciLayout.files("config.json", other, "model.safetensors", WEIGHTS,
                    "extra.bin", CONFIG));
            Condition c = ArtifactCheck.check(model(r, digest, file("config.json", CONFIG),
                    file("model.safetensors", WEIGHTS), file("tokenizer.json", CONFIG)), client(r));
            assertEquals("False", c.getStatus());
            assertEquals("FilesDiffer", c.getReason(), c.getMessage());
            assertTrue(c.getMessage().contains("config.json (layer sha256:" + OciLayout.sha256(other)), c.getMessage());
            assertTrue(c.getMessage().contains("tokenizer.json (no layer)"), c.getMessage());
            assertTrue(c.getMessage().contains("extra.bin (a layer no file of spec.files names)"), c.getMessage());
        }
    }

    @Test
    void tarLayersCannotBeCheckedWithoutPullingSoTheAnswerIsUnknown() throws Exception {
        LocalRegistry.requireTools();
        try (LocalRegistry r = LocalRegistry.start(tmp.resolve("reg"), false)) {
            OciLayout layout = new OciLayout(tmp.resolve("layout"));
            String digest = layout.tarImage(OciLayout.files("config.json", CONFIG), "v1");
            r.push(layout, "v1", "models/qwen");
            RegistryClient client = client(r);
            Condition c = ArtifactCheck.check(model(r, digest, file("config.json", CONFIG)), client);
            assertEquals("Unknown", c.getStatus());
            assertEquals("TarLayersNotChecked", c.getReason(), c.getMessage());
            assertEquals(0, client.blobGets());
        }
    }

    @Test
    void anUnreachableRegistryIsSaidSo() throws Exception {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        TrustedModel tm = PolicyFixtures.model("ns", "qwen", "src", file("config.json", CONFIG));
        tm.getSpec().setOci(new OciArtifactSpec("127.0.0.1:" + port + "/models/qwen@sha256:" + "a".repeat(64)));
        Condition c = ArtifactCheck.check(tm, new RegistryClient(new RegistryClient.Settings(null,
                Set.of("127.0.0.1:" + port), RegistryCredentials.none(), Duration.ofSeconds(5), 5)));
        assertEquals("False", c.getStatus());
        assertEquals("RegistryUnreachable", c.getReason(), c.getMessage());
    }
}
