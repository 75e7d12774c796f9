package dev.modelgate.cli;

import dev.modelgate.signing.EcKeys;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Run in a child JVM (SoftHSM2 reads SOFTHSM2_CONF from the environment): generates an EC key pair on the token
 * through SunPKCS11 and stores it with a self-signed certificate under a label, as {@code keytool -genkeypair
 * -storetype PKCS11} does; writes the public key PEM. Arguments: CONFIG PIN LABEL CURVE PUB_OUT.
 */
public final class Pkcs11TokenSetup {

    private Pkcs11TokenSetup() {
    }

    public static void main(String[] args) throws Exception {
        Provider p = Security.getProvider("SunPKCS11").configure(args[0]);
        KeyStore ks = KeyStore.getInstance("PKCS11", p);
        ks.load(null, args[1].toCharArray());
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", p);
        g.initialize(new ECGenParameterSpec(args[3]));
        KeyPair kp = g.generateKeyPair();
        Instant now = Instant.now();
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(new JcaX509v3CertificateBuilder(
                new X500Name("CN=" + args[2]), BigInteger.ONE, Date.from(now.minus(1, ChronoUnit.DAYS)),
                Date.from(now.plus(365, ChronoUnit.DAYS)), new X500Name("CN=" + args[2]), kp.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").setProvider(p).build(kp.getPrivate())));
        ks.setKeyEntry(args[2], kp.getPrivate(), null, new Certificate[] {cert});
        Files.writeString(Path.of(args[4]), EcKeys.publicKeyPem(cert.getPublicKey()));
    }
}
