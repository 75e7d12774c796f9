package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.flipByte;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import dev.modelgate.testing.SharedFiles;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Sigstore keyless vectors of ../shared/vectors/oms, verified offline against the production trusted root
 * snapshot (SOURCE.md: VALID for stefanb@us.ibm.com from https://sigstore.verify.ibm.com/oauth2, FAIL for any
 * other identity or issuer), and tampered copies. Skipped, with a message, where ../shared is absent.
 */
class KeylessVectorsTest {

    static final Path OMS = Path.of("../shared/vectors/oms");
    static final Path TESTS = OMS.resolve("scripts/tests");
    static final String SAN = "stefanb@us.ibm.com";
    static final String ISSUER = "https://sigstore.verify.ibm.com/oauth2";

    static SigstoreTrustedRoot trustedRoot;

    @TempDir
    Path tmp;

    @BeforeEach
    void root() throws Exception {
        SharedFiles.require(OMS, "Sigstore keyless vector tests");
        trustedRoot = SigstoreTrustedRoot.parse(Files.readAllBytes(OMS.resolve("sigstore-java/trusted_root.json")));
    }

    private static SignaturePolicy policy(String san, String issuer) {
        return SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK)
                .withKeyless(new KeylessVerifier(trustedRoot, List.of(new KeylessVerifier.Identity(san, issuer))))
                .withIgnore(IgnorePolicy.honourSigner(List.of("ignore-me")));
    }

    private Path copy(String vector) throws IOException {
        Path dst = Files.createDirectories(tmp.resolve(vector));
        try (Stream<Path> s = Files.list(TESTS.resolve(vector))) {
            for (Path p : s.toList()) {
                Files.copy(p, dst.resolve(p.getFileName()));
            }
        }
        return dst;
    }

    @ParameterizedTest
    @ValueSource(strings = {"v0.3.1-sigstore", "v1.0.0-sigstore", "v1.1.0-sigstore"})
    void keylessVectorsVerifyOfflineForTheirIdentity(String vector) {
        Path dir = TESTS.resolve(vector);
        SignatureVerification v = policy(SAN, ISSUER).verify(dir, dir.resolve("model.sig"));
        assertTrue(v.ok(), v::message);
        assertEquals(Signer.KEYLESS, v.signer().kind());
        assertEquals(SAN, v.keyName());
        assertTrue(v.message().startsWith("signed by keyless identity stefanb@us.ibm.com from "
                + "https://sigstore.verify.ibm.com/oauth2 (logged at "), v::message);
    }

    @Test
    void specSigstoreBundleVerifies() throws Exception {
        Path dir = copy("v1.1.0-sigstore");
        Files.delete(dir.resolve("model.sig"));
        SignatureVerification v = policy(SAN, ISSUER).verify(dir,
                OMS.resolve("ossf-model-signing-spec/test-vectors/v1.0/valid/sigstore.bundle.json"));
        assertTrue(v.ok(), v::message);
    }

    @Test
    void anotherIdentityOrIssuerFails() {
        Path dir = TESTS.resolve("v1.1.0-sigstore");
        SignatureVerification san = policy("someone@example.com", ISSUER).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, san.outcome());
        assertEquals("the keyless signature is by stefanb@us.ibm.com from https://sigstore.verify.ibm.com/oauth2, which "
                + "is not an allowed identity (allowed: someone@example.com from https://sigstore.verify.ibm.com/oauth2)",
                san.message());
        SignatureVerification iss = policy(SAN, "https://accounts.google.com").verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, iss.outcome());
        assertTrue(iss.message().contains("is not an allowed identity (allowed: stefanb@us.ibm.com from "
                + "https://accounts.google.com)"), iss::message);
    }

    @Test
    void aTamperedFileFails() throws Exception {
        Path dir = copy("v1.0.0-sigstore");
        flipByte(dir.resolve("signme-1"), 0);
        SignatureVerification v = policy(SAN, ISSUER).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().contains("signme-1: sha256 is"), v::message);
    }

    private static ObjectNode entry(ObjectNode bundle) {
        return (ObjectNode) bundle.path("verificationMaterial").path("tlogEntries").get(0);
    }

    @Test
    void anAlteredIntegratedTimeBreaksTheSignedEntryTimestamp() throws Exception {
        Path dir = copy("v1.1.0-sigstore");
        OmsKit.edit(dir.resolve("model.sig"), b -> entry(b).put("integratedTime",
                Long.toString(Long.parseLong(entry(b).path("integratedTime").asText()) + 60)));
        SignatureVerification v = policy(SAN, ISSUER).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertEquals("the keyless signature's transparency log entry is not trusted: its signed entry timestamp does "
                + "not verify with the key of log wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0= (entry, time or index "
                + "altered)", v.message());
    }

    @Test
    void anAlteredInclusionProofFails() throws Exception {
        Path dir = copy("v1.1.0-sigstore");
        OmsKit.edit(dir.resolve("model.sig"), b -> {
            ArrayNode hashes = (ArrayNode) entry(b).path("inclusionProof").path("hashes");
            byte[] h = Base64.getDecoder().decode(hashes.get(0).asText());
            h[0] ^= 1;
            hashes.set(0, Base64.getEncoder().encodeToString(h));
        });
        SignatureVerification v = policy(SAN, ISSUER).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertEquals("the keyless signature's transparency log entry is not trusted: its inclusion proof does not "
                + "lead to the root hash it names", v.message());
    }

    @Test
    void aLogTheTrustedRootDoesNotListFails() throws Exception {
        Path dir = TESTS.resolve("v1.1.0-sigstore");
        SigstoreTrustedRoot noLog = new SigstoreTrustedRoot(List.of(), trustedRoot.cas());
        SignatureVerification v = SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK)
                .withKeyless(new KeylessVerifier(noLog, List.of(new KeylessVerifier.Identity(SAN, ISSUER))))
                .withIgnore(IgnorePolicy.honourSigner(List.of("ignore-me"))).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertEquals("the keyless signature's transparency log entry is not trusted: it comes from log "
                + "wNI9atQGlz+VWfO6LRygH4QUfY/8W4RFwiT5i5WRgB0=, which the trusted root does not list", v.message());
    }

    @Test
    void aCertificateAuthorityTheTrustedRootDoesNotListFails() throws Exception {
        Path dir = TESTS.resolve("v1.1.0-sigstore");
        CertificateKit.Issued other = CertificateKit.root("CN=not-fulcio");
        SigstoreTrustedRoot otherCa = new SigstoreTrustedRoot(trustedRoot.tlogs(), List.of(
                new SigstoreTrustedRoot.CertificateAuthority(List.of(other.cert()),
                        java.time.Instant.parse("2020-01-01T00:00:00Z"), null, "")));
        SignatureVerification v = SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK)
                .withKeyless(new KeylessVerifier(otherCa, List.of(new KeylessVerifier.Identity(SAN, ISSUER))))
                .withIgnore(IgnorePolicy.honourSigner(List.of("ignore-me"))).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().startsWith("the signing certificate '' does not chain to a trusted root"), v::message);
    }

    @Test
    void theSpecBundleWithoutTlogEntriesIsBadInput() throws Exception {
        Path dir = copy("v1.1.0-sigstore");
        SignatureVerification v = policy(SAN, ISSUER).verify(dir,
                OMS.resolve("ossf-model-signing-spec/test-vectors/v1.0/invalid/missing-tlog-entries.bundle.json"));
        assertEquals(Outcome.BAD_INPUT, v.outcome());
        assertEquals("a Sigstore keyless bundle needs at least one transparency log entry "
                + "(verificationMaterial.tlogEntries is missing or empty)", v.message());
    }
}
