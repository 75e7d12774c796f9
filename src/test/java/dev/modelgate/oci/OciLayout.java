package dev.modelgate.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.Sha256;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Writes an OCI image layout (the input of {@code skopeo copy oci:DIR:TAG}) for tests. */
public final class OciLayout {

    static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final ArrayNode manifests = JSON.createArrayNode();

    public OciLayout(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir.resolve("blobs/sha256"));
        Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    }

    Path dir() {
        return dir;
    }

    public static String sha256(byte[] b) {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(b));
    }

    /** Stores a blob and returns its descriptor JSON. */
    ObjectNode blob(String mediaType, byte[] bytes, Map<String, String> annotations) throws IOException {
        String hex = sha256(bytes);
        Files.write(dir.resolve("blobs/sha256/" + hex), bytes);
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType);
        d.put("digest", "sha256:" + hex);
        d.put("size", bytes.length);
        if (annotations != null && !annotations.isEmpty()) {
            ObjectNode a = d.putObject("annotations");
            annotations.forEach(a::put);
        }
        return d;
    }

    /** Writes a manifest with the given config and layers under {@code tag}; returns its digest. */
    String manifest(String artifactType, ObjectNode config, ObjectNode... layers) throws IOException {
        ObjectNode m = JSON.createObjectNode();
        m.put("schemaVersion", 2);
        m.put("mediaType", OciManifest.OCI_MANIFEST);
        if (artifactType != null) {
            m.put("artifactType", artifactType);
        }
        m.set("config", config);
        ArrayNode ls = m.putArray("layers");
        for (ObjectNode l : layers) {
            ls.add(l);
        }
        return rawManifest(JSON.writeValueAsBytes(m));
    }

    String rawManifest(byte[] bytes) throws IOException {
        ObjectNode d = blob(OciManifest.OCI_MANIFEST, bytes, null);
        manifests.add(d);
        return d.get("digest").asText();
    }

    /** Writes index.json naming the last manifest as {@code tag}. */
    void tag(String tag) throws IOException {
        ObjectNode last = (ObjectNode) manifests.get(manifests.size() - 1).deepCopy();
        last.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        index.putArray("manifests").add(last);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    /** A ModelPack artifact: one raw layer per file, named by org.cncf.model.filepath. */
    public String modelPack(Map<String, byte[]> files, String tag) throws IOException {
        ObjectNode config = blob(ArtifactLayout.MODELPACK_CONFIG,
                "{\"descriptor\":{\"name\":\"test\"},\"modelfs\":{\"type\":\"layers\"}}".getBytes(StandardCharsets.UTF_8),
                null);
        ObjectNode[] layers = new ObjectNode[files.size()];
        int i = 0;
        for (Map.Entry<String, byte[]> f : files.entrySet()) {
            String mt = f.getKey().endsWith(".json") ? "application/vnd.cncf.model.weight.config.v1.raw"
                    : "application/vnd.cncf.model.weight.v1.raw";
            layers[i++] = blob(mt, f.getValue(), Map.of(ArtifactLayout.FILEPATH, f.getKey()));
        }
        String digest = manifest(ArtifactLayout.MODELPACK_ARTIFACT, config, layers);
        tag(tag);
        return digest;
    }

    /** A plain image whose single layer is a tar.gz of {@code files}. */
    public String tarImage(Map<String, byte[]> files, String tag) throws IOException {
        ObjectNode config = blob("application/vnd.oci.image.config.v1+json",
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8), null);
        ObjectNode layer = blob("application/vnd.oci.image.layer.v1.tar+gzip", tarGz(files), null);
        String digest = manifest(null, config, layer);
        tag(tag);
        return digest;
    }

    static byte[] tarGz(Map<String, byte[]> files) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes); TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            java.util.Set<String> dirs = new java.util.TreeSet<>();
            for (String p : files.keySet()) {
                for (int i = p.indexOf('/'); i > 0; i = p.indexOf('/', i + 1)) {
                    dirs.add(p.substring(0, i) + "/");
                }
            }
            for (String d : dirs) {
                tar.putArchiveEntry(new TarArchiveEntry(d));
                tar.closeArchiveEntry();
            }
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(f.getValue().length);
                tar.putArchiveEntry(e);
                tar.write(f.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A tar.gz with arbitrary entries (links, whiteouts, traversal) for refusal tests. */
    static byte[] tarGzEntries(TarArchiveEntry... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes); TarArchiveOutputStream tar = new TarArchiveOutputStream(gz)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            byte[] chunk = new byte[1 << 20];
            for (TarArchiveEntry e : entries) {
                tar.putArchiveEntry(e);
                for (long left = e.isFile() ? e.getSize() : 0; left > 0; left -= chunk.length) {
                    tar.write(chunk, 0, (int) Math.min(left, chunk.length));
                }
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** A plain image of the given tar.gz layers. */
    String tarGzLayers(String tag, byte[]... layers) throws IOException {
        ObjectNode config = blob("application/vnd.oci.image.config.v1+json",
                "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}"
                        .getBytes(StandardCharsets.UTF_8), null);
        ObjectNode[] ls = new ObjectNode[layers.length];
        for (int i = 0; i < layers.length; i++) {
            ls[i] = blob("application/vnd.oci.image.layer.v1.tar+gzip", layers[i], null);
        }
        String digest = manifest(null, config, ls);
        tag(tag);
        return digest;
    }

    public static Map<String, byte[]> files(Object... pathAndContent) {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (int i = 0; i < pathAndContent.length; i += 2) {
            Object c = pathAndContent[i + 1];
            m.put((String) pathAndContent[i], c instanceof byte[] b ? b : c.toString().getBytes(StandardCharsets.UTF_8));
        }
        return m;
    }
}
