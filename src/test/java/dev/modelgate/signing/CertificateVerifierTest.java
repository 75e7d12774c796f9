package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.signing.OmsKit.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.Outcome;
import java.nio.file.Path;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Certificate-chain bundles with chains made in the test: good, wrong root, expired, wrong EKU/KU, identities. */
class CertificateVerifierTest {

    static CertificateKit.Issued root;
    static CertificateKit.Issued intermediate;

    @TempDir
    Path tmp;

    @BeforeAll
    static void chain() throws Exception {
        root = CertificateKit.root("CN=ModelGate Test Root,O=Example");
        intermediate = CertificateKit.intermediate(root, "CN=ModelGate Test Signing CA,O=Example");
    }

    private static SignaturePolicy policy(CertificateVerifier.Identity... ids) {
        return SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK)
                .withCertificates(new CertificateVerifier(List.of(root.cert()), List.of(ids)));
    }

    private Path signed(CertificateKit.Leaf leaf) throws Exception {
        Path dir = model(tmp.resolve("m"));
        CertificateKit.signWithChain(dir, CertificateKit.leaf(intermediate, leaf, EcKeys.Curve.P384),
                intermediate.cert());
        return dir;
    }

    private static void assertFails(SignatureVerification v, String message) {
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertEquals(message, v.message());
    }

    @Test
    void aGoodChainVerifiesAndNamesTheCertificate() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=ml-release,O=Example").emails("release@example.com"));
        SignatureVerification v = policy().verify(dir, dir.resolve("model.sig"));
        assertTrue(v.ok(), v::message);
        assertEquals("signed by certificate 'CN=ml-release,O=Example (SAN release@example.com)' issued under root "
                + "'CN=ModelGate Test Root,O=Example', 3 files verified", v.message());
        assertEquals(Signer.CERTIFICATE, v.signer().kind());
    }

    @Test
    void aChainThatAlsoCarriesTheRootVerifies() throws Exception {
        Path dir = model(tmp.resolve("m"));
        CertificateKit.signWithChain(dir, CertificateKit.leaf(intermediate, CertificateKit.Leaf.good("CN=a"),
                EcKeys.Curve.P256), intermediate.cert(), root.cert());
        assertTrue(policy().verify(dir, dir.resolve("model.sig")).ok());
    }

    @Test
    void aTamperedFileFailsEvenWithAGoodChain() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=ml-release"));
        flipByte(dir.resolve("config.json"), 2);
        SignatureVerification v = policy().verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().startsWith("the signature by certificate 'CN=ml-release' issued under root "
                + "'CN=ModelGate Test Root,O=Example' is valid, but the model does not match it: config.json: sha256 is"),
                v::message);
    }

    @Test
    void aChainToAnotherRootFails() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=ml-release"));
        CertificateKit.Issued other = CertificateKit.root("CN=Other Root");
        SignatureVerification v = SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK)
                .withCertificates(new CertificateVerifier(List.of(other.cert()), List.of()))
                .verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().startsWith("the signing certificate 'CN=ml-release' does not chain to a trusted root ("),
                v::message);
    }

    @Test
    void aChainWithoutItsIntermediateFails() throws Exception {
        Path dir = model(tmp.resolve("m"));
        CertificateKit.signWithChain(dir, CertificateKit.leaf(intermediate, CertificateKit.Leaf.good("CN=x"),
                EcKeys.Curve.P256));
        SignatureVerification v = policy().verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().startsWith("the signing certificate 'CN=x' does not chain to a trusted root"),
                v::message);
    }

    @Test
    void anExpiredLeafFailsNamingItsEnd() throws Exception {
        var leaf = CertificateKit.Leaf.good("CN=old-release").valid(OmsKit.NOW.minus(400, ChronoUnit.DAYS),
                OmsKit.NOW.minus(1, ChronoUnit.DAYS));
        Path dir = signed(leaf);
        assertFails(policy().verify(dir, dir.resolve("model.sig")), "certificate 'CN=old-release' expired at "
                + OmsKit.NOW.minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + " (now " + OmsKit.NOW + ")");
    }

    @Test
    void aLeafNotYetValidFails() throws Exception {
        var leaf = CertificateKit.Leaf.good("CN=future").valid(OmsKit.NOW.plus(1, ChronoUnit.DAYS),
                OmsKit.NOW.plus(400, ChronoUnit.DAYS));
        Path dir = signed(leaf);
        assertFails(policy().verify(dir, dir.resolve("model.sig")), "certificate 'CN=future' is not valid before "
                + OmsKit.NOW.plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS) + " (now " + OmsKit.NOW + ")");
    }

    @Test
    void aServerAuthLeafIsNotACodeSigningCertificate() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=web").eku(KeyPurposeId.id_kp_serverAuth));
        assertFails(policy().verify(dir, dir.resolve("model.sig")), "the signing certificate 'CN=web' lacks the "
                + "codeSigning extended key usage; issue a code-signing certificate");
    }

    @Test
    void aLeafWithoutExtendedKeyUsageFails() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=plain").eku(null));
        assertFails(policy().verify(dir, dir.resolve("model.sig")), "the signing certificate 'CN=plain' lacks the "
                + "codeSigning extended key usage; issue a code-signing certificate");
    }

    @Test
    void aLeafWithoutDigitalSignatureFails() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=enc").noDigitalSignature());
        assertFails(policy().verify(dir, dir.resolve("model.sig")), "the signing certificate 'CN=enc' does not "
                + "allow digitalSignature in its key usage; issue a code-signing certificate");
    }

    @Test
    void identitiesBySubjectAndBySan() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=ml-release,O=Example").emails("release@example.com"));
        Path sig = dir.resolve("model.sig");
        assertTrue(policy(new CertificateVerifier.Identity("CN=ml-release, O=Example", null)).verify(dir, sig).ok(),
                "a DN compares by its parts, not its spacing");
        assertTrue(policy(new CertificateVerifier.Identity(null, "release@example.com")).verify(dir, sig).ok());
        assertTrue(policy(new CertificateVerifier.Identity("CN=ml-release,O=Example", "release@example.com"))
                .verify(dir, sig).ok());
        assertFails(policy(new CertificateVerifier.Identity(null, "attacker@example.com")).verify(dir, sig),
                "the signing certificate 'CN=ml-release,O=Example (SAN release@example.com)' is not an allowed "
                        + "identity (allowed: SAN 'attacker@example.com')");
        assertFails(policy(new CertificateVerifier.Identity("CN=ml-release,O=Example", "other@example.com"))
                .verify(dir, sig), "the signing certificate 'CN=ml-release,O=Example (SAN release@example.com)' is "
                + "not an allowed identity (allowed: subject 'CN=ml-release,O=Example' with SAN 'other@example.com')");
    }

    @Test
    void aSignatureByAnotherKeyThanTheLeafFails() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=ml-release"));
        // Re-sign the statement with a key that is not the leaf's: the chain is good, the signature is not.
        OmsKit.resign(dir.resolve("model.sig"), OmsKit.freshKey().getPrivate(), st -> { });
        assertFails(policy().verify(dir, dir.resolve("model.sig")), "the signature does not verify with the "
                + "certificate 'CN=ml-release' in the bundle: the statement or the signature was altered");
    }

    @Test
    void aMalformedCertificateIsBadInput() throws Exception {
        Path dir = signed(CertificateKit.Leaf.good("CN=ml-release"));
        OmsKit.edit(dir.resolve("model.sig"), b -> ((com.fasterxml.jackson.databind.node.ObjectNode) b
                .path("verificationMaterial").path("x509CertificateChain").path("certificates").get(0))
                .put("rawBytes", "AAAA"));
        SignatureVerification v = policy().verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.BAD_INPUT, v.outcome());
        assertTrue(v.message().startsWith("verificationMaterial.x509CertificateChain.certificates[0] is not an X.509 "
                + "certificate"), v::message);
    }
}
