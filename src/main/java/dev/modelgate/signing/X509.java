package dev.modelgate.signing;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** X.509 helpers shared by the certificate-chain and keyless paths: parsing, path validation, names. */
final class X509 {

    static final String CODE_SIGNING = "1.3.6.1.5.5.7.3.3";
    private static final int DIGITAL_SIGNATURE = 0;

    private X509() {
    }

    static X509Certificate parse(byte[] der, String where) throws OmsException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw OmsException.badInput(where + " is not an X.509 certificate (" + e.getMessage() + ")");
        }
    }

    /** Every certificate of a PEM bundle; none at all is bad input. */
    static List<X509Certificate> parsePem(String pem, String where) throws OmsException {
        if (!pem.contains("-----BEGIN CERTIFICATE-----")) {
            throw OmsException.badInput(where + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        Collection<? extends java.security.cert.Certificate> certs;
        try {
            certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        } catch (CertificateException | RuntimeException e) {
            throw OmsException.badInput(where + " is not a PEM bundle of X.509 certificates (" + e.getMessage() + ")");
        }
        List<X509Certificate> out = new ArrayList<>();
        for (java.security.cert.Certificate c : certs) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw OmsException.badInput(where + " holds no certificate (expected -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    static String subject(X509Certificate c) {
        return c.getSubjectX500Principal().getName();
    }

    /** Each certificate's own validity at {@code at}, with a sentence naming the one that fails. */
    static void requireValidAt(List<X509Certificate> chain, Instant at, String when) throws OmsException {
        for (X509Certificate c : chain) {
            try {
                c.checkValidity(Date.from(at));
            } catch (CertificateExpiredException e) {
                throw OmsException.invalid("certificate '" + subject(c) + "' expired at "
                        + c.getNotAfter().toInstant() + " (" + when + " " + at + ")");
            } catch (CertificateNotYetValidException e) {
                throw OmsException.invalid("certificate '" + subject(c) + "' is not valid before "
                        + c.getNotBefore().toInstant() + " (" + when + " " + at + ")");
            }
        }
    }

    /**
     * PKIX validation of {@code chain} (leaf first; a trailing copy of a root is dropped) to one of {@code roots},
     * at {@code at}, without revocation checking (there is no network on the verification path). Returns the
     * anchor's subject.
     */
    static String validate(List<X509Certificate> chain, List<X509Certificate> roots, Instant at) throws OmsException {
        List<X509Certificate> path = new ArrayList<>(chain);
        Set<X509Certificate> rootSet = new HashSet<>(roots);
        while (path.size() > 1 && rootSet.contains(path.get(path.size() - 1))) {
            path.remove(path.size() - 1);
        }
        Set<TrustAnchor> anchors = new HashSet<>();
        for (X509Certificate r : roots) {
            anchors.add(new TrustAnchor(r, null));
        }
        try {
            CertPath cp = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(at));
            var result = (java.security.cert.PKIXCertPathValidatorResult) CertPathValidator.getInstance("PKIX")
                    .validate(cp, params);
            return result.getTrustAnchor().getTrustedCert().getSubjectX500Principal().getName();
        } catch (CertPathValidatorException e) {
            throw OmsException.invalid("the signing certificate '" + subject(chain.get(0))
                    + "' does not chain to a trusted root (" + e.getMessage() + ")");
        } catch (java.security.GeneralSecurityException e) {
            throw OmsException.badInput("the certificate chain cannot be checked: " + e.getMessage());
        }
    }

    /** OMS signing certificates must allow digital signatures and code signing. */
    static void requireCodeSigning(X509Certificate leaf) throws OmsException {
        boolean[] ku = leaf.getKeyUsage();
        if (ku == null || ku.length <= DIGITAL_SIGNATURE || !ku[DIGITAL_SIGNATURE]) {
            throw OmsException.invalid("the signing certificate '" + subject(leaf)
                    + "' does not allow digitalSignature in its key usage; issue a code-signing certificate");
        }
        List<String> eku;
        try {
            eku = leaf.getExtendedKeyUsage();
        } catch (java.security.cert.CertificateParsingException e) {
            throw OmsException.badInput("the signing certificate's extended key usage cannot be read: " + e.getMessage());
        }
        if (eku == null || !eku.contains(CODE_SIGNING)) {
            throw OmsException.invalid("the signing certificate '" + subject(leaf)
                    + "' lacks the codeSigning extended key usage; issue a code-signing certificate");
        }
    }

    /** The e-mail, DNS and URI subject alternative names. */
    static List<String> sans(X509Certificate c) throws OmsException {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> all = c.getSubjectAlternativeNames();
            if (all != null) {
                for (List<?> e : all) {
                    Object type = e.get(0);
                    if (type instanceof Integer t && (t == 1 || t == 2 || t == 6) && e.get(1) instanceof String s) {
                        out.add(s);
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            throw OmsException.badInput("the certificate's subject alternative names cannot be read: " + e.getMessage());
        }
        return out;
    }
}
