package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.signing.OmsKit.model;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keyless verification on bundles made by {@link KeylessKit}: every step, good and broken, without ../shared. */
class KeylessVerifierTest {

    static KeylessKit kit;

    @TempDir
    Path tmp;

    @BeforeAll
    static void sigstore() throws Exception {
        kit = new KeylessKit();
    }

    private SignatureVerification verify(KeylessKit.Options o) throws Exception {
        return verify(o, kit.verifier(KeylessKit.SAN, KeylessKit.ISSUER));
    }

    private SignatureVerification verify(KeylessKit.Options o, KeylessVerifier verifier) throws Exception {
        Path dir = model(tmp.resolve("m" + System.nanoTime()));
        kit.sign(dir, o);
        return SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK).withKeyless(verifier).verify(dir, dir.resolve("model.sig"));
    }

    private static void assertFails(SignatureVerification v, String message) {
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
        assertEquals(message, v.message());
    }

    private static final String UNTRUSTED = "the keyless signature's transparency log entry is not trusted: ";

    @Test
    void aGoodKeylessBundleVerifiesAndNamesTheIdentity() throws Exception {
        SignatureVerification v = verify(new KeylessKit.Options());
        assertTrue(v.ok(), v::message);
        assertEquals("signed by keyless identity release@example.com from https://issuer.example.com (logged at "
                + KeylessKit.T + " in https://log.example.com), 3 files verified", v.message());
    }

    @Test
    void theSignedEntryTimestampAloneIsEnoughWithoutAnInclusionProof() throws Exception {
        KeylessKit.Options o = new KeylessKit.Options();
        o.inclusionProof = false;
        assertTrue(verify(o).ok());
    }

    @Test
    void withoutASignedEntryTimestampTheTimeCannotBeTrusted() throws Exception {
        KeylessKit.Options o = new KeylessKit.Options();
        o.set = false;
        assertFails(verify(o), UNTRUSTED + "it carries no signed entry timestamp (inclusionPromise), so its time cannot "
                + "be trusted offline");
    }

    @Test
    void aHashedRekordEntryIsNotAnOmsEntry() throws Exception {
        KeylessKit.Options o = new KeylessKit.Options();
        o.kind = "hashedrekord";
        assertFails(verify(o), UNTRUSTED + "it is a 'hashedrekord' entry; OMS bundles are logged as dsse");
    }

    @Test
    void aCheckpointForAnotherTreeOrByAnotherKeyFails() throws Exception {
        KeylessKit.Options size = new KeylessKit.Options();
        size.checkpointSize = "8";
        assertFails(verify(size), UNTRUSTED + "its checkpoint names another tree (size 8) than its inclusion proof");
        KeylessKit.Options key = new KeylessKit.Options();
        key.checkpointKey = OmsKit.freshKey().getPrivate();
        assertFails(verify(key), UNTRUSTED + "its checkpoint signature does not verify with the log's key");
    }

    @Test
    void aCertificateNotValidWhenLoggedFails() throws Exception {
        KeylessKit.Options o = new KeylessKit.Options();
        o.certFrom = KeylessKit.T.minusSeconds(1200);
        o.certUntil = KeylessKit.T.minusSeconds(600);
        assertFails(verify(o), "certificate '' expired at " + KeylessKit.T.minusSeconds(600) + " (logged at "
                + KeylessKit.T + ")");
    }

    @Test
    void aCertificateAuthorityOutsideItsWindowIsNotUsed() throws Exception {
        KeylessVerifier late = new KeylessVerifier(SigstoreTrustedRoot.parse(kit.trustedRoot(
                Instant.parse("2026-06-01T00:00:00Z"), null)), List.of(new KeylessVerifier.Identity(KeylessKit.SAN,
                KeylessKit.ISSUER)));
        assertFails(verify(new KeylessKit.Options(), late), "no certificate authority of the trusted root was valid at "
                + KeylessKit.T + ", when the keyless signature was logged");
    }

    @Test
    void identityNeedsBothSanAndIssuer() throws Exception {
        KeylessKit.Options other = new KeylessKit.Options();
        other.san = "intruder@example.com";
        assertFails(verify(other), "the keyless signature is by intruder@example.com from https://issuer.example.com, "
                + "which is not an allowed identity (allowed: release@example.com from https://issuer.example.com)");
        KeylessKit.Options noIssuer = new KeylessKit.Options();
        noIssuer.issuer = null;
        assertFails(verify(noIssuer), "the keyless signature is by release@example.com from (no issuer), which is not "
                + "an allowed identity (allowed: release@example.com from https://issuer.example.com)");
    }

    @Test
    void theLogEntryMustRecordThisPayloadAndSignature() throws Exception {
        KeylessKit.Options payload = new KeylessKit.Options();
        payload.editBody = b -> ((ObjectNode) b.path("spec").path("payloadHash")).put("value", "ab".repeat(32));
        Path dir = model(tmp.resolve("p"));
        kit.sign(dir, payload);
        byte[] signed = OmsBundle.parse(java.nio.file.Files.readAllBytes(dir.resolve("model.sig"))).payload();
        String actual = java.util.HexFormat.of().formatHex(dev.modelgate.integrity.Sha256.newDigest().digest(signed));
        assertFails(SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK).withKeyless(kit.verifier(KeylessKit.SAN,
                KeylessKit.ISSUER)).verify(dir, dir.resolve("model.sig")), "the transparency log entry records another "
                + "payload (sha256 " + "ab".repeat(32) + ") than the bundle's (" + actual + ")");
    }

    @Test
    void aLoggedSignatureThatIsNotThisOneFails() throws Exception {
        KeylessKit.Options o = new KeylessKit.Options();
        o.editBody = b -> ((ObjectNode) b.path("spec").path("signatures").get(0)).put("signature", "AAAA");
        assertFails(verify(o), "the transparency log entry does not record this bundle's signature with its "
                + "certificate");
    }

    @Test
    void aTamperedFileFailsAfterEveryKeylessCheckPasses() throws Exception {
        Path dir = model(tmp.resolve("t"));
        kit.sign(dir, new KeylessKit.Options());
        flipByte(dir.resolve("model.safetensors"), 100);
        SignatureVerification v = SignaturePolicy.ofKeys(List.of(), OmsKit.CLOCK)
                .withKeyless(kit.verifier(KeylessKit.SAN, KeylessKit.ISSUER)).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().contains("model.safetensors: sha256 is"), v::message);
    }

    @Test
    void inclusionProofsCheckAgainstTheTreeDefinitionForEverySizeAndIndex() {
        for (int size = 1; size <= 17; size++) {
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < size; i++) {
                leaves.add(KeylessKit.leafHash(("leaf " + i).getBytes(StandardCharsets.US_ASCII)));
            }
            byte[] root = KeylessKit.treeHash(leaves);
            for (int m = 0; m < size; m++) {
                List<byte[]> path = KeylessKit.auditPath(m, leaves);
                assertArrayEquals(root, RekorEntry.rootFromProof(m, size, leaves.get(m), path), "size " + size + " m " + m);
                byte[] wrongLeaf = KeylessKit.leafHash("intruder".getBytes(StandardCharsets.US_ASCII));
                byte[] r = RekorEntry.rootFromProof(m, size, wrongLeaf, path);
                assertTrue(r == null || !java.util.Arrays.equals(root, r));
            }
            assertNull(RekorEntry.rootFromProof(size, size, leaves.get(0), List.of()), "index past the tree");
        }
    }

    @Test
    void aTrustedRootWithoutLogsOrWithBadTimesIsBadInput() {
        OmsException none = org.junit.jupiter.api.Assertions.assertThrows(OmsException.class, () ->
                SigstoreTrustedRoot.parse("{\"mediaType\": \"application/vnd.dev.sigstore.trustedroot+json;version=0.1\","
                        + " \"tlogs\": [], \"certificateAuthorities\": []}"));
        assertEquals("the Sigstore trusted root lists no transparency logs (tlogs)", none.getMessage());
        OmsException media = org.junit.jupiter.api.Assertions.assertThrows(OmsException.class, () ->
                SigstoreTrustedRoot.parse("{\"mediaType\": \"text/plain\"}"));
        assertEquals("the Sigstore trusted root's mediaType 'text/plain' is not "
                + "application/vnd.dev.sigstore.trustedroot+json", media.getMessage());
    }
}
