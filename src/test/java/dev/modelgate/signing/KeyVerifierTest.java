package dev.modelgate.signing;

import static dev.modelgate.integrity.ModelDirs.flipByte;
import static dev.modelgate.integrity.ModelDirs.kinds;
import static dev.modelgate.integrity.ModelDirs.write;
import static dev.modelgate.signing.OmsKit.NOW;
import static dev.modelgate.signing.OmsKit.key;
import static dev.modelgate.signing.OmsKit.model;
import static dev.modelgate.signing.OmsKit.resign;
import static dev.modelgate.signing.OmsKit.resource;
import static dev.modelgate.signing.OmsKit.serialization;
import static dev.modelgate.signing.OmsKit.sign;
import static dev.modelgate.signing.OmsKit.trusted;
import static dev.modelgate.signing.OmsKit.verifier;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelgate.integrity.EngineOptions;
import dev.modelgate.integrity.Outcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Key-based verification on models and keys made here: every behaviour, without ../shared. */
class KeyVerifierTest {

    @TempDir
    Path tmp;

    private Path signedModel(KeyPair kp) throws Exception {
        Path dir = model(tmp.resolve("m"));
        sign(dir, kp.getPrivate());
        return dir;
    }

    private static void assertFails(SignatureVerification v, Outcome outcome, String fragment) {
        assertEquals(outcome, v.outcome(), v::message);
        assertTrue(v.message().contains(fragment), () -> "expected '" + fragment + "' in: " + v.message());
    }

    @ParameterizedTest
    @EnumSource(EcKeys.Curve.class)
    void roundTripFilesOnEveryCurve(EcKeys.Curve curve) throws Exception {
        KeyPair kp = key(curve);
        Path dir = signedModel(kp);
        SignatureVerification v = verifier(trusted("release", kp)).verify(dir, dir.resolve("model.sig"));
        assertTrue(v.ok(), v::message);
        assertEquals("release", v.keyName());
        assertEquals(3, v.statement().resources().size());
        assertEquals(List.of("model.sig"), v.ignored());
        assertTrue(v.message().contains("signed by key 'release'"), v::message);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 8, 4096, 10_000, 1_000_000_000L})
    void roundTripShards(long shardSize) throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        write(dir.resolve("empty.bin"), new byte[0]); // empty files carry no shards
        Path bundle = sign(dir, kp.getPrivate(), OmsSigner.Options.shards(shardSize));
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, bundle);
        assertTrue(v.ok(), v::message);
        assertTrue(v.statement().serialization().shards());
        long expected = (10_000 + shardSize - 1) / shardSize + (14 + shardSize - 1) / shardSize
                + (6 + shardSize - 1) / shardSize;
        assertEquals(expected, v.statement().resources().size());
    }

    @Test
    void shardsDetectAFlippedByteInTheRightRange() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        Path bundle = sign(dir, kp.getPrivate(), OmsSigner.Options.shards(4096));
        flipByte(dir.resolve("model.safetensors"), 5000);
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, bundle);
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertEquals(List.of("digest-mismatch:model.safetensors"), kinds(v.report()));
        assertTrue(v.report().findings().get(0).message().contains("bytes 4096 to 8192"), v::message);
    }

    @Test
    void shardsDetectTruncationExtraAndMissing() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        Path bundle = sign(dir, kp.getPrivate(), OmsSigner.Options.shards(4096));
        Files.write(dir.resolve("model.safetensors"), new byte[9000]);
        Files.delete(dir.resolve("config.json"));
        write(dir.resolve("evil.pt"), new byte[] {1});
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, bundle);
        assertEquals(List.of("missing:config.json", "extra:evil.pt", "size-mismatch:model.safetensors"),
                kinds(v.report()));
    }

    @Test
    void flippedByteFailsAndNamesTheFile() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P384);
        Path dir = signedModel(kp);
        flipByte(dir.resolve("model.safetensors"), 123);
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertEquals("k", v.keyName()); // the signature itself was fine
        assertEquals(List.of("digest-mismatch:model.safetensors"), kinds(v.report()));
        assertTrue(v.message().contains("does not match it"), v::message);
    }

    @Test
    void addedFileFails() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        write(dir.resolve("tokenizer/evil.pkl"), new byte[] {(byte) 0x80, 4});
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig"));
        assertEquals(List.of("extra:tokenizer/evil.pkl"), kinds(v.report()));
    }

    @Test
    void droppedFileFailsWithoutInventingASize() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        Files.delete(dir.resolve("config.json"));
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig"));
        assertEquals(List.of("missing:config.json"), kinds(v.report()));
        assertEquals("config.json: is signed but not in the model directory",
                v.report().findings().get(0).message());
    }

    @Test
    void renamedFileFails() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        Files.move(dir.resolve("config.json"), dir.resolve("config2.json"));
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig"));
        assertEquals(Outcome.VERIFICATION_FAILED, v.outcome());
        assertEquals(List.of("renamed:config.json"), kinds(v.report()));
        assertTrue(v.report().findings().get(0).message().contains("exact bytes are at config2.json"), v::message);
        // A stray that is not the missing file's bytes stays a stray, and the file stays missing.
        Files.writeString(dir.resolve("config2.json"), "something else");
        assertEquals(List.of("missing:config.json", "extra:config2.json"),
                kinds(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")).report()));
    }

    @Test
    void swappedFilesAreTwoDigestMismatches() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        Path a = dir.resolve("config.json");
        Path b = dir.resolve("tokenizer/vocab.txt");
        Path t = dir.resolve("t");
        Files.move(a, t);
        Files.move(b, a);
        Files.move(t, b);
        assertEquals(List.of("digest-mismatch:config.json", "digest-mismatch:tokenizer/vocab.txt"),
                kinds(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")).report()));
    }

    @Test
    void wrongKeyIsAHintMismatch() throws Exception {
        Path dir = signedModel(key(EcKeys.Curve.P256));
        KeyPair other = OmsKit.freshKey();
        SignatureVerification v = verifier(trusted("other", other)).verify(dir, dir.resolve("model.sig"));
        assertFails(v, Outcome.VERIFICATION_FAILED, "which is not a trusted key");
        assertNull(v.keyName());
        assertNull(v.report());
    }

    @Test
    void hintNamingATrustedKeyButSignedByAnotherFails() throws Exception {
        KeyPair signer = key(EcKeys.Curve.P256);
        KeyPair trustedKp = OmsKit.freshKey();
        Path dir = signedModel(signer);
        // The attacker signs with their own key but writes the trusted key's hint.
        OmsKit.edit(dir.resolve("model.sig"), b -> ((ObjectNode) b.path("verificationMaterial").path("publicKey"))
                .put("hint", EcKeys.hint(trustedKp.getPublic())));
        SignatureVerification v = verifier(trusted("t", trustedKp)).verify(dir, dir.resolve("model.sig"));
        assertFails(v, Outcome.VERIFICATION_FAILED, "does not verify with key 't'");
    }

    @Test
    void alteredPayloadFailsTheSignature() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        OmsKit.edit(dir.resolve("model.sig"), b -> {
            ObjectNode env = (ObjectNode) b.path("dsseEnvelope");
            String json = new String(Base64.getDecoder().decode(env.path("payload").asText()), StandardCharsets.UTF_8);
            env.put("payload", Base64.getEncoder().encodeToString(
                    json.replace("\"allow_symlinks\": false", "\"allow_symlinks\": true").getBytes(StandardCharsets.UTF_8)));
        });
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig"));
        assertFails(v, Outcome.VERIFICATION_FAILED, "the statement or the signature was altered");
    }

    @Test
    void signatureThatIsNotDerFailsCleanly() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        OmsKit.edit(dir.resolve("model.sig"), b -> ((ObjectNode) b.path("dsseEnvelope").path("signatures").get(0))
                .put("sig", Base64.getEncoder().encodeToString(new byte[64])));
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "does not verify");
    }

    @Test
    void twoSignaturesInABundleAreRefused() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        OmsKit.edit(dir.resolve("model.sig"), b -> {
            ArrayNode sigs = (ArrayNode) b.path("dsseEnvelope").path("signatures");
            sigs.add(sigs.get(0).deepCopy());
        });
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.BAD_INPUT,
                "has 2 signatures");
    }

    @Test
    void subjectDigestNotMatchingResourcesFails() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        resign(dir.resolve("model.sig"), kp.getPrivate(), st -> ((ObjectNode) st.path("subject").get(0).path("digest"))
                .put("sha256", "0".repeat(64)));
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "inconsistent");
    }

    @ParameterizedTest
    @ValueSource(strings = {"../outside.bin", "/etc/passwd", "a/../../b", "tokenizer/./vocab.txt", "a//b"})
    void resourceNamesOutsideTheModelAreRefused(String name) throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        resign(dir.resolve("model.sig"), kp.getPrivate(), st -> {
            resource(st, 0).put("name", name);
            OmsKit.fixSubject(st);
        });
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.BAD_INPUT, "refused");
    }

    @ParameterizedTest
    @ValueSource(strings = {"md5", "blake3", "SHA256", ""})
    void unknownHashTypeFailsClosed(String hashType) throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        resign(dir.resolve("model.sig"), kp.getPrivate(), st -> serialization(st).put("hash_type", hashType));
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.BAD_INPUT,
                "hash_type '" + hashType + "'");
    }

    @Test
    void unknownMethodAndPredicateTypeFailClosed() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        Path bundle = dir.resolve("model.sig");
        byte[] original = Files.readAllBytes(bundle);
        resign(bundle, kp.getPrivate(), st -> serialization(st).put("method", "chunks"));
        assertFails(verifier(trusted("k", kp)).verify(dir, bundle), Outcome.BAD_INPUT, "method 'chunks' is unknown");
        Files.write(bundle, original);
        resign(bundle, kp.getPrivate(), st -> st.put("predicateType", "https://model_signing/signature/v2.0"));
        assertFails(verifier(trusted("k", kp)).verify(dir, bundle), Outcome.BAD_INPUT, "predicateType");
        Files.write(bundle, original);
        resign(bundle, kp.getPrivate(), st -> serialization(st).put("follow_mounts", true));
        assertFails(verifier(trusted("k", kp)).verify(dir, bundle), Outcome.BAD_INPUT, "unknown field 'follow_mounts'");
        Files.write(bundle, original);
        assertTrue(verifier(trusted("k", kp)).verify(dir, bundle).ok());
    }

    @Test
    void expiredAndNotYetValidKeysAreRefused() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        TrustedKey expired = trusted("old", kp).withWindow(NOW.minus(Duration.ofDays(400)), NOW.minusSeconds(1));
        assertFails(verifier(expired).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "key 'old' expired at");
        TrustedKey future = trusted("next", kp).withWindow(NOW.plusSeconds(1), null);
        assertFails(verifier(future).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "key 'next' is not valid before");
        TrustedKey inside = trusted("now", kp).withWindow(NOW.minusSeconds(1), NOW.plusSeconds(1));
        assertTrue(verifier(inside).verify(dir, dir.resolve("model.sig")).ok());
    }

    @Test
    void revokedKeyIsRefusedWithItsReason() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        TrustedKey revoked = trusted("2024-release", kp).withRevoked("laptop stolen 2025-03-02");
        SignatureVerification v = verifier(revoked).verify(dir, dir.resolve("model.sig"));
        assertFails(v, Outcome.VERIFICATION_FAILED, "key '2024-release' is revoked (laptop stolen 2025-03-02)");
    }

    @Test
    void rotationAcceptsEitherValidKeyAndSaysWhichVerified() throws Exception {
        KeyPair oldKp = key(EcKeys.Curve.P256);
        KeyPair newKp = key(EcKeys.Curve.P384);
        TrustedKey oldKey = trusted("release-2025", oldKp).withWindow(null, NOW.plus(Duration.ofDays(30)));
        TrustedKey newKey = trusted("release-2026", newKp).withWindow(NOW.minus(Duration.ofDays(1)), null);
        Path a = model(tmp.resolve("a"));
        sign(a, oldKp.getPrivate());
        Path b = model(tmp.resolve("b"));
        sign(b, newKp.getPrivate());
        KeyVerifier both = verifier(oldKey, newKey);
        assertEquals("release-2025", both.verify(a, a.resolve("model.sig")).keyName());
        assertEquals("release-2026", both.verify(b, b.resolve("model.sig")).keyName());
        assertTrue(both.verify(a, a.resolve("model.sig")).ok());
        assertTrue(both.verify(b, b.resolve("model.sig")).ok());
        // Later the old key is revoked: its models fail, the new key's still pass.
        KeyVerifier rotated = verifier(oldKey.withRevoked("rotated out"), newKey);
        assertFails(rotated.verify(a, a.resolve("model.sig")), Outcome.VERIFICATION_FAILED, "rotated out");
        assertTrue(rotated.verify(b, b.resolve("model.sig")).ok());
    }

    @Test
    void signerIgnorePathsAreHonouredOnlyWithinThePolicy() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        write(dir.resolve("README.md"), "hello".getBytes(StandardCharsets.UTF_8));
        sign(dir, kp.getPrivate(), OmsSigner.Options.files().withIgnorePaths(List.of("README.md")));
        write(dir.resolve("README.md"), "changed after signing".getBytes(StandardCharsets.UTF_8));
        KeyTrust trust = new KeyTrust(List.of(trusted("k", kp)), OmsKit.CLOCK);
        EngineOptions e = EngineOptions.defaults();
        SignatureVerification all = new KeyVerifier(trust, IgnorePolicy.honourSigner(List.of()), e)
                .verify(dir, dir.resolve("model.sig"));
        assertTrue(all.ok(), all::message);
        assertEquals(List.of("README.md", "model.sig"), all.ignored());
        SignatureVerification listed = new KeyVerifier(trust, new IgnorePolicy(IgnorePolicy.SignerIgnores.LISTED,
                Set.of("README.md"), List.of()), e).verify(dir, dir.resolve("model.sig"));
        assertTrue(listed.ok(), listed::message);
        SignatureVerification notListed = new KeyVerifier(trust, new IgnorePolicy(IgnorePolicy.SignerIgnores.LISTED,
                Set.of("docs"), List.of()), e).verify(dir, dir.resolve("model.sig"));
        assertEquals(List.of("extra:README.md"), kinds(notListed.report()));
        SignatureVerification none = new KeyVerifier(trust, new IgnorePolicy(IgnorePolicy.SignerIgnores.NONE,
                Set.of(), List.of()), e).verify(dir, dir.resolve("model.sig"));
        assertEquals(List.of("extra:README.md"), kinds(none.report()));
        SignatureVerification caller = new KeyVerifier(trust, new IgnorePolicy(IgnorePolicy.SignerIgnores.NONE,
                Set.of(), List.of("README.md")), e).verify(dir, dir.resolve("model.sig"));
        assertTrue(caller.ok(), caller::message);
    }

    @Test
    void anIgnorePathMayNotHideASignedFile() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        resign(dir.resolve("model.sig"), kp.getPrivate(), st -> serialization(st).putArray("ignore_paths")
                .add("tokenizer"));
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.BAD_INPUT,
                "would hide the signed file tokenizer/vocab.txt");
    }

    @Test
    void ignorePathsWithGlobsAreRefused() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        resign(dir.resolve("model.sig"), kp.getPrivate(), st -> serialization(st).putArray("ignore_paths").add("*.pt"));
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.BAD_INPUT,
                "glob character");
    }

    @Test
    void gitMetadataIsLeftOutByDefault() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        write(dir.resolve(".git/HEAD"), "ref: refs/heads/main\n".getBytes(StandardCharsets.UTF_8));
        Path bundle = sign(dir, kp.getPrivate());
        write(dir.resolve(".git/ORIG_HEAD"), "x".getBytes(StandardCharsets.UTF_8));
        write(dir.resolve(".gitattributes"), "*.bin lfs".getBytes(StandardCharsets.UTF_8));
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, bundle);
        assertTrue(v.ok(), v::message);
        assertEquals(List.of(".git", ".gitattributes", "model.sig"), v.ignored());
        // ...but only at the root: a nested .git is an ordinary (unsigned) folder.
        write(dir.resolve("tokenizer/.git/config"), "x".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("extra:tokenizer/.git/config"), kinds(verifier(trusted("k", kp)).verify(dir, bundle)
                .report()));
    }

    @Test
    void bundleOutsideTheModelWorksAndModelSigInsideIsThenAStray() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        Path bundle = tmp.resolve("sigs/m.sig");
        Files.createDirectories(bundle.getParent());
        Files.write(bundle, OmsSigner.sign(OmsSigner.statement(dir, bundle, OmsSigner.Options.files()),
                kp.getPrivate()));
        assertTrue(verifier(trusted("k", kp)).verify(dir, bundle).ok());
        Files.copy(bundle, dir.resolve("model.sig"));
        assertEquals(List.of("extra:model.sig"), kinds(verifier(trusted("k", kp)).verify(dir, bundle).report()));
    }

    @Test
    void symlinkRefusedWhenSignedWithoutLinks() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        Files.delete(dir.resolve("config.json"));
        Files.createSymbolicLink(dir.resolve("config.json"), dir.resolve("tokenizer/vocab.txt"));
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "config.json: is a symbolic link");
    }

    @Test
    void signingWithLinksRecordsThemAndVerifies() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        Files.createSymbolicLink(dir.resolve("latest.safetensors"), Path.of("model.safetensors"));
        Path bundle = dir.resolve("model.sig");
        OmsException refused = org.junit.jupiter.api.Assertions.assertThrows(OmsException.class,
                () -> OmsSigner.statement(dir, bundle, OmsSigner.Options.files()));
        assertTrue(refused.getMessage().contains("latest.safetensors is a symbolic link"), refused::getMessage);
        sign(dir, kp.getPrivate(), OmsSigner.Options.files().withAllowSymlinks(true));
        SignatureVerification v = verifier(trusted("k", kp)).verify(dir, bundle);
        assertTrue(v.ok(), v::message);
        assertTrue(v.statement().serialization().allowSymlinks());
    }

    @Test
    void rawBytesFormInPemAndDerAndEveryKeyIdForm() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P384);
        Path dir = signedModel(kp);
        Path bundle = dir.resolve("model.sig");
        byte[] original = Files.readAllBytes(bundle);
        for (byte[] raw : List.of(EcKeys.publicKeyPem(kp.getPublic()).getBytes(StandardCharsets.US_ASCII),
                kp.getPublic().getEncoded())) {
            Files.write(bundle, original);
            OmsKit.edit(bundle, b -> {
                ObjectNode pk = ((ObjectNode) b.path("verificationMaterial")).putObject("publicKey");
                pk.put("rawBytes", Base64.getEncoder().encodeToString(raw));
                pk.put("keyDetails", "PKIX_ECDSA_P384_SHA_384");
                ((ObjectNode) b.path("verificationMaterial")).remove("tlogEntries");
                ((ObjectNode) b.path("dsseEnvelope").path("signatures").get(0)).putNull("keyid");
            });
            SignatureVerification v = verifier(trusted("k", kp)).verify(dir, bundle);
            assertTrue(v.ok(), v::message);
        }
        OmsKit.edit(bundle, b -> ((ObjectNode) b.path("dsseEnvelope").path("signatures").get(0)).remove("keyid"));
        assertTrue(verifier(trusted("k", kp)).verify(dir, bundle).ok());
        OmsKit.edit(bundle, b -> ((ObjectNode) b.path("verificationMaterial").path("publicKey"))
                .put("keyDetails", "PKIX_ECDSA_P256_SHA_256"));
        assertFails(verifier(trusted("k", kp)).verify(dir, bundle), Outcome.BAD_INPUT, "keyDetails");
        // rawBytes carrying another key: refused even though a trusted key was given.
        OmsKit.edit(bundle, b -> ((ObjectNode) b.path("verificationMaterial").path("publicKey"))
                .put("keyDetails", "PKIX_ECDSA_P256_SHA_256").put("rawBytes", Base64.getEncoder().encodeToString(
                        OmsKit.freshKey().getPublic().getEncoded())));
        assertFails(verifier(trusted("k", kp)).verify(dir, bundle), Outcome.VERIFICATION_FAILED, "not a trusted key");
    }

    @Test
    void singleFileModel() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        Path file = dir.resolve("model.safetensors");
        OmsStatement st = OmsStatement.of("model.safetensors", new OmsStatement.Serialization("files", "sha256",
                false, null, null), List.of(OmsStatement.Resource.file(".", "sha256",
                        dev.modelgate.integrity.ModelDirs.manifestOf(dir).get("model.safetensors").get().sha256())));
        Path bundle = tmp.resolve("file.sig");
        Files.write(bundle, OmsSigner.sign(st, kp.getPrivate()));
        assertTrue(verifier(trusted("k", kp)).verify(file, bundle).ok());
        flipByte(file, 1);
        SignatureVerification v = verifier(trusted("k", kp)).verify(file, bundle);
        assertEquals(List.of("digest-mismatch:model.safetensors"), kinds(v.report()));
        // The same bundle against the directory: a single-file signature never covers a directory.
        assertFails(verifier(trusted("k", kp)).verify(dir, bundle), Outcome.VERIFICATION_FAILED, "single-file");
    }

    @Test
    void aFifoAsBundleIsNeverOpenedAndAHardLinkedSingleFileIsRefused() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        Path fifo = tmp.resolve("fifo.sig");
        try {
            new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor();
        } catch (java.io.IOException e) {
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "mkfifo is not available");
        }
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.exists(fifo), "mkfifo did not create a FIFO");
        SignatureVerification v = org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> verifier(trusted("k", kp)).verify(dir, fifo));
        assertFails(v, Outcome.BAD_INPUT, "is not a regular file");
        Path file = dir.resolve("config.json");
        OmsStatement st = OmsStatement.of("config.json", new OmsStatement.Serialization("files", "sha256", false,
                null, null), List.of(OmsStatement.Resource.file(".", "sha256",
                        dev.modelgate.integrity.ModelDirs.manifestOf(dir).get("config.json").get().sha256())));
        Path bundle = tmp.resolve("file.sig");
        Files.write(bundle, OmsSigner.sign(st, kp.getPrivate()));
        assertTrue(verifier(trusted("k", kp)).verify(file, bundle).ok());
        Files.createLink(tmp.resolve("other-name.json"), file);
        assertFails(verifier(trusted("k", kp)).verify(file, bundle), Outcome.VERIFICATION_FAILED, "is a hard link");
    }

    @Test
    void missingAndUnreadableBundles() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = model(tmp.resolve("m"));
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "the model is not signed");
        assertFails(verifier(trusted("k", kp)).verify(dir, "{".getBytes(StandardCharsets.UTF_8), null),
                Outcome.BAD_INPUT, "not valid JSON");
    }

    @Test
    void signingAnEmptyModelIsRefused() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("empty"));
        write(dir.resolve(".git/HEAD"), new byte[] {1});
        OmsException e = org.junit.jupiter.api.Assertions.assertThrows(OmsException.class,
                () -> OmsSigner.statement(dir, dir.resolve("model.sig"), OmsSigner.Options.files()));
        assertEquals(Outcome.BAD_INPUT, e.outcome());
    }

    @Test
    void aCertificateBundleIsRefusedByAPolicyThatTrustsOnlyKeys() throws Exception {
        KeyPair kp = key(EcKeys.Curve.P256);
        Path dir = signedModel(kp);
        OmsKit.edit(dir.resolve("model.sig"), b -> {
            ObjectNode vm = ((ObjectNode) b.path("verificationMaterial"));
            vm.remove("publicKey");
            vm.putObject("x509CertificateChain").putArray("certificates").addObject().put("rawBytes", "AAAA");
        });
        assertFails(verifier(trusted("k", kp)).verify(dir, dir.resolve("model.sig")), Outcome.VERIFICATION_FAILED,
                "the bundle is signed with an X.509 certificate chain, but the policy trusts no certificate roots "
                        + "(it trusts 1 key)");
    }
}
