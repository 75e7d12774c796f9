package dev.modelgate.signing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.IntegrityEngine;
import dev.modelgate.integrity.IntegrityReport;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.ModelTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Writes key-based OMS bundles in the current reference format: an in-toto statement laid out as
 * model_signing lays it out, a DSSE envelope signed over the PAE with ECDSA (hash by curve, DER), and a
 * Sigstore v0.3 bundle naming the key by {@code publicKey.hint}, with {@code tlogEntries: []} and
 * {@code keyid: ""}. The ignore paths used (defaults, the caller's, the bundle itself) are recorded.
 */
public final class OmsSigner {

    /** The shard size model_signing uses by default (1 GB). */
    public static final long DEFAULT_SHARD_SIZE = 1_000_000_000L;

    /**
     * @param shards        {@code shards} serialization instead of {@code files}
     * @param shardSize     bytes per shard (shards only)
     * @param ignorePaths   exact relative paths to leave out (besides the defaults and the bundle)
     * @param allowSymlinks follow links inside the model (recorded); without it a link is refused
     * @param engine        threads, buffer size
     */
    public record Options(boolean shards, long shardSize, List<String> ignorePaths, boolean allowSymlinks,
            EngineOptions engine) {
        public Options {
            ignorePaths = List.copyOf(ignorePaths);
            if (shards && shardSize <= 0) {
                throw new IllegalArgumentException("shard size must be positive");
            }
            for (String p : ignorePaths) {
                String problem = OmsStatement.ignorePathProblem(p);
                if (problem != null) {
                    throw new IllegalArgumentException(problem);
                }
            }
        }

        public static Options files() {
            return new Options(false, 0, List.of(), false, EngineOptions.defaults());
        }

        public static Options shards(long shardSize) {
            return new Options(true, shardSize, List.of(), false, EngineOptions.defaults());
        }

        public Options withIgnorePaths(List<String> paths) {
            return new Options(shards, shardSize, paths, allowSymlinks, engine);
        }

        public Options withAllowSymlinks(boolean value) {
            return new Options(shards, shardSize, ignorePaths, value, engine);
        }

        public Options withEngine(EngineOptions value) {
            return new Options(shards, shardSize, ignorePaths, allowSymlinks, value);
        }
    }

    private OmsSigner() {
    }

    /**
     * The statement for directory {@code dir}: every regular file below it except the ignored paths, hashed.
     * {@code bundle} (may be null) is left out when it lies inside {@code dir}. An empty model, or one with
     * links out of it, hard links or special files, is refused.
     */
    public static OmsStatement statement(Path dir, Path bundle, Options o) throws OmsException {
        return statement(dir, bundle, o, true);
    }

    /** As {@link #statement(Path, Path, Options)}; {@code recordIgnores=false} omits ignore_paths (old format). */
    public static OmsStatement statement(Path dir, Path bundle, Options o, boolean recordIgnores) throws OmsException {
        return statement(dir, bundle, o, recordIgnores, true);
    }

    /** {@code refuseEmpty=false} only for the golden tests, which compare empty models with the reference. */
    static OmsStatement statement(Path dir, Path bundle, Options o, boolean recordIgnores, boolean refuseEmpty)
            throws OmsException {
        Path root;
        try {
            root = dir.toRealPath();
        } catch (IOException e) {
            throw OmsException.badInput(dir + ": model directory does not exist or cannot be resolved");
        }
        if (!Files.isDirectory(root)) {
            throw OmsException.badInput(dir + ": is not a directory (modelgate sign signs a model directory)");
        }
        List<String> paths = new ArrayList<>(IgnorePolicy.DEFAULTS);
        paths.addAll(o.ignorePaths());
        if (bundle != null) {
            Path real = bundle.toAbsolutePath().normalize();
            try {
                real = real.getParent().toRealPath().resolve(real.getFileName());
            } catch (IOException e) {
                // parent missing: writing the bundle will fail with a clear error later
            }
            String rel = ModelScope.relativeInside(root, real);
            if (rel != null) {
                paths.add(rel);
            }
        }
        ModelScope scope = new ModelScope(paths, List.of());
        ModelTree tree;
        try {
            tree = ModelTree.walk(root, scope.rules());
        } catch (ModelTree.BadRootException e) {
            throw OmsException.badInput(e.getMessage());
        }
        if (!tree.refused().isEmpty()) {
            Finding f = tree.refused().values().iterator().next();
            throw OmsException.invalid("cannot sign " + dir + ": " + f.message()
                    + (tree.refused().size() > 1 ? " (and " + (tree.refused().size() - 1) + " more)" : ""));
        }
        if (refuseEmpty && tree.files().isEmpty()) {
            throw OmsException.badInput("cannot sign " + dir + ": it holds no file to sign (an empty model is "
                    + "never valid)");
        }
        if (!o.allowSymlinks()) {
            for (ModelTree.Entry e : tree.files().values()) {
                if (!e.content().equals(tree.root().resolve(e.path()))) {
                    throw OmsException.invalid("cannot sign " + dir + ": " + e.path() + " is a symbolic link; replace "
                            + "it with the file, or sign with --allow-symlinks");
                }
            }
        }
        List<OmsStatement.Resource> resources = new ArrayList<>();
        OmsStatement.Serialization ser;
        List<String> recorded = recordIgnores ? scope.paths() : null;
        if (o.shards()) {
            ser = new OmsStatement.Serialization(OmsStatement.SHARDS, OmsStatement.SHA256, o.allowSymlinks(),
                    o.shardSize(), recorded);
            List<ModelTree.Entry> files = new ArrayList<>(tree.files().values()); // path order
            List<Object> reads = ShardDigests.parallel(files, o.engine().threads(), e -> {
                try {
                    return ShardDigests.digest(e.content(), o.shardSize());
                } catch (IOException x) {
                    return e.path() + ": cannot be read (" + x.getMessage() + ")";
                }
            });
            for (Object r : reads) {
                if (r instanceof String problem) {
                    throw new OmsException(dev.modelgate.integrity.Outcome.IO_FAILURE, "cannot sign " + dir + ": "
                            + problem);
                }
            }
            for (int i = 0; i < files.size(); i++) {
                String p = files.get(i).path();
                ShardDigests.Read read = (ShardDigests.Read) reads.get(i);
                List<String> digests = read.digests();
                long size = read.bytes();
                for (int k = 0; k < digests.size(); k++) {
                    long start = k * o.shardSize();
                    long end = Math.min(size, start + o.shardSize());
                    resources.add(OmsStatement.Resource.shard(p, start, end, ser.resourceAlgorithm(), digests.get(k)));
                }
            }
        } else {
            ser = new OmsStatement.Serialization(OmsStatement.FILES, OmsStatement.SHA256, o.allowSymlinks(), null,
                    recorded);
            IntegrityReport report = new IntegrityEngine(o.engine().withIgnore(scope.rules()).withStrict(true))
                    .describe(root);
            if (!report.ok() && !(tree.files().isEmpty() && !refuseEmpty)) {
                throw OmsException.invalid("cannot sign " + dir + ": " + report.findings().get(0).message());
            }
            for (ManifestEntry e : report.manifest().entries()) {
                resources.add(OmsStatement.Resource.file(e.path(), OmsStatement.SHA256, e.sha256()));
            }
        }
        if (refuseEmpty && resources.isEmpty()) {
            throw OmsException.badInput("cannot sign " + dir + ": it holds no file to sign (an empty model is "
                    + "never valid)");
        }
        String name = root.getFileName() == null ? "model" : root.getFileName().toString();
        return OmsStatement.of(name, ser, resources);
    }

    /** Signs {@code statement} with {@code key}: the bundle's JSON, in the reference layout (compact). */
    public static byte[] sign(OmsStatement statement, PrivateKey key) throws OmsException {
        return sign(statement, key, EcKeys.publicOf(key), null);
    }

    /**
     * Signs with a key held elsewhere (a PKCS#11 token: the private key never leaves it) through {@code provider};
     * {@code pub} is the key's public half, which names it in the bundle. A null provider uses the JDK's default.
     */
    public static byte[] sign(OmsStatement statement, PrivateKey key, PublicKey pub, java.security.Provider provider)
            throws OmsException {
        EcKeys.Curve curve = EcKeys.curve(pub);
        byte[] payload = statement.toJsonBytes();
        byte[] sig;
        try {
            Signature s = provider == null ? Signature.getInstance(curve.jcaSignature())
                    : Signature.getInstance(curve.jcaSignature(), provider);
            s.initSign(key);
            s.update(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
            sig = s.sign();
        } catch (GeneralSecurityException e) {
            throw OmsException.badInput("cannot sign with this key: " + e.getMessage());
        }
        return bundle(payload, sig, EcKeys.hint(pub));
    }

    /** A certificate-chain bundle ({@code x509CertificateChain}, leaf first) around a signature made elsewhere. */
    public static byte[] certificateBundle(byte[] payload, byte[] sig, List<java.security.cert.X509Certificate> chain) {
        ObjectNode b = (ObjectNode) readTree(bundle(payload, sig, "x"));
        ObjectNode vm = b.putObject("verificationMaterial");
        com.fasterxml.jackson.databind.node.ArrayNode certs = vm.putObject("x509CertificateChain").putArray("certificates");
        for (java.security.cert.X509Certificate c : chain) {
            try {
                certs.addObject().put("rawBytes", Base64.getEncoder().encodeToString(c.getEncoded()));
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
        vm.putArray("tlogEntries");
        try {
            return OmsJson.MAPPER.writeValueAsString(b).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(byte[] json) {
        try {
            return OmsJson.MAPPER.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Assembles a key-based bundle from its parts. */
    public static byte[] bundle(byte[] payload, byte[] sig, String hint) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode b = f.objectNode();
        b.put("mediaType", OmsBundle.MEDIA_TYPE);
        ObjectNode vm = b.putObject("verificationMaterial");
        vm.putObject("publicKey").put("hint", hint);
        vm.putArray("tlogEntries");
        ObjectNode env = b.putObject("dsseEnvelope");
        env.put("payload", Base64.getEncoder().encodeToString(payload));
        env.put("payloadType", Dsse.IN_TOTO_PAYLOAD_TYPE);
        ObjectNode s = env.putArray("signatures").addObject();
        s.put("sig", Base64.getEncoder().encodeToString(sig));
        s.put("keyid", "");
        try {
            return OmsJson.MAPPER.writeValueAsString(b).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
