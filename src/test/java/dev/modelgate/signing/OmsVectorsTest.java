package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.integrity.ModelDirs.kinds;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import dev.modelgate.testing.SharedFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The OMS vectors of ../shared/vectors/oms (SOURCE.md states each outcome): what the reference tool wrote must
 * verify here, and the variants derived from them must fail. Skipped, with a message, where ../shared is absent.
 */
class OmsVectorsTest {

    static final Path VECTORS = Path.of("../shared/vectors/oms");
    static final Path TESTS = VECTORS.resolve("scripts/tests");
    static final Path SPEC = VECTORS.resolve("ossf-model-signing-spec/test-vectors/v1.0");
    static final String HINT = "e8450dec4eb99dae995da9af1bc2cc9f76ed669ee2e744f57abba763df3e3f8e";

    static PublicKey vectorKey;

    @TempDir
    Path tmp;

    @BeforeEach
    void readKey() throws Exception {
        SharedFiles.require(VECTORS, "OMS vector tests");
        vectorKey = EcKeys.readPublicKeyPem(Files.readString(TESTS.resolve("keys/certificate/signing-key-pub.pem")));
    }

    private static SignatureVerification verify(PublicKey key, Path model, Path bundle, List<String> ignore) {
        return new KeyVerifier(new KeyTrust(List.of(TrustedKey.of("vector-key", key)), OmsKit.CLOCK),
                IgnorePolicy.honourSigner(ignore), EngineOptions.defaults()).verify(model, bundle);
    }

    private static SignatureVerification verify(Path model, Path bundle, List<String> ignore) {
        return verify(vectorKey, model, bundle, ignore);
    }

    /** A writable copy of a vector directory, for tampering. */
    private Path copy(String vector) throws IOException {
        Path src = TESTS.resolve(vector);
        Path dst = tmp.resolve(vector);
        Files.createDirectories(dst);
        try (Stream<Path> s = Files.list(src)) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    @Test
    void theVectorKeyHasTheDocumentedHint() {
        assertEquals(HINT, EcKeys.hint(vectorKey));
        assertEquals(EcKeys.Curve.P384, assertCurve(vectorKey));
    }

    private static EcKeys.Curve assertCurve(PublicKey k) {
        try {
            return EcKeys.curve(k);
        } catch (OmsException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void v110EllipticKeyIsValidAndRecordsItsIgnorePaths() {
        Path dir = TESTS.resolve("v1.1.0-elliptic-key");
        SignatureVerification v = verify(dir, dir.resolve("model.sig"), List.of());
        assertTrue(v.ok(), v::message);
        assertEquals("vector-key", v.keyName());
        assertEquals(List.of("ignore-me", "model.sig"), v.ignored());
    }

    @Test
    void v110EllipticKeyFailsWithAnyOtherKey() {
        Path dir = TESTS.resolve("v1.1.0-elliptic-key");
        SignatureVerification v = verify(OmsKit.key(EcKeys.Curve.P384).getPublic(), dir, dir.resolve("model.sig"),
                List.of());
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().contains("hint is " + HINT), v::message);
    }

    @Test
    void v101EllipticKeyIsValidOnlyWhenIgnoreMeIsIgnored() {
        Path dir = TESTS.resolve("v1.0.1-elliptic-key");
        SignatureVerification ok = verify(dir, dir.resolve("model.sig"), List.of("ignore-me"));
        assertTrue(ok.ok(), ok::message);
        SignatureVerification strict = verify(dir, dir.resolve("model.sig"), List.of());
        assertEquals(Outcome.VERIFICATION_FAILED, strict.outcome());
        assertEquals(List.of("extra:ignore-me"), kinds(strict.report()));
    }

    @Test
    void v101EllipticKeyWithAnotherKeyFails() {
        Path dir = TESTS.resolve("v1.0.1-elliptic-key");
        SignatureVerification v = verify(OmsKit.key(EcKeys.Curve.P384).getPublic(), dir, dir.resolve("model.sig"),
                List.of("ignore-me"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().contains("not a trusted key"), v::message);
    }

    @Test
    void v031EllipticKeyIsASingleFileModel() {
        Path dir = TESTS.resolve("v0.3.1-elliptic-key");
        SignatureVerification v = verify(dir.resolve("signme-1"), dir.resolve("model.sig"), List.of());
        assertTrue(v.ok(), v::message);
        assertEquals(".", v.statement().resources().get(0).name());
    }

    @Test
    void specKeyBundleVerifiesTheV110Model() throws IOException {
        Path dir = copy("v1.1.0-elliptic-key");
        Files.delete(dir.resolve("model.sig"));
        Path bundle = SPEC.resolve("valid/key.bundle.json");
        SignatureVerification v = verify(dir, bundle, List.of());
        assertTrue(v.ok(), v::message);
        assertEquals("model", v.statement().subjectName());
    }

    @ParameterizedTest
    @ValueSource(strings = {"v1.1.0-elliptic-key", "v1.0.1-elliptic-key"})
    void tamperedCopiesFail(String vector) throws IOException {
        List<String> ignore = List.of("ignore-me");
        Path dir = copy(vector);
        assertTrue(verify(dir, dir.resolve("model.sig"), ignore).ok());
        flipByte(dir.resolve("signme-2"), 3);
        assertEquals(List.of("digest-mismatch:signme-2"), kinds(verify(dir, dir.resolve("model.sig"), ignore).report()));
        flipByte(dir.resolve("signme-2"), 3);
        Files.writeString(dir.resolve("added.bin"), "x");
        assertEquals(List.of("extra:added.bin"), kinds(verify(dir, dir.resolve("model.sig"), ignore).report()));
        Files.delete(dir.resolve("added.bin"));
        Files.delete(dir.resolve("signme-1"));
        assertEquals(List.of("missing:signme-1"), kinds(verify(dir, dir.resolve("model.sig"), ignore).report()));
    }

    @Test
    void tamperedSingleFileFails() throws IOException {
        Path dir = copy("v0.3.1-elliptic-key");
        flipByte(dir.resolve("signme-1"), 0);
        SignatureVerification v = verify(dir.resolve("signme-1"), dir.resolve("model.sig"), List.of());
        assertEquals(List.of("digest-mismatch:signme-1"), kinds(v.report()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"empty", "missing-envelope", "missing-verification-material", "missing-tlog-entries"})
    void specInvalidBundlesAreRejectedAsBadInput(String name) throws IOException {
        Path dir = copy("v1.1.0-elliptic-key");
        SignatureVerification v = verify(dir, SPEC.resolve("invalid/" + name + ".bundle.json"), List.of());
        assertEquals(Outcome.BAD_INPUT, v.outcome(), v::message);
    }

    @Test
    void specWrongPredicateIsRejected() throws IOException {
        Path dir = copy("v1.1.0-elliptic-key");
        SignatureVerification v = verify(dir, SPEC.resolve("invalid-payload/wrong-predicate.bundle.json"), List.of());
        assertTrue(Set.of(Outcome.BAD_INPUT, Outcome.VERIFICATION_FAILED).contains(v.outcome()), v::message);
        assertTrue(v.message().contains("does not verify") || v.message().contains("predicateType"), v::message);
    }

    static CertificateVerifier vectorRoots(List<CertificateVerifier.Identity> ids) throws Exception {
        return new CertificateVerifier(X509.parsePem(Files.readString(TESTS.resolve("keys/certificate/ca-cert.pem")),
                "ca-cert.pem"), ids);
    }

    private static SignaturePolicy certificatePolicy(List<CertificateVerifier.Identity> ids, List<String> ignore)
            throws Exception {
        return SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK).withCertificates(vectorRoots(ids))
                .withIgnore(IgnorePolicy.honourSigner(ignore));
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.3.1-certificate", "v1.0.1-certificate", "v1.1.0-certificate"})
    void certificateVectorsVerifyAgainstTheRootCa(String vector) throws Exception {
        Path dir = TESTS.resolve(vector);
        SignatureVerification v = certificatePolicy(List.of(), List.of("ignore-me")).verify(dir, dir.resolve("model.sig"));
        assertTrue(v.ok(), v::message);
        assertEquals(Signer.CERTIFICATE, v.signer().kind());
        assertEquals("signed by certificate 'CN=intermediate-ca' issued under root 'CN=root-ca', 2 files verified",
                v.message());
    }

    @Test
    void certificateVectorV101FailsWithoutIgnoringIgnoreMe() throws Exception {
        Path dir = TESTS.resolve("v1.0.1-certificate");
        SignatureVerification v = certificatePolicy(List.of(), List.of()).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertTrue(v.message().contains("ignore-me"), v::message);
    }

    @Test
    void specCertificateBundleVerifiesOnTheSameModel() throws Exception {
        Path dir = copy("v1.1.0-elliptic-key"); // SOURCE.md: the spec's bundles sign this content
        Files.delete(dir.resolve("model.sig"));
        SignatureVerification v = certificatePolicy(List.of(), List.of("ignore-me"))
                .verify(dir, SPEC.resolve("valid/certificate.bundle.json"));
        assertTrue(v.ok(), v::message);
    }

    @Test
    void certificateVectorTamperedFails() throws Exception {
        Path dir = copy("v1.1.0-certificate");
        flipByte(dir.resolve("signme-2"), 3);
        SignatureVerification v = certificatePolicy(List.of(), List.of()).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertTrue(v.message().contains("signme-2: sha256 is"), v::message);
    }

    @Test
    void certificateVectorWithAnIdentityThatDoesNotMatchFails() throws Exception {
        Path dir = TESTS.resolve("v1.1.0-certificate");
        SignatureVerification v = certificatePolicy(List.of(new CertificateVerifier.Identity("CN=release", null)),
                List.of()).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertEquals("the signing certificate 'CN=intermediate-ca' is not an allowed identity (allowed: subject "
                + "'CN=release')", v.message());
        SignatureVerification ok = certificatePolicy(List.of(new CertificateVerifier.Identity("CN=intermediate-ca",
                null)), List.of()).verify(dir, dir.resolve("model.sig"));
        assertTrue(ok.ok(), ok::message);
    }

    @Test
    void certificateVectorAnchoredAtTheWrongRootFails() throws Exception {
        Path dir = TESTS.resolve("v1.1.0-certificate");
        // The intermediate as the only root: the leaf chains to it, so use an unrelated self-made root instead.
        var other = CertificateKit.root("CN=other-root");
        SignatureVerification v = SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK)
                .withCertificates(new CertificateVerifier(List.of(other.cert()), List.of()))
                .verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertTrue(v.message().startsWith("the signing certificate 'CN=intermediate-ca' does not chain to a trusted "
                + "root"), v::message);
    }

    /** Sigstore keyless vectors: verified offline in {@code KeylessVectorsTest}; a key-only policy refuses them. */
    @ParameterizedTest
    @ValueSource(strings = {"v0.3.1-sigstore", "v1.0.0-sigstore", "v1.1.0-sigstore"})
    void keylessVectorsAreRefusedByAKeyOnlyPolicy(String vector) {
        Path dir = TESTS.resolve(vector);
        SignatureVerification v = verify(dir, dir.resolve("model.sig"), List.of("ignore-me"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertEquals("the bundle is a Sigstore keyless signature, but the policy trusts no keyless identities "
                + "(it trusts 1 key)", v.message());
    }

    @Test
    void legacyV020IsRefusedWithoutTheSwitch() throws Exception {
        Path dir = TESTS.resolve("v0.2.0-certificate");
        SignatureVerification v = certificatePolicy(List.of(), List.of()).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.BAD_INPUT, v.outcome(), v::message);
        assertEquals(OmsStatement.LEGACY_REFUSED, v.message());
    }

    @Test
    void legacyV020VerifiesWithTheSwitchAndItsMalformedEncoding() throws Exception {
        Path dir = TESTS.resolve("v0.2.0-certificate");
        SignatureVerification v = certificatePolicy(List.of(), List.of()).withLegacyV02(true)
                .verify(dir, dir.resolve("model.sig"));
        assertTrue(v.ok(), v::message);
        assertEquals(2, v.statement().resources().size());
    }

    @Test
    void legacyV020TamperedFailsEvenWithTheSwitch() throws Exception {
        Path dir = copy("v0.2.0-certificate");
        flipByte(dir.resolve("signme-1"), 0);
        SignatureVerification v = certificatePolicy(List.of(), List.of()).withLegacyV02(true)
                .verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertTrue(v.message().contains("signme-1: sha256 is"), v::message);
    }
}
