package dev.modelgate.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How manifests map to files, and the layouts that are refused (no registry needed). */
class ArtifactLayoutTest {

    static final String D = "sha256:" + "e".repeat(64);
    static final String D2 = "sha256:" + "f".repeat(64);

    static String layer(String mediaType, String digest, String annotations) {
        return "{\"mediaType\":\"" + mediaType + "\",\"digest\":\"" + digest + "\",\"size\":10"
                + (annotations == null ? "" : ",\"annotations\":{" + annotations + "}") + "}";
    }

    static ArtifactLayout.Layout layout(String configType, String artifactType, String... layers) throws OciException {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\""
                + (artifactType == null ? "" : ",\"artifactType\":\"" + artifactType + "\"")
                + ",\"config\":{\"mediaType\":\"" + configType + "\",\"digest\":\"" + D + "\",\"size\":2}"
                + ",\"layers\":[" + String.join(",", layers) + "]}";
        OciManifest m = OciManifest.parse(json.getBytes(StandardCharsets.UTF_8), D, null, "reg/x@" + D);
        return ArtifactLayout.of(m, "reg/x@" + D);
    }

    static String refused(String configType, String artifactType, String... layers) {
        OciException e = assertThrows(OciException.class, () -> layout(configType, artifactType, layers));
        assertEquals(OciException.Kind.BAD_INPUT, e.kind());
        return e.getMessage();
    }

    @Test
    void modelPackDockerAndOrasLayersAreFiles() throws OciException {
        ArtifactLayout.Layout mp = layout(ArtifactLayout.MODELPACK_CONFIG, ArtifactLayout.MODELPACK_ARTIFACT,
                layer("application/vnd.cncf.model.weight.v1.raw", D, "\"org.cncf.model.filepath\":\"w/model.safetensors\""),
                layer("application/vnd.cncf.model.weight.config.v1.tar+gzip", D2, null));
        assertEquals("ModelPack", mp.kind());
        assertEquals("w/model.safetensors", mp.layers().get(0).path());
        assertEquals(ArtifactLayout.Format.TAR_GZIP, mp.layers().get(1).format());
        ArtifactLayout.Layout docker = layout("application/vnd.docker.ai.model.config.v0.1+json", null,
                layer("application/vnd.docker.ai.gguf.v3", D, "\"org.opencontainers.image.title\":\"model.gguf\""));
        assertEquals("Docker model", docker.kind());
        assertTrue(docker.needsNoBlobs());
        ArtifactLayout.Layout oras = layout("application/vnd.oci.empty.v1+json", "application/vnd.example.model",
                layer("application/octet-stream", D, "\"org.opencontainers.image.title\":\"weights.bin\""));
        assertEquals("weights.bin", oras.layers().get(0).path());
    }

    @Test
    void ambiguousOrUnreadableLayoutsAreRefused() {
        assertTrue(refused(ArtifactLayout.MODELPACK_CONFIG, null,
                layer("application/vnd.cncf.model.weight.v1.raw", D, null)).contains("no org.cncf.model.filepath"));
        assertTrue(refused(ArtifactLayout.MODELPACK_CONFIG, null,
                layer("application/vnd.cncf.model.weight.v1.raw", D, "\"org.cncf.model.filepath\":\"a\""),
                layer("application/vnd.cncf.model.weight.v1.raw", D2, "\"org.cncf.model.filepath\":\"a\""))
                .contains("both name the file a"));
        assertTrue(refused(ArtifactLayout.MODELPACK_CONFIG, null,
                layer("application/vnd.cncf.model.weight.v1.raw", D, "\"org.cncf.model.filepath\":\"../etc/x\""))
                .contains("names the file '../etc/x'"));
        assertTrue(refused(ArtifactLayout.MODELPACK_CONFIG, null,
                layer("application/vnd.cncf.model.weight.v1.tar+zstd", D, null)).contains("zstd"));
        assertTrue(refused("application/vnd.oci.image.config.v1+json", null,
                layer("application/vnd.example.unknown", D, null)).contains("names no file"));
        assertTrue(refused("application/vnd.oci.image.config.v1+json", "x/y",
                layer("application/vnd.oci.image.layer.v1.tar", D,
                        "\"org.opencontainers.image.title\":\"dir\",\"io.deis.oras.content.unpack\":\"true\"").replace(
                        "application/vnd.oci.image.layer.v1.tar", "application/octet-stream"))
                .contains("packed directory"));
        assertTrue(refused(ArtifactLayout.MODELPACK_CONFIG, null).contains("has no layers"));
    }

    @Test
    void anIndexNamesTheManifestsToChooseFrom() {
        String json = "{\"schemaVersion\":2,\"mediaType\":\"" + OciManifest.OCI_INDEX + "\",\"manifests\":["
                + layer(OciManifest.OCI_MANIFEST, D, null) + "," + layer(OciManifest.OCI_MANIFEST, D2, null) + "]}";
        OciException e = assertThrows(OciException.class, () -> ArtifactLayout.of(OciManifest.parse(
                json.getBytes(StandardCharsets.UTF_8), D, null, "reg/x:v1"), "reg/x:v1"));
        assertTrue(e.getMessage().contains("image index") && e.getMessage().contains(D2), e.getMessage());
    }

    @Test
    void insecureRegistriesMustBeLoopbackHostPorts() {
        assertEquals(List.of("127.0.0.1:5000", "localhost:80", "[::1]:5000"),
                List.copyOf(RegistryClient.insecure(" 127.0.0.1:5000, localhost:80 ,[::1]:5000")));
        for (String bad : List.of("registry.example.com:5000", "10.0.0.1:5000", "127.0.0.1", "evil.localhost:80")) {
            assertThrows(IllegalArgumentException.class, () -> RegistryClient.insecure(bad), bad);
        }
    }

    @Test
    void dockerConfigCredentials() {
        RegistryCredentials c = RegistryCredentials.fromDockerConfig(("{\"auths\":{\"https://Reg.Example:5000/v1/\":"
                + "{\"auth\":\"dTpw\"},\"ghcr.io\":{\"username\":\"x\",\"password\":\"y\"}}}").getBytes(StandardCharsets.UTF_8));
        assertEquals("u", c.forRegistry("reg.example:5000").orElseThrow().username());
        assertEquals("y", c.forRegistry("ghcr.io").orElseThrow().password());
        assertTrue(c.forRegistry("other.io").isEmpty());
        assertTrue(!c.forRegistry("ghcr.io").orElseThrow().toString().contains("y]"));
        assertThrows(IllegalArgumentException.class, () -> RegistryCredentials.fromDockerConfig(
                "{\"auths\":{\"r\":{\"identitytoken\":\"t\"}}}".getBytes(StandardCharsets.UTF_8)));
    }
}
