package dev.modelgate.signing;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Certificate chains made in the test with Bouncy Castle: roots, intermediates and leaves with chosen flaws. */
final class CertificateKit {

    private static final AtomicLong SERIAL = new AtomicLong(1000);

    /** A certificate and its key pair. */
    record Issued(X509Certificate cert, KeyPair key) {
    }

    /** What a leaf looks like; the defaults make a good code-signing certificate valid around {@link OmsKit#NOW}. */
    record Leaf(String subject, Instant notBefore, Instant notAfter, KeyPurposeId eku, boolean digitalSignature,
            List<String> emailSans) {
        static Leaf good(String subject) {
            return new Leaf(subject, OmsKit.NOW.minus(30, ChronoUnit.DAYS), OmsKit.NOW.plus(365, ChronoUnit.DAYS),
                    KeyPurposeId.id_kp_codeSigning, true, List.of());
        }

        Leaf valid(Instant from, Instant until) {
            return new Leaf(subject, from, until, eku, digitalSignature, emailSans);
        }

        Leaf eku(KeyPurposeId value) {
            return new Leaf(subject, notBefore, notAfter, value, digitalSignature, emailSans);
        }

        Leaf noDigitalSignature() {
            return new Leaf(subject, notBefore, notAfter, eku, false, emailSans);
        }

        Leaf emails(String... sans) {
            return new Leaf(subject, notBefore, notAfter, eku, digitalSignature, List.of(sans));
        }
    }

    private CertificateKit() {
    }

    static Issued root(String dn) throws Exception {
        KeyPair kp = EcKeys.generate(EcKeys.Curve.P256);
        return new Issued(ca(dn, kp, dn, kp), kp);
    }

    static Issued intermediate(Issued parent, String dn) throws Exception {
        KeyPair kp = EcKeys.generate(EcKeys.Curve.P256);
        return new Issued(ca(dn, kp, X509.subject(parent.cert()), parent.key()), kp);
    }

    private static X509Certificate ca(String dn, KeyPair kp, String issuer, KeyPair issuerKey) throws Exception {
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name(issuer),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(OmsKit.NOW.minus(3650, ChronoUnit.DAYS)),
                Date.from(OmsKit.NOW.plus(3650, ChronoUnit.DAYS)), name(dn), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return sign(b, issuerKey);
    }

    static Issued leaf(Issued parent, Leaf l, EcKeys.Curve curve) throws Exception {
        KeyPair kp = OmsKit.key(curve);
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(X500Name.getInstance(parent.cert().getSubjectX500Principal().getEncoded()),
                BigInteger.valueOf(SERIAL.incrementAndGet()), Date.from(l.notBefore()), Date.from(l.notAfter()),
                name(l.subject()), kp.getPublic());
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(l.digitalSignature() ? KeyUsage.digitalSignature
                : KeyUsage.keyEncipherment));
        if (l.eku() != null) {
            b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(l.eku()));
        }
        if (!l.emailSans().isEmpty()) {
            GeneralName[] names = l.emailSans().stream().map(e -> new GeneralName(GeneralName.rfc822Name, e))
                    .toArray(GeneralName[]::new);
            b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }
        return new Issued(sign(b, parent.key()), kp);
    }

    /** Encoded as the JDK encodes an RFC 2253 name, so names print back as written. */
    private static X500Name name(String dn) {
        return X500Name.getInstance(new javax.security.auth.x500.X500Principal(dn).getEncoded());
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair issuerKey) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey.getPrivate())));
    }

    /** Signs {@code dir} (DIR/model.sig) with the leaf's key and writes a chain bundle: leaf, then {@code rest}. */
    static java.nio.file.Path signWithChain(java.nio.file.Path dir, Issued leaf, X509Certificate... rest)
            throws Exception {
        java.nio.file.Path bundle = dir.resolve("model.sig");
        OmsStatement st = OmsSigner.statement(dir, bundle, OmsSigner.Options.files());
        byte[] keyBundle = OmsSigner.sign(st, leaf.key().getPrivate());
        OmsBundle parsed = OmsBundle.parse(keyBundle);
        List<X509Certificate> chain = new java.util.ArrayList<>();
        chain.add(leaf.cert());
        chain.addAll(List.of(rest));
        java.nio.file.Files.write(bundle, OmsSigner.certificateBundle(parsed.payload(), parsed.signature(), chain));
        return bundle;
    }
}
