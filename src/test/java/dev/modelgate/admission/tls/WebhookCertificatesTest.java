package dev.modelgate.admission.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The webhook's own CA and serving certificate: issue, chain, names, and renewal before expiry. */
class WebhookCertificatesTest {

    static final List<String> NAMES = WebhookCertificates.serviceDnsNames("modelgate-webhook", "modelgate-system");
    static final Instant T0 = Instant.parse("2026-11-22T00:00:00Z");

    @Test
    void servingCertificateIsSignedByTheCaAndNamesTheService() throws Exception {
        WebhookCertificates.Bundle b = WebhookCertificates.issue(NAMES, T0);
        List<X509Certificate> chain = WebhookCertificates.parseCertificates(b.servingCert());
        X509Certificate ca = WebhookCertificates.parseCertificates(b.caCert()).get(0);
        assertEquals(2, chain.size(), "leaf and CA");
        chain.get(0).verify(ca.getPublicKey());
        assertEquals(List.of("modelgate-webhook", "modelgate-webhook.modelgate-system",
                "modelgate-webhook.modelgate-system.svc", "modelgate-webhook.modelgate-system.svc.cluster.local"),
                chain.get(0).getSubjectAlternativeNames().stream().map(l -> (String) l.get(1)).toList());
        assertEquals(-1, chain.get(0).getBasicConstraints(), "the serving certificate is no CA");
        assertEquals(0, ca.getBasicConstraints());
        assertEquals(List.of("1.3.6.1.5.5.7.3.1"), chain.get(0).getExtendedKeyUsage());
        assertEquals(b.caCert(), b.caBundle());
        assertEquals(T0.plus(WebhookCertificates.SERVING_VALIDITY), WebhookCertificates.servingNotAfter(b));
        // the private key matches the certificate
        assertEquals("EC", WebhookCertificates.parsePrivateKey(b.servingKey()).getAlgorithm());
    }

    @Test
    void aFreshBundleIsKept() {
        WebhookCertificates.Bundle b = WebhookCertificates.issue(NAMES, T0);
        assertSame(b, WebhookCertificates.renewIfNeeded(b, NAMES, T0.plus(Duration.ofDays(200))));
    }

    @Test
    void servingCertificateIsRenewedBeforeExpiryUnderTheSameCa() throws Exception {
        WebhookCertificates.Bundle b = WebhookCertificates.issue(NAMES, T0);
        Instant late = T0.plus(Duration.ofDays(320)); // 45 days left < 60
        WebhookCertificates.Bundle r = WebhookCertificates.renewIfNeeded(b, NAMES, late);
        assertNotEquals(b.servingCert(), r.servingCert());
        assertEquals(b.caCert(), r.caCert(), "caBundle need not change");
        assertEquals(b.caBundle(), r.caBundle());
        WebhookCertificates.parseCertificates(r.servingCert()).get(0)
                .verify(WebhookCertificates.parseCertificates(b.caCert()).get(0).getPublicKey());
        assertEquals(late.plus(WebhookCertificates.SERVING_VALIDITY), WebhookCertificates.servingNotAfter(r));
    }

    @Test
    void caCloseToItsEndIsReplacedAndTheOldOneStaysInTheBundle() {
        WebhookCertificates.Bundle b = WebhookCertificates.issue(NAMES, T0);
        Instant late = T0.plus(WebhookCertificates.CA_VALIDITY).minus(Duration.ofDays(300));
        WebhookCertificates.Bundle r = WebhookCertificates.renewIfNeeded(b, NAMES, late);
        assertNotEquals(b.caCert(), r.caCert());
        List<X509Certificate> bundle = WebhookCertificates.parseCertificates(r.caBundle());
        assertEquals(2, bundle.size(), "new CA first, the old one until it expires");
        assertEquals(WebhookCertificates.parseCertificates(r.caCert()).get(0), bundle.get(0));
        assertEquals(WebhookCertificates.parseCertificates(b.caCert()).get(0), bundle.get(1));
    }

    @Test
    void aServiceRenameGetsANewServingCertificate() {
        WebhookCertificates.Bundle b = WebhookCertificates.issue(NAMES, T0);
        List<String> other = WebhookCertificates.serviceDnsNames("mg", "modelgate-system");
        WebhookCertificates.Bundle r = WebhookCertificates.renewIfNeeded(b, other, T0.plus(Duration.ofDays(1)));
        assertNotEquals(b.servingCert(), r.servingCert());
        assertEquals(b.caCert(), r.caCert());
    }

    @Test
    void anUnreadableBundleIsReplaced() {
        WebhookCertificates.Bundle junk = new WebhookCertificates.Bundle("x", "y", "z", "w", "v");
        WebhookCertificates.Bundle r = WebhookCertificates.renewIfNeeded(junk, NAMES, T0);
        assertTrue(r.caCert().startsWith("-----BEGIN CERTIFICATE-----"));
    }

    @Test
    void parseErrorsSaySo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> WebhookCertificates.parseCertificates("not pem"));
        assertEquals("the PEM text holds no certificate", e.getMessage());
    }
}
