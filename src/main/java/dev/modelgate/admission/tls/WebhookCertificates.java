package dev.modelgate.admission.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The webhook's own small PKI, used when cert-manager is not: a CA whose certificate goes into the webhook
 * configurations' {@code caBundle}, and a serving certificate for the webhook Service's DNS names.
 *
 * <p>Keys are ECDSA P-256 from the JDK; Bouncy Castle only builds and encodes the certificates (it is never
 * registered as a provider). The CA outlives the serving certificate so the serving certificate can be renewed
 * without touching {@code caBundle}; when the CA itself is renewed, the previous CA stays in the bundle until it
 * expires, so API servers holding either bundle keep trusting the webhook during the switch.
 */
public final class WebhookCertificates {

    /** How long a new CA is valid. */
    public static final Duration CA_VALIDITY = Duration.ofDays(5 * 365);
    /** How long a new serving certificate is valid. */
    public static final Duration SERVING_VALIDITY = Duration.ofDays(365);
    /** A serving certificate is renewed when less than this is left. */
    public static final Duration RENEW_SERVING_BEFORE = Duration.ofDays(60);
    /** The CA is renewed when it would expire before a new serving certificate does. */
    public static final Duration RENEW_CA_BEFORE = SERVING_VALIDITY.plus(RENEW_SERVING_BEFORE);

    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookCertificates() {
    }

    /**
     * What the webhook serves with and what API servers trust: PEM texts as stored in the Secret.
     *
     * @param caCert     the current CA certificate
     * @param caKey      the current CA's private key (PKCS#8 PEM), kept to sign renewed serving certificates
     * @param servingCert the serving certificate followed by the CA certificate (a chain)
     * @param servingKey the serving key (PKCS#8 PEM)
     * @param caBundle   every CA certificate a client should trust now: the current CA, then a previous one that
     *                   is still valid
     */
    public record Bundle(String caCert, String caKey, String servingCert, String servingKey, String caBundle) {
    }

    /** A new CA and a serving certificate for {@code dnsNames}, valid from {@code now}. */
    public static Bundle issue(List<String> dnsNames, Instant now) {
        KeyPair ca = newKeyPair();
        X509Certificate caCert = caCertificate(ca, now);
        return serving(ca.getPrivate(), caCert, dnsNames, now, pem(caCert));
    }

    /**
     * {@code current} when it is good for a while yet, else a renewed bundle: a new serving certificate signed by
     * the same CA, or a new CA too when the CA is close to its end (the old CA then stays in {@code caBundle}).
     * A bundle that cannot be read, or whose serving certificate does not name every DNS name, is replaced.
     */
    public static Bundle renewIfNeeded(Bundle current, List<String> dnsNames, Instant now) {
        return renewIfNeeded(current, dnsNames, now, RENEW_SERVING_BEFORE);
    }

    /** As above, renewing the serving certificate when less than {@code renewBefore} of it is left. */
    public static Bundle renewIfNeeded(Bundle current, List<String> dnsNames, Instant now, Duration renewBefore) {
        X509Certificate caCert;
        X509Certificate servingCert;
        PrivateKey caKey;
        try {
            caCert = parseCertificates(current.caCert()).get(0);
            servingCert = parseCertificates(current.servingCert()).get(0);
            caKey = parsePrivateKey(current.caKey());
            servingCert.verify(caCert.getPublicKey());
        } catch (RuntimeException | GeneralSecurityException e) {
            return issue(dnsNames, now);
        }
        if (!names(servingCert).containsAll(dnsNames.stream().map(WebhookCertificates::normalizeIp).toList())) {
            return serving(caKey, caCert, dnsNames, now, current.caBundle());
        }
        if (caCert.getNotAfter().toInstant().isBefore(now.plus(RENEW_CA_BEFORE))) {
            KeyPair next = newKeyPair();
            X509Certificate nextCa = caCertificate(next, now);
            String bundle = pem(nextCa) + (caCert.getNotAfter().toInstant().isAfter(now) ? pem(caCert) : "");
            return serving(next.getPrivate(), nextCa, dnsNames, now, bundle);
        }
        if (servingCert.getNotAfter().toInstant().isBefore(now.plus(renewBefore))) {
            return serving(caKey, caCert, dnsNames, now, current.caBundle());
        }
        return current;
    }

    /** The DNS names a webhook Service answers to: {@code svc}, {@code svc.ns}, {@code svc.ns.svc} and the FQDN. */
    public static List<String> serviceDnsNames(String service, String namespace) {
        return List.of(service, service + "." + namespace, service + "." + namespace + ".svc",
                service + "." + namespace + ".svc.cluster.local");
    }

    /** Every certificate in a PEM text, in order. */
    public static List<X509Certificate> parseCertificates(String pem) {
        List<X509Certificate> out = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(new JcaX509CertificateConverter().getCertificate(h));
                }
            }
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException("the PEM text holds no readable certificate: " + e.getMessage(), e);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("the PEM text holds no certificate");
        }
        return out;
    }

    /** A PKCS#8 or traditional EC private key from PEM. */
    public static PrivateKey parsePrivateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return conv.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return conv.getKeyPair(pair).getPrivate();
            }
            throw new IllegalArgumentException("the PEM text holds no private key");
        } catch (IOException e) {
            throw new IllegalArgumentException("the PEM text holds no readable private key: " + e.getMessage(), e);
        }
    }

    /** When the serving certificate of {@code bundle} expires. */
    public static Instant servingNotAfter(Bundle bundle) {
        return parseCertificates(bundle.servingCert()).get(0).getNotAfter().toInstant();
    }

    private static Bundle serving(PrivateKey caKey, X509Certificate caCert, List<String> dnsNames, Instant now,
            String caBundle) {
        KeyPair key = newKeyPair();
        try {
            // an IP literal (out-of-cluster URL such as https://127.0.0.1:8443) is an IP SAN, anything else a DNS SAN
            GeneralName[] sans = dnsNames.stream().map(n -> new GeneralName(
                    WebhookEndpoint.isIpLiteral(n) ? GeneralName.iPAddress : GeneralName.dNSName, n))
                    .toArray(GeneralName[]::new);
            JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(caCert,
                    serial(), Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(SERVING_VALIDITY)),
                    new X500Name("CN=" + dnsNames.get(0)), key.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature))
                    .addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
                    .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(sans))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            ext.createSubjectKeyIdentifier(key.getPublic()))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            ext.createAuthorityKeyIdentifier(caCert));
            X509Certificate cert = sign(b, caKey);
            return new Bundle(pem(caCert), pem(caKey), pem(cert) + pem(caCert), pem(key.getPrivate()), caBundle);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue the webhook serving certificate: " + e.getMessage(), e);
        }
    }

    private static X509Certificate caCertificate(KeyPair ca, Instant now) {
        try {
            X500Name name = new X500Name("CN=modelgate-webhook-ca-" + now.getEpochSecond());
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, serial(),
                    Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(CA_VALIDITY)), name, ca.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(0))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            new JcaX509ExtensionUtils().createSubjectKeyIdentifier(ca.getPublic()));
            return sign(b, ca.getPrivate());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot issue the webhook CA: " + e.getMessage(), e);
        }
    }

    private static X509Certificate sign(X509v3CertificateBuilder b, PrivateKey signer)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(signer)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    /** An IP literal in one canonical text form (IPv6 is written several ways); other names unchanged. */
    private static String normalizeIp(String name) {
        if (!WebhookEndpoint.isIpLiteral(name)) {
            return name;
        }
        try {
            return java.net.InetAddress.getByName(name).getHostAddress(); // a literal: parsed, never looked up
        } catch (java.net.UnknownHostException e) {
            return name;
        }
    }

    /** The DNS names and IP addresses the certificate names (IPs in canonical form). */
    static List<String> names(X509Certificate cert) {
        List<String> out = new ArrayList<>();
        try {
            if (cert.getSubjectAlternativeNames() != null) {
                for (List<?> san : cert.getSubjectAlternativeNames()) {
                    if (Integer.valueOf(GeneralName.dNSName).equals(san.get(0))) {
                        out.add((String) san.get(1));
                    } else if (Integer.valueOf(GeneralName.iPAddress).equals(san.get(0))) {
                        out.add(normalizeIp((String) san.get(1)));
                    }
                }
            }
        } catch (CertificateException e) {
            return List.of();
        }
        return out;
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate an EC P-256 key: " + e.getMessage(), e);
        }
    }

    private static BigInteger serial() {
        return new BigInteger(127, RANDOM).add(BigInteger.ONE);
    }

    static String pem(Object o) {
        StringWriter w = new StringWriter();
        try (JcaPEMWriter pw = new JcaPEMWriter(w)) {
            pw.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write PEM: " + e.getMessage(), e);
        }
        return w.toString();
    }
}
