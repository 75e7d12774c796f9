package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.integrity.ModelDirs.manifestOf;
import static dev.modelgate.integrity.ModelDirs.write;
import static dev.modelgate.signing.OmsKit.NOW;
import static dev.modelgate.signing.OmsKit.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.CertificateIdentity;
import dev.modelgate.api.v1alpha1.CertificateTrust;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.integrity.Manifest;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SignaturePolicy} built from a ModelSource's {@code spec.signing}: windows, revocation and rotation at a
 * fixed clock, certificates, signer ignore limits, and the manifest form the verifier init-container calls.
 */
class SignaturePolicyTest {

    @TempDir
    Path tmp;

    static final KeyPair OLD = OmsKit.key(EcKeys.Curve.P256);
    static final KeyPair NEW = OmsKit.key(EcKeys.Curve.P384);

    private static SigningKey apiKey(String name, KeyPair kp) {
        return new SigningKey(name, EcKeys.publicKeyPem(kp.getPublic()));
    }

    private static SigningSpec spec(SigningKey... keys) {
        SigningSpec s = new SigningSpec();
        s.setRequired(true);
        s.setKeys(new ArrayList<>(List.of(keys)));
        return s;
    }

    private static SignaturePolicy policy(SigningSpec spec) throws OmsException {
        return SignaturePolicy.fromSource(spec, OmsKit.CLOCK);
    }

    /** The volume: root/m/ holds the model and its bundle m/model.sig. */
    private Path signedVolume(KeyPair kp, OmsSigner.Options o) throws Exception {
        Path root = Files.createDirectories(tmp.resolve("vol"));
        OmsKit.sign(model(root.resolve("m")), kp.getPrivate(), o);
        return root;
    }

    /** What the TrustedModel pins: the model's files, below m/, without the bundle. */
    private static Manifest declared(Path root) {
        List<ManifestEntry> out = new ArrayList<>();
        for (ManifestEntry e : manifestOf(root).entries()) {
            if (!e.path().equals("m/model.sig")) {
                out.add(e);
            }
        }
        return Manifest.of(out);
    }

    private static void assertRefused(SignatureVerification v, Outcome outcome, String message) {
        assertEquals(outcome, v.outcome(), v::message);
        assertEquals(message, v.message());
    }

    @Test
    void rotationTwoValidKeysAndTheResultNamesTheOneThatSigned() throws Exception {
        SigningSpec s = spec(apiKey("old", OLD), apiKey("new", NEW));
        Path root = signedVolume(NEW, OmsSigner.Options.files());
        SignatureVerification v = policy(s).verify(root, "m/model.sig", declared(root));
        assertTrue(v.ok(), v::message);
        assertEquals("new", v.keyName());
        assertEquals("signed by key 'new' (" + EcKeys.hint(NEW.getPublic()).substring(0, 16)
                + "…): the 3 declared files are the 3 signed files", v.message());

        Path other = Files.createDirectories(tmp.resolve("other"));
        OmsKit.sign(model(other.resolve("m")), OLD.getPrivate());
        SignatureVerification byOld = policy(s).verify(other, "m/model.sig", declared(other));
        assertTrue(byOld.ok(), byOld::message);
        assertEquals("old", byOld.keyName());

        // The old key is revoked after rotation: what it signed is refused with its reason, the new key still works.
        SigningKey revoked = apiKey("old", OLD);
        revoked.setRevoked(true);
        revoked.setReason("leaked in a CI log");
        SigningSpec after = spec(revoked, apiKey("new", NEW));
        assertRefused(policy(after).verify(other, "m/model.sig", declared(other)), Outcome.VERIFICATION_FAILED,
                "the model is signed by key 'old' is revoked (leaked in a CI log); the signature is not accepted");
        assertTrue(policy(after).verify(root, "m/model.sig", declared(root)).ok());
    }

    @Test
    void keyWindowsAreJudgedAtThePolicyClock() throws Exception {
        Path root = signedVolume(OLD, OmsSigner.Options.files());
        SigningKey expired = apiKey("old", OLD);
        expired.setNotBefore("2025-01-01T00:00:00Z");
        expired.setNotAfter("2026-05-31T00:00:00Z");
        assertRefused(policy(spec(expired)).verify(root, "m/model.sig", declared(root)), Outcome.VERIFICATION_FAILED,
                "the model is signed by key 'old' expired at 2026-05-31T00:00:00Z (now " + NOW
                        + "); the signature is not accepted");
        SigningKey future = apiKey("old", OLD);
        future.setNotBefore("2026-07-01T00:00:00+02:00");
        assertRefused(policy(spec(future)).verify(root, "m/model.sig", declared(root)), Outcome.VERIFICATION_FAILED,
                "the model is signed by key 'old' is not valid before 2026-06-30T22:00:00Z (now " + NOW
                        + "); the signature is not accepted");
        SigningKey inside = apiKey("old", OLD);
        inside.setNotBefore("2026-01-01T00:00:00Z");
        inside.setNotAfter("2027-01-01T00:00:00Z");
        assertTrue(policy(spec(inside)).verify(root, "m/model.sig", declared(root)).ok());
    }

    @Test
    void aKeyTheSourceDoesNotListFailsNamingTheTrustedKeys() throws Exception {
        Path root = signedVolume(OLD, OmsSigner.Options.files());
        SignatureVerification v = policy(spec(apiKey("new", NEW))).verify(root, "m/model.sig", declared(root));
        assertRefused(v, Outcome.VERIFICATION_FAILED, "the bundle was signed with the key whose hint is "
                + EcKeys.hint(OLD.getPublic()) + ", which is not a trusted key (trusted: new "
                + EcKeys.hint(NEW.getPublic()).substring(0, 12) + "…)");
    }

    @Test
    void manifestFormCatchesEveryDifferenceBetweenTheTrustedModelAndTheSignature() throws Exception {
        Path root = signedVolume(OLD, OmsSigner.Options.files());
        SignaturePolicy p = policy(spec(apiKey("old", OLD)));
        Manifest m = declared(root);
        String valid = "the signature by key 'old' (" + EcKeys.hint(OLD.getPublic()).substring(0, 16) + "…) is valid, but ";

        List<ManifestEntry> more = new ArrayList<>(m.entries());
        more.add(new ManifestEntry("m/extra.bin", "0".repeat(64), 1));
        assertRefused(p.verify(root, "m/model.sig", Manifest.of(more)), Outcome.VERIFICATION_FAILED,
                valid + "m/extra.bin is declared in the TrustedModel but not covered by the signature");

        List<ManifestEntry> fewer = new ArrayList<>(m.entries());
        fewer.removeIf(e -> e.path().equals("m/tokenizer/vocab.txt"));
        assertRefused(p.verify(root, "m/model.sig", Manifest.of(fewer)), Outcome.VERIFICATION_FAILED,
                valid + "m/tokenizer/vocab.txt is signed but the TrustedModel does not declare it");

        List<ManifestEntry> changed = new ArrayList<>();
        for (ManifestEntry e : m.entries()) {
            changed.add(e.path().equals("m/config.json") ? new ManifestEntry(e.path(), "a".repeat(64), e.size()) : e);
        }
        String signedDigest = m.get("m/config.json").orElseThrow().sha256();
        assertRefused(p.verify(root, "m/model.sig", Manifest.of(changed)), Outcome.VERIFICATION_FAILED,
                valid + "m/config.json: the TrustedModel pins sha256 " + "a".repeat(64) + " but the signed digest is "
                        + signedDigest);

        List<ManifestEntry> outside = new ArrayList<>(m.entries());
        outside.add(new ManifestEntry("elsewhere.bin", "0".repeat(64), 1));
        assertRefused(p.verify(root, "m/model.sig", Manifest.of(outside)), Outcome.BAD_INPUT,
                "declared file elsewhere.bin lies outside the folder of the signature bundle m/model.sig; the bundle "
                        + "must sit in the folder that was signed, above every file of the model");
    }

    @Test
    void manifestFormRefusesBadBundlePathsAndMissingBundles() throws Exception {
        Path root = signedVolume(OLD, OmsSigner.Options.files());
        SignaturePolicy p = policy(spec(apiKey("old", OLD)));
        Manifest m = declared(root);
        SignatureVerification dots = p.verify(root, "../m/model.sig", m);
        assertEquals(Outcome.BAD_INPUT, dots.outcome());
        assertTrue(dots.message().startsWith("signature bundlePath '../m/model.sig' is refused: "), dots::message);

        Path outsideBundle = tmp.resolve("outside.sig");
        Files.copy(root.resolve("m/model.sig"), outsideBundle);
        Files.delete(root.resolve("m/model.sig"));
        Files.createSymbolicLink(root.resolve("m/model.sig"), outsideBundle);
        assertRefused(p.verify(root, "m/model.sig", m), Outcome.VERIFICATION_FAILED,
                "signature bundle m/model.sig is a link that leads out of the volume (" + outsideBundle.toRealPath()
                        + "); it was not read");

        Files.delete(root.resolve("m/model.sig"));
        assertRefused(p.verify(root, "m/model.sig", m), Outcome.VERIFICATION_FAILED,
                "no signature bundle at " + root.resolve("m/model.sig") + ": the model is not signed");
    }

    @Test
    void manifestFormWithShardsReadsTheSignedRanges() throws Exception {
        Path root = signedVolume(NEW, OmsSigner.Options.shards(4096));
        SignaturePolicy p = policy(spec(apiKey("new", NEW)));
        Manifest m = declared(root);
        SignatureVerification v = p.verify(root, "m/model.sig", m);
        assertTrue(v.ok(), v::message);
        assertEquals("signed by key 'new' (" + EcKeys.hint(NEW.getPublic()).substring(0, 16)
                + "…): the 3 declared files are the 5 signed shards", v.message());
        flipByte(root.resolve("m/model.safetensors"), 5000);
        SignatureVerification bad = p.verify(root, "m/model.sig", m);
        assertEquals(Outcome.VERIFICATION_FAILED, bad.outcome());
        assertTrue(bad.message().contains("m/model.safetensors: bytes 4096 to 8192 have sha256"), bad::message);
    }

    @Test
    void aModelAtTheVolumeRootWithTheDefaultBundle() throws Exception {
        Path root = model(tmp.resolve("flat"));
        OmsKit.sign(root, OLD.getPrivate());
        List<ManifestEntry> files = new ArrayList<>(manifestOf(root).entries());
        files.removeIf(e -> e.path().equals("model.sig"));
        SignatureVerification v = policy(spec(apiKey("old", OLD))).verify(root, "model.sig", Manifest.of(files));
        assertTrue(v.ok(), v::message);
    }

    @Test
    void aSourcePolicyDoesNotLetTheSignerShrinkTheDirectoryCheck() throws Exception {
        Path dir = model(tmp.resolve("m"));
        write(dir.resolve("notes.txt"), "run me".getBytes(StandardCharsets.UTF_8));
        OmsKit.sign(dir, OLD.getPrivate(), OmsSigner.Options.files().withIgnorePaths(List.of("notes.txt")));
        SignaturePolicy p = policy(spec(apiKey("old", OLD)));
        SignatureVerification v = p.verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertTrue(v.message().endsWith("the model does not match it: notes.txt: is not part of any declared model "
                + "(strict mode); remove it or add an ignore glob"), v::message);
        SignaturePolicy listed = p.withIgnore(new IgnorePolicy(IgnorePolicy.SignerIgnores.LISTED, Set.of("notes.txt"),
                List.of()));
        SignatureVerification ok = listed.verify(dir, dir.resolve("model.sig"));
        assertTrue(ok.ok(), ok::message);
        assertEquals(List.of("model.sig", "notes.txt"), ok.ignored());
    }

    @Test
    void certificatesFromTheSourceWithIdentities() throws Exception {
        CertificateKit.Issued root = CertificateKit.root("CN=Source Root");
        CertificateKit.Issued leaf = CertificateKit.leaf(root, CertificateKit.Leaf.good("CN=release")
                .emails("release@example.com"), EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        CertificateKit.signWithChain(dir, leaf);
        SigningSpec s = new SigningSpec();
        CertificateTrust ct = new CertificateTrust();
        ct.setRoots("-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(root.cert().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        ct.setIdentities(new ArrayList<>(List.of(new CertificateIdentity(null, "release@example.com"))));
        s.setCertificates(ct);
        SignatureVerification v = policy(s).verify(dir, dir.resolve("model.sig"));
        assertTrue(v.ok(), v::message);
        assertEquals("CN=release (SAN release@example.com)", v.keyName());

        ct.setIdentities(new ArrayList<>(List.of(new CertificateIdentity(null, "other@example.com"))));
        assertRefused(policy(s).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "the signing certificate 'CN=release (SAN release@example.com)' is not an allowed identity (allowed: "
                        + "SAN 'other@example.com')");
        // A key-based signature is refused by a source that trusts certificates only.
        Path keyed = model(tmp.resolve("k"));
        OmsKit.sign(keyed, OLD.getPrivate());
        assertRefused(policy(s).verify(keyed, keyed.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "the bundle is signed with a public key, but the policy trusts no keys (it trusts certificate roots)");
    }

    @Test
    void malformedSourceEntriesAreBadInputNamingThem() {
        SigningKey broken = new SigningKey("broken", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
        OmsException e = assertThrows(OmsException.class, () -> policy(spec(broken)));
        assertEquals(Outcome.BAD_INPUT, e.outcome());
        assertTrue(e.getMessage().startsWith("signing key 'broken': "), e::getMessage);

        SigningKey badDate = apiKey("k", OLD);
        badDate.setNotAfter("next tuesday");
        OmsException d = assertThrows(OmsException.class, () -> policy(spec(badDate)));
        assertEquals("signing key 'k': notAfter 'next tuesday' is not an RFC 3339 date-time", d.getMessage());

        SigningSpec s = new SigningSpec();
        CertificateTrust ct = new CertificateTrust();
        ct.setRoots("not a certificate");
        s.setCertificates(ct);
        OmsException c = assertThrows(OmsException.class, () -> policy(s));
        assertEquals("signing.certificates.roots holds no certificate (expected -----BEGIN CERTIFICATE-----)",
                c.getMessage());
    }

    @Test
    void requiredComesFromTheSource() throws Exception {
        assertTrue(policy(spec(apiKey("k", OLD))).required());
        SigningSpec optional = spec(apiKey("k", OLD));
        optional.setRequired(false);
        assertFalse(policy(optional).required());
        assertFalse(SignaturePolicy.fromSource((SigningSpec) null, OmsKit.CLOCK).trustsAnySigner());
    }
}
