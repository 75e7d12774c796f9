package dev.modelgate.signing;

import dev.modelgate.integrity.Finding;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ManifestEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The manifest form of signature checking: the files a TrustedModel pins below the bundle's folder must be
 * exactly the files signed (path and sha256). Nothing is read for {@code files} serialization; {@code shards}
 * bundles sign byte ranges the manifest does not pin, so each declared file's ranges are hashed.
 */
final class ManifestComparison {

    private ManifestComparison() {
    }

    /** The first difference as a phrase ("x is signed but ..."), or null when the manifest is what was signed. */
    static String compare(Path root, String prefix, String bundlePath, OmsStatement st, Manifest expected)
            throws OmsException {
        Map<String, ManifestEntry> declared = new TreeMap<>(Manifest.PATH_ORDER);
        for (ManifestEntry e : expected.entries()) {
            if (e.path().equals(bundlePath)) {
                continue; // the bundle cannot sign itself
            }
            if (!e.path().startsWith(prefix)) {
                throw OmsException.badInput("declared file " + e.path() + " lies outside the folder of the signature "
                        + "bundle " + bundlePath + "; the bundle must sit in the folder that was signed, above every "
                        + "file of the model");
            }
            declared.put(e.path().substring(prefix.length()), e);
        }
        if (declared.isEmpty()) {
            throw OmsException.badInput("the TrustedModel declares no files next to its signature bundle " + bundlePath);
        }
        Map<String, List<OmsStatement.Resource>> signed = SignedManifestCheck.byPath(st.resources());
        if (signed.containsKey(".")) {
            if (declared.size() != 1) {
                return "the signature is for a single-file model, and " + declared.size() + " files are declared";
            }
            String only = declared.keySet().iterator().next();
            List<OmsStatement.Resource> rs = new ArrayList<>();
            for (OmsStatement.Resource r : signed.remove(".")) {
                rs.add(st.serialization().shards()
                        ? OmsStatement.Resource.shard(only, r.start(), r.end(), r.algorithm(), r.digest())
                        : OmsStatement.Resource.file(only, r.algorithm(), r.digest()));
            }
            signed.put(only, rs);
        }
        for (String p : declared.keySet()) {
            if (!signed.containsKey(p) && !(st.serialization().shards() && declared.get(p).size() == 0)) {
                return prefix + p + " is declared in the TrustedModel but not covered by the signature";
            }
        }
        for (String p : signed.keySet()) {
            if (!declared.containsKey(p)) {
                return prefix + p + " is signed but the TrustedModel does not declare it";
            }
        }
        if (!st.serialization().shards()) {
            for (Map.Entry<String, ManifestEntry> e : declared.entrySet()) {
                String want = signed.get(e.getKey()).get(0).digest();
                if (!want.equals(e.getValue().sha256())) {
                    return prefix + e.getKey() + ": the TrustedModel pins sha256 " + e.getValue().sha256()
                            + " but the signed digest is " + want;
                }
            }
            return null;
        }
        long shardSize = st.serialization().shardSize();
        for (Map.Entry<String, List<OmsStatement.Resource>> e : signed.entrySet()) {
            ShardCheck.requireTiling(prefix + e.getKey(), e.getValue(), shardSize);
            long end = 0;
            for (OmsStatement.Resource r : e.getValue()) {
                end = Math.max(end, r.end());
            }
            ManifestEntry d = declared.get(e.getKey());
            if (d.size() != end) {
                return d.path() + ": the TrustedModel declares " + d.size() + " bytes but the signed shards cover "
                        + end;
            }
            Path file = root.resolve(d.path());
            try {
                Path real = file.toRealPath();
                if (!real.startsWith(root.toRealPath()) || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                    return d.path() + ": is not a regular file inside the volume; it was not read";
                }
            } catch (IOException x) {
                return d.path() + ": is declared and signed but cannot be read (" + x.getMessage() + ")";
            }
            ShardCheck.Judged j = ShardCheck.judge(d.path(), file, d.size(), e.getValue(), shardSize);
            if (!j.findings().isEmpty()) {
                Finding f = j.findings().get(0);
                return f.message();
            }
        }
        return null;
    }
}
