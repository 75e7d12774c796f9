package dev.modelgate.policy;

import dev.modelgate.api.v1alpha1.ModelFile;
import dev.modelgate.api.v1alpha1.ModelSource;
import dev.modelgate.api.v1alpha1.ModelSourceSpec;
import dev.modelgate.api.v1alpha1.ReviewSpec;
import dev.modelgate.api.v1alpha1.SigningKey;
import dev.modelgate.api.v1alpha1.SigningSpec;
import dev.modelgate.api.v1alpha1.TrustedModel;
import dev.modelgate.api.v1alpha1.TrustedModelSpec;
import dev.modelgate.signing.EcKeys;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Sources, models, keys and certificates made in the test, for the policy judges. */
public final class PolicyFixtures {

    public static final String SHA_A = "a".repeat(64);
    public static final String SHA_B = "b".repeat(64);

    private PolicyFixtures() {
    }

    public static ModelSource source(String name, String... urls) {
        ModelSource s = new ModelSource();
        s.setMetadata(new ObjectMetaBuilder().withName(name).build());
        ModelSourceSpec spec = new ModelSourceSpec();
        spec.setUrls(new ArrayList<>(List.of(urls)));
        s.setSpec(spec);
        return s;
    }

    public static ModelSource signingSource(String name, SigningKey... keys) {
        ModelSource s = source(name, "https://models.example.com/" + name + "/");
        SigningSpec signing = new SigningSpec();
        signing.setRequired(true);
        signing.setKeys(new ArrayList<>(List.of(keys)));
        s.getSpec().setSigning(signing);
        return s;
    }

    public static TrustedModel model(String ns, String name, String source, ModelFile... files) {
        TrustedModel tm = new TrustedModel();
        tm.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).withGeneration(1L).build());
        TrustedModelSpec spec = new TrustedModelSpec();
        spec.setSource(source);
        spec.setFiles(new ArrayList<>(List.of(files)));
        tm.setSpec(spec);
        return tm;
    }

    public static ModelFile file(String path, String sha, long size, String url) {
        ModelFile f = new ModelFile(path, sha, size);
        f.setUrl(url);
        return f;
    }

    public static SigningKey ecKey(String name) {
        return new SigningKey(name, EcKeys.publicKeyPem(EcKeys.generate(EcKeys.Curve.P256).getPublic()));
    }

    public static SigningKey rsaKey(String name, int bits) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(bits);
            String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(
                    g.generateKeyPair().getPublic().getEncoded());
            return new SigningKey(name, "-----BEGIN PUBLIC KEY-----\n" + b64 + "\n-----END PUBLIC KEY-----\n");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static ReviewSpec review(String interval, String lastReviewed) {
        ReviewSpec r = new ReviewSpec();
        r.setInterval(interval);
        r.setLastReviewed(lastReviewed);
        return r;
    }

    /** A self-signed CA certificate in PEM, valid between the two instants. */
    public static String caPem(String cn, Instant notBefore, Instant notAfter) {
        try {
            KeyPair kp = EcKeys.generate(EcKeys.Curve.P256);
            X500Name dn = new X500Name("CN=" + cn);
            X509CertificateHolder h = new JcaX509v3CertificateBuilder(dn, BigInteger.valueOf(System.nanoTime()),
                    Date.from(notBefore), Date.from(notAfter), dn, kp.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate()));
            java.io.StringWriter w = new java.io.StringWriter();
            try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
                pw.writeObject(h);
            }
            return w.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
