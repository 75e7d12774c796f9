package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.integrity.ModelDirs.manifestOf;
import static dev.modelgate.signing.OmsKit.model;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.ManifestEntry;
import dev.modelgate.integrity.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * model_signing v0.2 bundles ({@code https://model_signing/Digests/v0.1}, signed over Python's repr of the payload
 * with SHA-256): made here, accepted only behind the switch, and still checked file by file.
 */
class LegacyV02Test {

    @TempDir
    Path tmp;

    private static String repr(byte[] b) {
        StringBuilder s = new StringBuilder();
        Dsse.pythonBytesRepr(b, s);
        return s.toString();
    }

    @Test
    void pythonReprOfBytesAsCPythonWritesIt() {
        // Expected values printed by CPython 3 for repr() of the same bytes.
        assertEquals("b\"a'b\"", repr("a'b".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("b'a\\'b\"c'", repr("a'b\"c".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("b'\\n\\t\\r\\x00\\x7f\\xff\\\\ ok'", repr(new byte[] {'\n', '\t', '\r', 0, 0x7f, (byte) 0xff,
                '\\', ' ', 'o', 'k'}));
        assertEquals("b'{\"k\": \"v\"}'", repr("{\"k\": \"v\"}".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void theLegacyEncodingDiffersFromDssePae() {
        byte[] payload = "{}\n".getBytes(StandardCharsets.US_ASCII);
        assertEquals("DSSEV1 28 application/vnd.in-toto+json 3 b'{}\\n'",
                new String(Dsse.legacyV02Pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload), StandardCharsets.UTF_8));
        assertEquals("DSSEv1 28 application/vnd.in-toto+json 3 {}\n",
                new String(Dsse.pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload), StandardCharsets.UTF_8));
    }

    /** Writes DIR/model.sig as model_signing v0.2 did: every file a subject, the quirky encoding, SHA-256. */
    private static void signV02(Path dir, KeyPair kp) throws Exception {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode st = f.objectNode();
        st.put("_type", OmsStatement.STATEMENT_TYPE);
        ArrayNode subjects = st.putArray("subject");
        for (ManifestEntry e : manifestOf(dir).entries()) {
            ObjectNode s = subjects.addObject();
            s.put("name", e.path());
            s.putObject("digest").put("sha256", e.sha256());
            s.putObject("annotations").put("actual_hash_algorithm", "file-sha256");
        }
        st.put("predicateType", OmsStatement.LEGACY_PREDICATE_TYPE);
        st.putObject("predicate").put("unused", "Unused, just passed due to API requirements");
        byte[] payload = OmsJson.write(st).getBytes(StandardCharsets.UTF_8);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(kp.getPrivate());
        s.update(Dsse.legacyV02Pae(Dsse.IN_TOTO_PAYLOAD_TYPE, payload));
        Files.write(dir.resolve("model.sig"), OmsSigner.bundle(payload, s.sign(), EcKeys.hint(kp.getPublic())));
    }

    private static SignaturePolicy policy(KeyPair kp) {
        return SignaturePolicy.ofKeys(List.of(TrustedKey.of("legacy", kp.getPublic())), OmsKit.CLOCK);
    }

    @Test
    void refusedWithoutTheSwitchAndValidWithIt() throws Exception {
        KeyPair kp = OmsKit.key(EcKeys.Curve.P384);
        Path dir = model(tmp.resolve("m"));
        signV02(dir, kp);
        SignatureVerification off = policy(kp).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.BAD_INPUT, off.outcome());
        assertEquals("the bundle uses the model_signing v0.2 format (https://model_signing/Digests/v0.1, signed over a "
                + "malformed DSSE encoding); it is accepted only with the legacy switch (--legacy-v0.2), so re-sign "
                + "the model with a current signer", off.message());
        SignatureVerification on = policy(kp).withLegacyV02(true).verify(dir, dir.resolve("model.sig"));
        assertTrue(on.ok(), on::message);
        assertEquals("signed by key 'legacy' (" + EcKeys.hint(kp.getPublic()).substring(0, 16) + "…), 3 files verified",
                on.message());
    }

    @Test
    void theSwitchStillChecksSignatureAndFiles() throws Exception {
        KeyPair kp = OmsKit.key(EcKeys.Curve.P384);
        Path dir = model(tmp.resolve("m"));
        signV02(dir, kp);
        flipByte(dir.resolve("config.json"), 1);
        SignatureVerification v = policy(kp).withLegacyV02(true).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertTrue(v.message().contains("config.json: sha256 is"), v::message);

        Path other = model(tmp.resolve("o"));
        signV02(other, OmsKit.freshKey());
        OmsKit.edit(other.resolve("model.sig"), b -> ((ObjectNode) b.path("verificationMaterial").path("publicKey"))
                .put("hint", EcKeys.hint(kp.getPublic())));
        SignatureVerification forged = policy(kp).withLegacyV02(true).verify(other, other.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, forged.outcome());
        assertEquals("the signature does not verify with key 'legacy' that the bundle names: the statement or the "
                + "signature was altered", forged.message());
    }

    @Test
    void aStandardEncodingSignatureOverAV02StatementIsNotAccepted() throws Exception {
        // The switch accepts the v0.2 encoding only; a v0.2 statement signed over the DSSE PAE does not verify.
        KeyPair kp = OmsKit.key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        signV02(dir, kp);
        OmsKit.resign(dir.resolve("model.sig"), kp.getPrivate(), st -> { });
        SignatureVerification v = policy(kp).withLegacyV02(true).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome(), v::message);
    }
}
