package dev.modelgate.signing;

import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Verifies key-based OMS bundles: the bundle names its key (by {@code publicKey.hint} or, in older bundles, by
 * carrying it in {@code rawBytes}); the key must be one of the trusted keys; the DSSE signature (DER ECDSA over
 * the PAE, SHA-256/384/512 by curve) must verify with it; the key must be inside its validity window and not
 * revoked at the policy's clock; then the statement is read, its subject digest recomputed, and the signed
 * files compared with the model exactly.
 *
 * <p>Certificate-chain and keyless bundles are refused here with a sentence saying so; their verifiers will sit
 * next to this one and share {@link OmsBundle}, {@link OmsStatement} and {@link SignedManifestCheck}.
 */
public final class KeyVerifier {

    /** Bundles are small JSON (about 150 bytes per file); anything larger than this is refused unread. */
    public static final long MAX_BUNDLE_BYTES = 64L * 1024 * 1024;

    private final KeyTrust trust;
    private final IgnorePolicy ignore;
    private final EngineOptions options;

    public KeyVerifier(KeyTrust trust, IgnorePolicy ignore, EngineOptions options) {
        this.trust = trust;
        this.ignore = ignore;
        this.options = options;
    }

    public KeyVerifier(KeyTrust trust) {
        this(trust, IgnorePolicy.honourSigner(List.of()), EngineOptions.defaults());
    }

    /** Reads {@code bundlePath} and verifies {@code model} (a directory, or a single file) with it. */
    public SignatureVerification verify(Path model, Path bundlePath) {
        if (!Files.exists(model)) {
            return SignatureVerification.refused(OmsException.badInput(model + ": the model does not exist"), null,
                    null);
        }
        byte[] bytes;
        try {
            // Never open a FIFO or a device (it would block the verifier); a link to a regular file is fine.
            if (!Files.isRegularFile(bundlePath) && Files.exists(bundlePath, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return SignatureVerification.refused(OmsException.badInput(bundlePath
                        + ": is not a regular file; it was not opened"), null, null);
            }
            if (Files.size(bundlePath) > MAX_BUNDLE_BYTES) {
                return SignatureVerification.refused(OmsException.badInput(bundlePath + ": is larger than "
                        + MAX_BUNDLE_BYTES + " bytes; not a signature bundle"), null, null);
            }
            bytes = Files.readAllBytes(bundlePath);
        } catch (NoSuchFileException e) {
            return SignatureVerification.refused(OmsException.invalid("no signature bundle at " + bundlePath
                    + ": the model is not signed"), null, null);
        } catch (IOException e) {
            return SignatureVerification.refused(new OmsException(Outcome.IO_FAILURE, bundlePath
                    + ": cannot be read (" + e.getMessage() + ")"), null, null);
        }
        return verify(model, bytes, bundlePath);
    }

    /** Verifies {@code model} with the bundle {@code bundleJson}; {@code bundlePath} (may be null) is left out. */
    public SignatureVerification verify(Path model, byte[] bundleJson, Path bundlePath) {
        String keyName = null;
        OmsStatement st = null;
        try {
            OmsBundle bundle = OmsBundle.parse(bundleJson);
            TrustedKey key = verifySignature(bundle);
            keyName = key.name();
            st = OmsStatement.parse(bundle.payload());
            st.requireConsistentSubject();
            SignedManifestCheck.Checked checked = SignedManifestCheck.check(model, bundlePath, st, ignore, options);
            if (checked.report().ok()) {
                String msg = "signed by key '" + key.name() + "' (" + key.hint().substring(0, 16) + "…), "
                        + st.resources().size() + " " + (st.serialization().shards() ? "shards" : "files")
                        + " verified";
                return new SignatureVerification(Outcome.OK, msg, key.name(), st, checked.report(), checked.ignored());
            }
            String first = checked.report().findings().get(0).message();
            return new SignatureVerification(checked.report().outcome(), "the signature by key '" + key.name()
                    + "' is valid, but the model does not match it: " + first, key.name(), st, checked.report(),
                    checked.ignored());
        } catch (OmsException e) {
            return SignatureVerification.refused(e, keyName, st);
        }
    }

    /** Finds the trusted key the bundle names, checks the signature with it, then the key's standing. */
    TrustedKey verifySignature(OmsBundle bundle) throws OmsException {
        List<TrustedKey> candidates = candidates(bundle.material());
        byte[] pae = Dsse.pae(bundle.payloadType(), bundle.payload());
        TrustedKey verified = null;
        for (TrustedKey k : candidates) {
            if (verifies(k.key(), pae, bundle.signature())) {
                verified = k;
                break;
            }
        }
        if (verified == null) {
            throw OmsException.invalid("the signature does not verify with key '" + candidates.get(0).name()
                    + "' that the bundle names: the statement or the signature was altered");
        }
        Instant now = trust.clock().instant();
        Optional<String> problem = verified.problemAt(now);
        if (problem.isPresent()) {
            throw OmsException.invalid("the model is signed by " + problem.get() + "; the signature is not accepted");
        }
        return verified;
    }

    private List<TrustedKey> candidates(OmsBundle.VerificationMaterial material) throws OmsException {
        List<TrustedKey> out = new ArrayList<>();
        if (material instanceof OmsBundle.PublicKeyHint h) {
            String hint = h.hint().toLowerCase(Locale.ROOT);
            for (TrustedKey k : trust.keys()) {
                if (k.hint().equals(hint)) {
                    out.add(k);
                }
            }
            if (out.isEmpty()) {
                throw OmsException.invalid("the bundle was signed with the key whose hint is " + h.hint()
                        + ", which is not a trusted key (trusted: " + describe(trust.keys()) + ")");
            }
            return out;
        }
        if (material instanceof OmsBundle.PublicKeyRaw raw) {
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
            for (TrustedKey k : trust.keys()) {
                if (EcKeys.sameKey(k.key(), embedded)) {
                    out.add(k);
                }
            }
            if (out.isEmpty()) {
                throw OmsException.invalid("the bundle was signed with the key whose hint is " + EcKeys.hint(embedded)
                        + ", which is not a trusted key (trusted: " + describe(trust.keys()) + ")");
            }
            return out;
        }
        throw OmsException.badInput("the bundle is signed with a " + material.describe()
                + "; this verifier checks key-based bundles only (certificate-chain and keyless verification "
                + "are not implemented yet)");
    }

    private static boolean verifies(PublicKey key, byte[] pae, byte[] der) throws OmsException {
        EcKeys.Curve curve = EcKeys.curve(key);
        try {
            Signature s = Signature.getInstance(curve.jcaSignature());
            s.initVerify(key);
            s.update(pae);
            return s.verify(der);
        } catch (java.security.SignatureException e) {
            return false; // not a DER ECDSA signature for this curve
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot verify " + curve.jcaSignature(), e);
        }
    }

    private static String describe(List<TrustedKey> keys) {
        List<String> parts = new ArrayList<>();
        for (TrustedKey k : keys) {
            parts.add(k.name() + " " + k.hint().substring(0, 12) + "…");
        }
        return String.join(", ", parts);
    }
}
