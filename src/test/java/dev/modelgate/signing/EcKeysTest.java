package dev.modelgate.signing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.integrity.Sha256;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Keys: PEM in and out, the hint, encrypted private keys, and the curves OMS allows. */
class EcKeysTest {

    @Test
    void hintIsTheSha256OfThePemNotOfTheDer() throws Exception {
        KeyPair kp = OmsKit.key(EcKeys.Curve.P256);
        String pem = EcKeys.publicKeyPem(kp.getPublic());
        assertTrue(pem.startsWith("-----BEGIN PUBLIC KEY-----\n") && pem.endsWith("-----END PUBLIC KEY-----\n"));
        assertTrue(pem.lines().allMatch(l -> l.length() <= 64));
        String hint = EcKeys.hint(kp.getPublic());
        assertEquals(HexFormat.of().formatHex(Sha256.newDigest().digest(pem.getBytes())), hint);
        assertNotEquals(HexFormat.of().formatHex(Sha256.newDigest().digest(kp.getPublic().getEncoded())), hint);
        // Text before the PEM block (certtool output) is skipped; the hint is of the re-encoded key.
        assertEquals(hint, EcKeys.hint(EcKeys.readPublicKeyPem("Public Key Info:\n\tAlgorithm: EC\n" + pem)));
    }

    @Test
    void encryptedPrivateKeyRoundTripAndWrongPassphrase() throws Exception {
        KeyPair kp = OmsKit.key(EcKeys.Curve.P384);
        String pem = EcKeys.privateKeyPem(kp.getPrivate(), "correct horse".toCharArray(), 1000);
        assertTrue(pem.startsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), pem);
        assertTrue(EcKeys.isEncrypted(pem));
        PrivateKey back = EcKeys.readPrivateKeyPem(pem, "correct horse".toCharArray());
        assertEquals(EcKeys.hint(kp.getPublic()), EcKeys.hint(EcKeys.publicOf(back)));
        OmsException wrong = assertThrows(OmsException.class,
                () -> EcKeys.readPrivateKeyPem(pem, "wrong".toCharArray()));
        assertTrue(wrong.getMessage().contains("wrong passphrase"), wrong::getMessage);
        assertTrue(assertThrows(OmsException.class, () -> EcKeys.readPrivateKeyPem(pem, null)).getMessage()
                .contains("encrypted"));
        String plain = EcKeys.privateKeyPem(kp.getPrivate(), null, 0);
        assertTrue(plain.startsWith("-----BEGIN PRIVATE KEY-----"), plain);
        assertEquals(EcKeys.hint(kp.getPublic()), EcKeys.hint(EcKeys.publicOf(EcKeys.readPrivateKeyPem(plain, null))));
    }

    @Test
    void publicOfMatchesOnEveryCurve() throws Exception {
        for (EcKeys.Curve c : EcKeys.Curve.values()) {
            KeyPair kp = OmsKit.key(c);
            assertTrue(EcKeys.sameKey(kp.getPublic(), EcKeys.publicOf(kp.getPrivate())), c::name);
            assertEquals(c, EcKeys.curve(kp.getPublic()));
        }
    }

    @Test
    void otherKeyTypesAndCurvesAreRefused() throws Exception {
        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        String rsaPem = EcKeys.pem("PUBLIC KEY", rsa.generateKeyPair().getPublic().getEncoded());
        assertTrue(assertThrows(OmsException.class, () -> EcKeys.readPublicKeyPem(rsaPem)).getMessage()
                .contains("not an ECDSA key"));
        assertThrows(OmsException.class, () -> EcKeys.readPublicKeyPem("no pem here"));
        assertThrows(OmsException.class, () -> EcKeys.readPublicKeyPem(
                EcKeys.privateKeyPem(OmsKit.key(EcKeys.Curve.P256).getPrivate(), null, 0)));
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", new org.bouncycastle.jce.provider.BouncyCastleProvider());
        g.initialize(new ECGenParameterSpec("secp256k1"));
        String k1 = EcKeys.pem("PUBLIC KEY", g.generateKeyPair().getPublic().getEncoded());
        assertThrows(OmsException.class, () -> EcKeys.readPublicKeyPem(k1));
        assertThrows(IllegalArgumentException.class, () -> EcKeys.Curve.parse("p192"));
        assertEquals(EcKeys.Curve.P384, EcKeys.Curve.parse("P-384"));
    }

    @Test
    void trustedKeyFromTheCustomResource() throws Exception {
        KeyPair kp = OmsKit.key(EcKeys.Curve.P256);
        SigningKey k = new SigningKey("release", EcKeys.publicKeyPem(kp.getPublic()));
        k.setNotBefore("2026-01-01T00:00:00Z");
        k.setNotAfter("2026-12-31T23:59:59+01:00");
        TrustedKey t = TrustedKey.fromApi(k);
        assertEquals(Instant.parse("2026-12-31T22:59:59Z"), t.notAfter());
        assertTrue(t.problemAt(OmsKit.NOW).isEmpty());
        assertTrue(t.problemAt(Instant.parse("2025-12-31T23:59:59Z")).isPresent());
        k.setRevoked(true);
        k.setReason("compromised");
        assertEquals("key 'release' is revoked (compromised)", TrustedKey.fromApi(k).problemAt(OmsKit.NOW).get());
        k.setNotAfter("next year");
        assertTrue(assertThrows(OmsException.class, () -> TrustedKey.fromApi(k)).getMessage().contains("notAfter"));
        dev.modelgate.api.v1alpha1.SigningSpec spec = new dev.modelgate.api.v1alpha1.SigningSpec();
        assertThrows(OmsException.class, () -> KeyTrust.fromSpec(spec, OmsKit.CLOCK));
        k.setNotAfter(null);
        SigningKey other = new SigningKey("next", EcKeys.publicKeyPem(OmsKit.key(EcKeys.Curve.P384).getPublic()));
        spec.setKeys(java.util.List.of(k, other));
        KeyTrust trust = KeyTrust.fromSpec(spec, OmsKit.CLOCK);
        assertEquals(java.util.List.of("release", "next"), trust.keys().stream().map(TrustedKey::name).toList());
        assertTrue(trust.keys().get(0).revoked());
        spec.setKeys(java.util.List.of(k, k));
        assertTrue(assertThrows(OmsException.class, () -> KeyTrust.fromSpec(spec, OmsKit.CLOCK)).getMessage()
                .contains("used twice"));
        k.setPublicKey("garbage");
        assertTrue(assertThrows(OmsException.class, () -> TrustedKey.fromApi(k)).getMessage()
                .contains("signing key 'release'"));
    }
}
