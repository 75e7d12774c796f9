package dev.modelgate.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An image or artifact manifest as the registry served it: the exact bytes (whose sha256 is the manifest
 * digest), and the parsed config and layer descriptors. Image indexes are recognised so that the error can list
 * the manifests to choose from.
 */
public record OciManifest(byte[] bytes, String digest, String mediaType, String artifactType, Descriptor config,
        List<Descriptor> layers, List<Descriptor> indexEntries) {

    public static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    public static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    public static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    public static final String DOCKER_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
    /** Most layers a manifest may have before ModelGate refuses to read it (registries cap far lower in practice). */
    public static final int MAX_LAYERS = 4096;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SHA256 = Pattern.compile("^sha256:[a-f0-9]{64}$");
    private static final Pattern OTHER_DIGEST = Pattern.compile("^[a-z0-9]+([+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$");

    public boolean isIndex() {
        return indexEntries != null && !indexEntries.isEmpty() || OCI_INDEX.equals(mediaType)
                || DOCKER_LIST.equals(mediaType);
    }

    /**
     * Parses manifest bytes whose digest was already verified.
     *
     * @param what the reference, for messages
     */
    public static OciManifest parse(byte[] bytes, String digest, String contentType, String what) throws OciException {
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (java.io.IOException e) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": the manifest is not valid JSON");
        }
        if (root == null || !root.isObject()) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": the manifest is not a JSON object");
        }
        String mediaType = root.path("mediaType").asText(contentType == null ? "" : contentType);
        String artifactType = root.path("artifactType").isTextual() ? root.path("artifactType").asText() : null;
        List<Descriptor> entries = new ArrayList<>();
        if (root.path("manifests").isArray()) {
            for (JsonNode m : root.path("manifests")) {
                entries.add(descriptor(m, what, "manifests entry"));
            }
        }
        Descriptor config = root.path("config").isObject() ? descriptor(root.path("config"), what, "config") : null;
        List<Descriptor> layers = new ArrayList<>();
        JsonNode ls = root.path("layers");
        if (ls.size() > MAX_LAYERS) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": the manifest lists " + ls.size()
                    + " layers, more than the " + MAX_LAYERS + " ModelGate reads");
        }
        for (int i = 0; i < ls.size(); i++) {
            layers.add(descriptor(ls.get(i), what, "layer " + i));
        }
        if (entries.isEmpty() && config == null) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": the manifest (" + mediaType
                    + ") has no config: it is neither an image nor an artifact manifest");
        }
        return new OciManifest(bytes.clone(), digest, mediaType, artifactType, config, List.copyOf(layers),
                List.copyOf(entries));
    }

    private static Descriptor descriptor(JsonNode n, String what, String where) throws OciException {
        String mediaType = n.path("mediaType").asText("");
        String digest = n.path("digest").asText("");
        if (!SHA256.matcher(digest).matches() && !OTHER_DIGEST.matcher(digest).matches()) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": " + where + " has an invalid digest '"
                    + digest + "'");
        }
        if (!n.path("size").canConvertToLong() || n.path("size").asLong(-1) < 0) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": " + where + " has no valid size");
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        n.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        return new Descriptor(mediaType, digest, n.path("size").asLong(), annotations);
    }
}
