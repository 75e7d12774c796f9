package dev.modelgate.oci;

import dev.modelgate.integrity.ModelPath;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How an artifact's layers become files on the volume a runtime mounts:
 * <ul>
 * <li>CNCF ModelPack ({@code application/vnd.cncf.model.*.v1.raw}): one layer is one file, named by the
 *     {@code org.cncf.model.filepath} annotation; its layer digest is the file's sha256.</li>
 * <li>ModelPack archive layers ({@code .v1.tar}, {@code .v1.tar+gzip}) and plain image layers
 *     ({@code application/vnd.oci.image.layer.v1.tar[+gzip]}, Docker's {@code rootfs.diff.tar.gzip}): tar
 *     archives whose regular files are the model's files.</li>
 * <li>Docker model artifacts ({@code application/vnd.docker.ai.*}) and other artifacts (ORAS) whose layers carry
 *     {@code org.cncf.model.filepath} or {@code org.opencontainers.image.title}: raw files.</li>
 * </ul>
 * zstd-compressed layers are refused (no decompressor in the JDK; ModelGate adds no native library for them).
 */
public final class ArtifactLayout {

    public static final String MODELPACK_ARTIFACT = "application/vnd.cncf.model.manifest.v1+json";
    public static final String MODELPACK_CONFIG = "application/vnd.cncf.model.config.v1+json";
    public static final String FILEPATH = "org.cncf.model.filepath";
    public static final String TITLE = "org.opencontainers.image.title";
    static final String MODELPACK_PREFIX = "application/vnd.cncf.model.";
    static final String DOCKER_AI_PREFIX = "application/vnd.docker.ai.";

    public enum Format { RAW, TAR, TAR_GZIP }

    /** One layer and what it becomes: a file at {@code path} (RAW) or the files of an archive. */
    public record LayerPlan(int index, Descriptor layer, Format format, String path) {
        public String describe() {
            return format == Format.RAW ? "layer " + index + " (" + path + ")" : "layer " + index + " ("
                    + layer.mediaType() + ")";
        }
    }

    /** The layers in order and what kind of artifact they make up. */
    public record Layout(String kind, List<LayerPlan> layers) {
        public boolean needsNoBlobs() {
            return layers.stream().allMatch(l -> l.format() == Format.RAW);
        }
    }

    private ArtifactLayout() {
    }

    public static Layout of(OciManifest m, String what) throws OciException {
        if (m.isIndex()) {
            StringBuilder choices = new StringBuilder();
            for (Descriptor d : m.indexEntries()) {
                choices.append(choices.isEmpty() ? "" : ", ").append(d.digest());
                if (choices.length() > 600) {
                    choices.append(", ...");
                    break;
                }
            }
            throw new OciException(OciException.Kind.BAD_INPUT, what + " is an image index (several platforms); "
                    + "approve one manifest by its digest instead: " + choices);
        }
        String configType = m.config() == null ? "" : m.config().mediaType();
        String kind = MODELPACK_ARTIFACT.equals(m.artifactType()) || MODELPACK_CONFIG.equals(configType) ? "ModelPack"
                : configType.startsWith(DOCKER_AI_PREFIX) ? "Docker model"
                : m.artifactType() != null ? "OCI artifact" : "OCI image";
        if (m.layers().isEmpty()) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": the " + kind + " has no layers, so no files");
        }
        List<LayerPlan> out = new ArrayList<>();
        Map<String, Integer> rawPaths = new HashMap<>();
        for (int i = 0; i < m.layers().size(); i++) {
            Descriptor d = m.layers().get(i);
            LayerPlan p = plan(i, d, what);
            if (p.format() == Format.RAW) {
                Integer earlier = rawPaths.put(p.path(), i);
                if (earlier != null) {
                    throw new OciException(OciException.Kind.BAD_INPUT, what + ": layers " + earlier + " and " + i
                            + " both name the file " + p.path() + "; an artifact must name each file once");
                }
                if (!d.digest().startsWith("sha256:")) {
                    throw new OciException(OciException.Kind.BAD_INPUT, what + ": layer " + i + " (" + p.path()
                            + ") has digest " + d.digest() + "; only sha256 layers map to a file's sha256");
                }
            }
            out.add(p);
        }
        return new Layout(kind, List.copyOf(out));
    }

    private static LayerPlan plan(int i, Descriptor d, String what) throws OciException {
        String mt = d.mediaType() == null ? "" : d.mediaType().toLowerCase(Locale.ROOT);
        if (mt.endsWith("+zstd") || mt.endsWith(".zstd")) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": layer " + i + " is zstd-compressed (" + mt
                    + "), which ModelGate does not read; push it as raw, tar or tar+gzip layers");
        }
        if (mt.startsWith(MODELPACK_PREFIX) && mt.endsWith(".raw") || mt.startsWith(DOCKER_AI_PREFIX)) {
            return new LayerPlan(i, d, Format.RAW, rawPath(i, d, what, true));
        }
        if (mt.startsWith(MODELPACK_PREFIX) && mt.endsWith(".tar")
                || mt.equals("application/vnd.oci.image.layer.v1.tar")
                || mt.equals("application/vnd.oci.image.layer.nondistributable.v1.tar")) {
            return new LayerPlan(i, d, Format.TAR, null);
        }
        if (mt.startsWith(MODELPACK_PREFIX) && mt.endsWith(".tar+gzip")
                || mt.equals("application/vnd.oci.image.layer.v1.tar+gzip")
                || mt.equals("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip")
                || mt.equals("application/vnd.docker.image.rootfs.diff.tar.gzip")) {
            return new LayerPlan(i, d, Format.TAR_GZIP, null);
        }
        if (d.annotation(FILEPATH) != null || d.annotation(TITLE) != null) {
            if ("true".equals(d.annotation("io.deis.oras.content.unpack"))) {
                throw new OciException(OciException.Kind.BAD_INPUT, what + ": layer " + i + " is a packed directory "
                        + "(io.deis.oras.content.unpack), which a runtime does not mount as files; push the files "
                        + "one per layer");
            }
            return new LayerPlan(i, d, Format.RAW, rawPath(i, d, what, false));
        }
        throw new OciException(OciException.Kind.BAD_INPUT, what + ": layer " + i + " has media type '" + mt
                + "' and names no file (" + FILEPATH + " or " + TITLE + "); ModelGate cannot tell which file it is");
    }

    private static String rawPath(int i, Descriptor d, String what, boolean modelPack) throws OciException {
        String path = Optional.ofNullable(d.annotation(FILEPATH)).orElse(d.annotation(TITLE));
        if (path == null) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": raw layer " + i + " (" + d.mediaType()
                    + ") has no " + FILEPATH + " annotation, so its file name is unknown");
        }
        String p = path.startsWith("./") ? path.substring(2) : path;
        Optional<String> bad = ModelPath.problem(p);
        if (bad.isPresent()) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": layer " + i + " names the file '" + path
                    + "': " + bad.get());
        }
        return p;
    }
}
