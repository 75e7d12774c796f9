package dev.modelgate.signing;

import dev.modelgate.integrity.Sha256;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8DecryptorProviderBuilder;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMDecryptorProviderBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.OutputEncryptor;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;
import org.bouncycastle.pkcs.PKCSException;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * ECDSA keys as OMS uses them: P-256, P-384 and P-521, PEM on disk, the JDK (SunEC) for the arithmetic and
 * Bouncy Castle only for PEM and PKCS#8 encryption (an unregistered provider instance, so the JDK stays the
 * default everywhere else).
 */
public final class EcKeys {

    /** A supported curve, with the signature hash OMS pairs with it and the Sigstore key details name. */
    public enum Curve {
        P256("secp256r1", "SHA256withECDSA", "PKIX_ECDSA_P256_SHA_256", 256),
        P384("secp384r1", "SHA384withECDSA", "PKIX_ECDSA_P384_SHA_384", 384),
        P521("secp521r1", "SHA512withECDSA", "PKIX_ECDSA_P521_SHA_512", 521);

        private final String stdName;
        private final String jcaSignature;
        private final String keyDetails;
        private final int bits;

        Curve(String stdName, String jcaSignature, String keyDetails, int bits) {
            this.stdName = stdName;
            this.jcaSignature = jcaSignature;
            this.keyDetails = keyDetails;
            this.bits = bits;
        }

        public String stdName() {
            return stdName;
        }

        /** The JCA signature algorithm: the hash is chosen by the curve (SHA-256/384/512). */
        public String jcaSignature() {
            return jcaSignature;
        }

        public String keyDetails() {
            return keyDetails;
        }

        /** "P-256" etc. */
        public String displayName() {
            return "P-" + bits;
        }

        /** Parses p256, P-256, secp256r1 and the like. */
        public static Curve parse(String s) {
            String n = s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
            for (Curve c : values()) {
                if (n.equals("p" + c.bits) || n.equals(c.stdName) || (c == P256 && n.equals("prime256v1"))) {
                    return c;
                }
            }
            throw new IllegalArgumentException("curve '" + s + "' is not supported (P-256, P-384 or P-521)");
        }
    }

    private static final BouncyCastleProvider BC = new BouncyCastleProvider();

    /** PBKDF2 iterations for new encrypted keys (OWASP 2023 guidance for PBKDF2-HMAC-SHA256). */
    public static final int PBKDF2_ITERATIONS = 600_000;

    private EcKeys() {
    }

    public static KeyPair generate(Curve curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve.stdName()));
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot generate " + curve.displayName() + " keys", e);
        }
    }

    /** The curve of {@code key}; throws {@link OmsException} (bad input) for anything OMS does not allow. */
    public static Curve curve(PublicKey key) throws OmsException {
        if (!(key instanceof ECPublicKey ec)) {
            throw OmsException.badInput("the key is " + key.getAlgorithm() + ", not an ECDSA key (P-256, P-384, P-521)");
        }
        return curve(ec.getParams());
    }

    static Curve curve(ECParameterSpec params) throws OmsException {
        for (Curve c : Curve.values()) {
            if (sameCurve(params, c)) {
                return c;
            }
        }
        throw OmsException.badInput("the ECDSA key is on a curve OMS does not allow (only P-256, P-384, P-521)");
    }

    private static boolean sameCurve(ECParameterSpec p, Curve c) {
        ECParameterSpec ref = params(c);
        return ref.getCurve().equals(p.getCurve()) && ref.getGenerator().equals(p.getGenerator())
                && ref.getOrder().equals(p.getOrder()) && ref.getCofactor() == p.getCofactor();
    }

    static ECParameterSpec params(Curve c) {
        try {
            java.security.AlgorithmParameters ap = java.security.AlgorithmParameters.getInstance("EC");
            ap.init(new ECGenParameterSpec(c.stdName()));
            return ap.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM does not know " + c.stdName(), e);
        }
    }

    // ---- public keys ----

    /**
     * Reads one PEM public key (BEGIN PUBLIC KEY); text before the PEM block (certtool output) is skipped.
     * Returns a JDK key; only ECDSA P-256/P-384/P-521 are accepted.
     */
    public static PublicKey readPublicKeyPem(String pem) throws OmsException {
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException | RuntimeException e) {
            throw OmsException.badInput("the public key is not valid PEM: " + e.getMessage());
        }
        if (o == null) {
            throw OmsException.badInput("no PEM public key found (expected -----BEGIN PUBLIC KEY-----)");
        }
        if (!(o instanceof SubjectPublicKeyInfo spki)) {
            throw OmsException.badInput("the PEM block is a " + o.getClass().getSimpleName()
                    + ", not a public key (-----BEGIN PUBLIC KEY-----)");
        }
        try {
            return fromDer(spki.getEncoded());
        } catch (IOException e) {
            throw OmsException.badInput("the public key cannot be encoded: " + e.getMessage());
        }
    }

    /** A public key from DER SubjectPublicKeyInfo, or from PEM text when the bytes are PEM. */
    public static PublicKey readPublicKey(byte[] derOrPem) throws OmsException {
        String head = new String(derOrPem, 0, Math.min(derOrPem.length, 64), StandardCharsets.US_ASCII);
        if (head.contains("-----BEGIN")) {
            return readPublicKeyPem(new String(derOrPem, StandardCharsets.US_ASCII));
        }
        return fromDer(derOrPem);
    }

    private static PublicKey fromDer(byte[] der) throws OmsException {
        PublicKey key;
        try {
            key = KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw OmsException.badInput("the public key is not an ECDSA key this verifier accepts ("
                    + e.getMessage() + ")");
        }
        curve(key);
        return key;
    }

    /**
     * The PEM the reference implementation hashes for {@code publicKey.hint}: SubjectPublicKeyInfo with a named
     * curve and an uncompressed point, base64 in 64-character lines, {@code \n} endings, a trailing newline.
     */
    public static String publicKeyPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    /** {@code publicKey.hint}: hex SHA-256 of {@link #publicKeyPem}. Not the SHA-256 of the DER. */
    public static String hint(PublicKey key) {
        return HexFormat.of().formatHex(Sha256.newDigest().digest(publicKeyPem(key).getBytes(StandardCharsets.US_ASCII)));
    }

    /** Whether two keys are the same point on the same curve. */
    public static boolean sameKey(PublicKey a, PublicKey b) {
        return java.util.Arrays.equals(a.getEncoded(), b.getEncoded());
    }

    static String pem(String type, byte[] der) {
        String b64 = Base64.getEncoder().encodeToString(der);
        StringBuilder s = new StringBuilder("-----BEGIN ").append(type).append("-----\n");
        for (int i = 0; i < b64.length(); i += 64) {
            s.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        return s.append("-----END ").append(type).append("-----\n").toString();
    }

    // ---- private keys ----

    /** The public half of an EC private key (the JDK does not expose it): d·G, with Bouncy Castle's arithmetic. */
    public static PublicKey publicOf(PrivateKey key) throws OmsException {
        if (!(key instanceof ECPrivateKey ec)) {
            throw OmsException.badInput("the private key is " + key.getAlgorithm() + ", not ECDSA");
        }
        Curve c = curve(ec.getParams());
        try {
            org.bouncycastle.asn1.x9.X9ECParameters x9 = org.bouncycastle.asn1.x9.ECNamedCurveTable.getByName(
                    c.stdName());
            org.bouncycastle.math.ec.ECPoint q = x9.getG().multiply(ec.getS()).normalize();
            java.security.spec.ECPoint w = new java.security.spec.ECPoint(q.getAffineXCoord().toBigInteger(),
                    q.getAffineYCoord().toBigInteger());
            return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, ec.getParams()));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw OmsException.badInput("cannot derive the public key from the private key: " + e.getMessage());
        }
    }

    /** Whether the PEM holds an encrypted private key (so a passphrase is needed). */
    public static boolean isEncrypted(String pem) {
        return pem.contains("BEGIN ENCRYPTED PRIVATE KEY") || pem.contains("Proc-Type: 4,ENCRYPTED");
    }

    /**
     * Reads a PEM private key: PKCS#8 (plain or encrypted) or SEC1 ({@code EC PRIVATE KEY}, plain or
     * OpenSSL-encrypted). {@code passphrase} may be null for unencrypted keys.
     */
    public static PrivateKey readPrivateKeyPem(String pem, char[] passphrase) throws OmsException {
        Object o;
        try (PEMParser p = new PEMParser(new StringReader(pem))) {
            o = p.readObject();
        } catch (IOException | RuntimeException e) {
            throw OmsException.badInput("the private key is not valid PEM: " + e.getMessage());
        }
        if (o == null) {
            throw OmsException.badInput("no PEM private key found");
        }
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        PrivateKey key;
        try {
            if (o instanceof PKCS8EncryptedPrivateKeyInfo enc) {
                requirePassphrase(passphrase);
                key = conv.getPrivateKey(enc.decryptPrivateKeyInfo(
                        new JceOpenSSLPKCS8DecryptorProviderBuilder().setProvider(BC).build(passphrase)));
            } else if (o instanceof PEMEncryptedKeyPair enc) {
                requirePassphrase(passphrase);
                key = conv.getKeyPair(enc.decryptKeyPair(new JcePEMDecryptorProviderBuilder().setProvider(BC)
                        .build(passphrase))).getPrivate();
            } else if (o instanceof PEMKeyPair kp) {
                key = conv.getKeyPair(kp).getPrivate();
            } else if (o instanceof PrivateKeyInfo info) {
                key = conv.getPrivateKey(info);
            } else {
                throw OmsException.badInput("the PEM block is a " + o.getClass().getSimpleName()
                        + ", not a private key");
            }
        } catch (PKCSException | org.bouncycastle.openssl.EncryptionException e) {
            throw OmsException.badInput("cannot decrypt the private key: wrong passphrase?");
        } catch (OperatorCreationException | IOException | RuntimeException e) {
            throw OmsException.badInput("cannot read the private key: " + e.getMessage());
        }
        publicOf(key); // curve check
        return key;
    }

    private static void requirePassphrase(char[] passphrase) throws OmsException {
        if (passphrase == null || passphrase.length == 0) {
            throw OmsException.badInput("the private key is encrypted; give its passphrase");
        }
    }

    /** PKCS#8 PEM, encrypted (PBES2: PBKDF2-HMAC-SHA256, AES-256-CBC) when {@code passphrase} is not null. */
    public static String privateKeyPem(PrivateKey key, char[] passphrase, int iterations) {
        try {
            OutputEncryptor enc = null;
            if (passphrase != null) {
                enc = new JceOpenSSLPKCS8EncryptorBuilder(org.bouncycastle.openssl.PKCS8Generator.AES_256_CBC)
                        .setProvider(BC)
                        .setPRF(org.bouncycastle.openssl.PKCS8Generator.PRF_HMACSHA256)
                        .setIterationCount(iterations)
                        .setPassword(passphrase)
                        .build();
            }
            PemObject obj = new JcaPKCS8Generator(key, enc).generate();
            StringWriter w = new StringWriter();
            try (PemWriter pw = new PemWriter(w)) {
                pw.writeObject(obj);
            }
            return w.toString().replace("\r\n", "\n");
        } catch (OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot encode the private key: " + e.getMessage(), e);
        }
    }
}
