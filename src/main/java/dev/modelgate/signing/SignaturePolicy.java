package dev.modelgate.signing;

import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ModelPath;
import dev.modelgate.integrity.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a {@code ModelSource.spec.signing} accepts, as one object: trusted keys (with windows, revocation and
 * rotation), certificate roots and identities, Sigstore keyless identities, how far the signer's
 * {@code ignore_paths} are honoured, and whether model_signing v0.2 bundles are accepted. Everything is judged at
 * the policy's {@link Clock} (keyless: at the transparency log's integrated time).
 *
 * <p>Two entry points: {@link #verify(Path, Path)} compares the signed files with a directory (the CLI), and
 * {@link #verify(Path, String, Manifest)} proves that a TrustedModel's manifest is exactly what was signed,
 * leaving the reading of the files to the integrity engine (the verifier init-container: one read pass).
 */
public final class SignaturePolicy {

    private final boolean required;
    private final List<TrustedKey> keys;
    private final CertificateVerifier certificates;
    private final KeylessVerifier keyless;
    private final Clock clock;
    private final IgnorePolicy ignore;
    private final EngineOptions engine;
    private final boolean legacyV02;

    private SignaturePolicy(boolean required, List<TrustedKey> keys, CertificateVerifier certificates,
            KeylessVerifier keyless, Clock clock, IgnorePolicy ignore, EngineOptions engine, boolean legacyV02) {
        this.required = required;
        this.keys = List.copyOf(keys);
        this.certificates = certificates;
        this.keyless = keyless;
        if (clock == null) {
            throw new IllegalArgumentException("a clock is needed to judge key and certificate validity");
        }
        this.clock = clock;
        this.ignore = ignore;
        this.engine = engine;
        this.legacyV02 = legacyV02;
        Set<String> names = new HashSet<>();
        for (TrustedKey k : this.keys) {
            if (!names.add(k.name())) {
                throw new IllegalArgumentException("trusted key name '" + k.name() + "' is used twice");
            }
        }
    }

    /** Trusts exactly these keys; the signer's ignore paths are honoured as model_signing does. */
    public static SignaturePolicy ofKeys(List<TrustedKey> keys, Clock clock) {
        return new SignaturePolicy(false, keys, null, null, clock, IgnorePolicy.honourSigner(List.of()),
                EngineOptions.defaults(), false);
    }

    /**
     * The policy of a {@code ModelSource}: its keys, certificates and keyless identities, its {@code required}
     * flag, no signer ignore path honoured (docs/signing.md: the signer does not get to shrink what is checked in
     * a cluster) and no v0.2 bundles. A malformed key, date, PEM or trusted root is bad input naming it.
     */
    public static SignaturePolicy fromSource(SigningSpec spec, Clock clock) throws OmsException {
        List<TrustedKey> keys = new ArrayList<>();
        CertificateVerifier certs = null;
        KeylessVerifier keylessVerifier = null;
        boolean required = false;
        if (spec != null) {
            required = spec.signatureRequired();
            if (spec.getKeys() != null) {
                for (SigningKey k : spec.getKeys()) {
                    keys.add(TrustedKey.fromApi(k));
                }
            }
            if (spec.getCertificates() != null) {
                certs = CertificateVerifier.fromApi(spec.getCertificates());
            }
            if (spec.getKeyless() != null) {
                keylessVerifier = KeylessVerifier.fromApi(spec.getKeyless());
            }
        }
        try {
            return new SignaturePolicy(required, keys, certs, keylessVerifier, clock,
                    new IgnorePolicy(IgnorePolicy.SignerIgnores.NONE, Set.of(), List.of()), EngineOptions.defaults(),
                    false);
        } catch (IllegalArgumentException e) {
            throw OmsException.badInput(e.getMessage());
        }
    }

    public static SignaturePolicy fromSource(ModelSourceSpec spec, Clock clock) throws OmsException {
        return fromSource(spec == null ? null : spec.getSigning(), clock);
    }

    public SignaturePolicy withIgnore(IgnorePolicy value) {
        return new SignaturePolicy(required, keys, certificates, keyless, clock, value, engine, legacyV02);
    }

    public SignaturePolicy withEngine(EngineOptions value) {
        return new SignaturePolicy(required, keys, certificates, keyless, clock, ignore, value, legacyV02);
    }

    /** Accept model_signing v0.2 bundles (their malformed PAE, SHA-256 on every curve). Off by default. */
    public SignaturePolicy withLegacyV02(boolean value) {
        return new SignaturePolicy(required, keys, certificates, keyless, clock, ignore, engine, value);
    }

    public SignaturePolicy withCertificates(CertificateVerifier value) {
        return new SignaturePolicy(required, keys, value, keyless, clock, ignore, engine, legacyV02);
    }

    public SignaturePolicy withKeyless(KeylessVerifier value) {
        return new SignaturePolicy(required, keys, certificates, value, clock, ignore, engine, legacyV02);
    }

    public SignaturePolicy withRequired(boolean value) {
        return new SignaturePolicy(value, keys, certificates, keyless, clock, ignore, engine, legacyV02);
    }

    /** Models from this source must carry a valid signature. */
    public boolean required() {
        return required;
    }

    /** Whether any signer at all is trusted. */
    public boolean trustsAnySigner() {
        return !keys.isEmpty() || certificates != null || keyless != null;
    }

    public List<TrustedKey> keys() {
        return keys;
    }

    public Clock clock() {
        return clock;
    }

    // ---- directory form ----

    /** Reads {@code bundlePath} and verifies {@code model} (a directory, or a single file) with it. */
    public SignatureVerification verify(Path model, Path bundlePath) {
        if (!Files.exists(model)) {
            return SignatureVerification.refused(OmsException.badInput(model + ": the model does not exist"),
                    (Signer) null, null);
        }
        byte[] bytes;
        try {
            bytes = readBundle(bundlePath);
        } catch (OmsException e) {
            return SignatureVerification.refused(e, (Signer) null, null);
        }
        return verify(model, bytes, bundlePath);
    }

    /** Verifies {@code model} with the bundle {@code bundleJson}; {@code bundlePath} (may be null) is left out. */
    public SignatureVerification verify(Path model, byte[] bundleJson, Path bundlePath) {
        Signer signer = null;
        OmsStatement st = null;
        try {
            Verified v = verifySignature(bundleJson);
            signer = v.signer();
            st = v.statement();
            SignedManifestCheck.Checked checked = SignedManifestCheck.check(model, bundlePath, st, ignore, engine);
            if (checked.report().ok()) {
                return new SignatureVerification(Outcome.OK, "signed by " + signer.describe() + ", "
                        + st.resources().size() + " " + (st.serialization().shards() ? "shards" : "files") + " verified",
                        signer.name(), st, checked.report(), checked.ignored(), signer);
            }
            String first = checked.report().findings().get(0).message();
            return new SignatureVerification(checked.report().outcome(), "the signature by " + signer.describe()
                    + " is valid, but the model does not match it: " + first, signer.name(), st, checked.report(),
                    checked.ignored(), signer);
        } catch (OmsException e) {
            return SignatureVerification.refused(e, signer, st);
        }
    }

    // ---- manifest form (the verifier init-container) ----

    /**
     * Proves that the files {@code expected} pins below the bundle's folder are exactly the files signed, path and
     * digest: the bundle lies at {@code bundlePath} (relative to {@code root}, e.g. a TrustedModel's
     * {@code spec.signature.bundlePath}), the signed model is the folder holding it, and every expected file must
     * lie in that folder. With {@code files} serialization nothing else is read: the caller verifies the files
     * against {@code expected} with the integrity engine. {@code shards} bundles sign byte ranges the manifest
     * does not pin, so those ranges are read and hashed here.
     */
    public SignatureVerification verify(Path root, String bundlePath, Manifest expected) {
        Signer signer = null;
        OmsStatement st = null;
        try {
            Optional<String> bad = ModelPath.problem(bundlePath);
            if (bad.isPresent()) {
                throw OmsException.badInput("signature bundlePath '" + bundlePath + "' is refused: " + bad.get());
            }
            Path bundle = insideRoot(root, bundlePath);
            Verified v = verifySignature(readBundle(bundle));
            signer = v.signer();
            st = v.statement();
            int slash = bundlePath.lastIndexOf('/');
            String prefix = slash < 0 ? "" : bundlePath.substring(0, slash + 1);
            String problem = ManifestComparison.compare(root, prefix, bundlePath, st, expected);
            if (problem != null) {
                throw OmsException.invalid("the signature by " + signer.describe() + " is valid, but " + problem);
            }
            return new SignatureVerification(Outcome.OK, "signed by " + signer.describe() + ": the "
                    + expected.size() + " declared files are the " + st.resources().size() + " signed "
                    + (st.serialization().shards() ? "shards" : "files"), signer.name(), st, null, List.of(), signer);
        } catch (OmsException e) {
            return SignatureVerification.refused(e, signer, st);
        }
    }

    private static Path insideRoot(Path root, String rel) throws OmsException {
        Path p = root.resolve(rel);
        try {
            Path real = p.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw OmsException.invalid("signature bundle " + rel + " is a link that leads out of the volume ("
                        + real + "); it was not read");
            }
            return real;
        } catch (NoSuchFileException e) {
            return p; // reported by readBundle as "not signed"
        } catch (IOException e) {
            throw new OmsException(Outcome.IO_FAILURE, rel + ": cannot be resolved (" + e.getMessage() + ")");
        }
    }

    // ---- shared ----

    /** The signature verified and the statement read. */
    record Verified(Signer signer, OmsStatement statement) {
    }

    /** Bundles are small JSON (about 150 bytes per file); anything larger than this is refused unread. */
    public static final long MAX_BUNDLE_BYTES = 64L * 1024 * 1024;

    static byte[] readBundle(Path bundlePath) throws OmsException {
        try {
            // Never open a FIFO or a device (it would block the verifier); a link to a regular file is fine.
            if (!Files.isRegularFile(bundlePath) && Files.exists(bundlePath, LinkOption.NOFOLLOW_LINKS)) {
                throw OmsException.badInput(bundlePath + ": is not a regular file; it was not opened");
            }
            if (Files.size(bundlePath) > MAX_BUNDLE_BYTES) {
                throw OmsException.badInput(bundlePath + ": is larger than " + MAX_BUNDLE_BYTES
                        + " bytes; not a signature bundle");
            }
            return Files.readAllBytes(bundlePath);
        } catch (NoSuchFileException e) {
            throw OmsException.invalid("no signature bundle at " + bundlePath + ": the model is not signed");
        } catch (IOException e) {
            throw new OmsException(Outcome.IO_FAILURE, bundlePath + ": cannot be read (" + e.getMessage() + ")");
        }
    }

    /** Parses the bundle, checks its signature and signer against this policy, then reads the statement. */
    Verified verifySignature(byte[] bundleJson) throws OmsException {
        OmsBundle bundle = OmsBundle.parse(bundleJson);
        boolean legacy = OmsStatement.isLegacy(bundle.payload());
        if (legacy && !legacyV02) {
            throw OmsException.badInput(OmsStatement.LEGACY_REFUSED);
        }
        SignatureCheck.Signed signed = SignatureCheck.Signed.of(bundle, legacy);
        Signer signer;
        OmsBundle.VerificationMaterial m = bundle.material();
        if (m instanceof OmsBundle.PublicKeyHint || m instanceof OmsBundle.PublicKeyRaw) {
            signer = verifyKey(m, signed, bundle.signature());
        } else if (m instanceof OmsBundle.CertificateChain chain) {
            if (certificates == null) {
                throw OmsException.invalid("the bundle is signed with an X.509 certificate chain, but the policy "
                        + "trusts no certificate roots (" + trusts() + ")");
            }
            signer = certificates.verify(chain, signed, bundle.signature(), clock.instant());
        } else if (m instanceof OmsBundle.KeylessCertificate k) {
            if (keyless == null) {
                throw OmsException.invalid("the bundle is a Sigstore keyless signature, but the policy trusts no "
                        + "keyless identities (" + trusts() + ")");
            }
            signer = keyless.verify(k, signed, bundle.signature(), bundle.payload());
        } else {
            throw OmsException.badInput("the bundle's " + m.describe() + " is not supported");
        }
        OmsStatement st = OmsStatement.parse(bundle.payload(), legacy);
        st.requireConsistentSubject();
        return new Verified(signer, st);
    }

    private String trusts() {
        List<String> parts = new ArrayList<>();
        if (!keys.isEmpty()) {
            parts.add(keys.size() + " key" + (keys.size() == 1 ? "" : "s"));
        }
        if (certificates != null) {
            parts.add("certificate roots");
        }
        if (keyless != null) {
            parts.add("keyless identities");
        }
        return parts.isEmpty() ? "it trusts no signer at all" : "it trusts " + String.join(", ", parts);
    }

    // ---- keys ----

    /** Finds the trusted key the bundle names, checks the signature with it, then the key's standing. */
    private Signer verifyKey(OmsBundle.VerificationMaterial m, SignatureCheck.Signed signed, byte[] sig)
            throws OmsException {
        if (keys.isEmpty()) {
            throw OmsException.invalid("the bundle is signed with a public key, but the policy trusts no keys ("
                    + trusts() + ")");
        }
        List<TrustedKey> candidates = candidates(m);
        TrustedKey verified = null;
        for (TrustedKey k : candidates) {
            if (SignatureCheck.verifies(k.key(), signed.bytes(), sig, signed.forceSha256())) {
                verified = k;
                break;
            }
        }
        if (verified == null) {
            throw OmsException.invalid("the signature does not verify with key '" + candidates.get(0).name()
                    + "' that the bundle names: the statement or the signature was altered");
        }
        Instant now = clock.instant();
        Optional<String> problem = verified.problemAt(now);
        if (problem.isPresent()) {
            throw OmsException.invalid("the model is signed by " + problem.get() + "; the signature is not accepted");
        }
        return new Signer(Signer.KEY, verified.name(), "key '" + verified.name() + "' (" + verified.hint()
                .substring(0, 16) + "…)");
    }

    private List<TrustedKey> candidates(OmsBundle.VerificationMaterial material) throws OmsException {
        List<TrustedKey> out = new ArrayList<>();
        if (material instanceof OmsBundle.PublicKeyHint h) {
            String hint = h.hint().toLowerCase(Locale.ROOT);
            for (TrustedKey k : keys) {
                if (k.hint().equals(hint)) {
                    out.add(k);
                }
            }
            if (out.isEmpty()) {
                throw OmsException.invalid("the bundle was signed with the key whose hint is " + h.hint()
                        + ", which is not a trusted key (trusted: " + describe(keys) + ")");
            }
            return out;
        }
        OmsBundle.PublicKeyRaw raw = (OmsBundle.PublicKeyRaw) material;
        PublicKey embedded;
        try {
            embedded = EcKeys.readPublicKey(raw.rawBytes());
        } catch (OmsException e) {
            throw OmsException.badInput("verificationMaterial.publicKey.rawBytes: " + e.getMessage());
        }
        EcKeys.Curve curve = EcKeys.curve(embedded);
        if (raw.keyDetails() != null && !raw.keyDetails().equals(curve.keyDetails())) {
            throw OmsException.badInput("verificationMaterial.publicKey.keyDetails '" + raw.keyDetails()
                    + "' does not describe the embedded " + curve.displayName() + " key (expected "
                    + curve.keyDetails() + ")");
        }
        for (TrustedKey k : keys) {
            if (EcKeys.sameKey(k.key(), embedded)) {
                out.add(k);
            }
        }
        if (out.isEmpty()) {
            throw OmsException.invalid("the bundle was signed with the key whose hint is " + EcKeys.hint(embedded)
                    + ", which is not a trusted key (trusted: " + describe(keys) + ")");
        }
        return out;
    }

    private static String describe(List<TrustedKey> keys) {
        List<String> parts = new ArrayList<>();
        for (TrustedKey k : keys) {
            parts.add(k.name() + " " + k.hint().substring(0, 12) + "…");
        }
        return String.join(", ", parts);
    }
}
