package dev.modelgate.oci;

import dev.modelgate.integrity.Manifest;
import dev.modelgate.signing.SignaturePolicy;
import dev.modelgate.signing.SignatureVerification;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * An artifact's OpenSSF Model Signing bundle, carried as a raw layer of the artifact (by default {@code model.sig},
 * next to the files it signs, exactly where the verifier finds it on the mounted volume), verified against a
 * source's signing policy without pulling the weights: only the bundle's blob is downloaded (digest-checked),
 * and the signed file digests are compared with the files' digests, which for raw layers are the layer digests
 * in the manifest.
 *
 * <p>Only {@code files} serialization can be checked this way; a {@code shards} bundle signs byte ranges that
 * only the file contents can prove, and is refused here (verify it on the mounted volume instead).
 */
public final class OciSignatures {

    private OciSignatures() {
    }

    /**
     * Verifies the bundle at {@code bundlePath} in {@code artifact} under {@code policy}, for the files
     * {@code expected} declares (usually the TrustedModel's files).
     *
     * @throws OciException when the artifact carries no such layer, or the registry fails
     */
    public static SignatureVerification verify(RegistryClient client, OciArtifacts.Result artifact, String bundlePath,
            SignaturePolicy policy, Manifest expected) throws OciException {
        String what = artifact.pinned().pinnedForm();
        ArtifactLayout.LayerPlan layer = artifact.layout().layers().stream()
                .filter(l -> l.format() == ArtifactLayout.Format.RAW && bundlePath.equals(l.path())).findFirst()
                .orElseThrow(() -> new OciException(OciException.Kind.MISMATCH, what + " is not signed: no layer "
                        + "holds the signature bundle " + bundlePath + "; sign the model folder (modelgate sign) "
                        + "and push model.sig as a layer of the artifact"));
        if (layer.layer().size() > SignaturePolicy.MAX_BUNDLE_BYTES) {
            throw new OciException(OciException.Kind.BAD_INPUT, what + ": the signature bundle " + bundlePath + " is "
                    + layer.layer().size() + " bytes, more than a bundle may be");
        }
        Path dir = null;
        try {
            dir = Files.createTempDirectory("modelgate-oci-sig");
            Path bundle = dir.resolve(bundlePath);
            Files.createDirectories(bundle.getParent());
            try (InputStream in = client.openBlob(artifact.pinned(), layer.layer(), what + ": " + layer.describe())) {
                Files.write(bundle, in.readAllBytes());
            }
            return policy.verify(dir, bundlePath, expected);
        } catch (RegistryClient.OciIOException e) {
            throw e.oci();
        } catch (IOException e) {
            throw new OciException(OciException.Kind.TRANSPORT, what + ": the signature bundle cannot be read ("
                    + e.getMessage() + ")", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind holds only a public bundle
        }
    }
}
