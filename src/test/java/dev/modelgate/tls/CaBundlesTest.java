package dev.modelgate.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.modelgate.admission.tls.WebhookCertificates;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A bad CA bundle is named in words. Whom a bundle trusts (its CAs only, never the JVM's store) is proven over real
 * handshakes by SecureDownloaderTest (downloads) and OciRegistryTest (registries), which both build on this class.
 */
class CaBundlesTest {

    @Test
    void aPemBundleGivesATlsContext() {
        WebhookCertificates.Bundle bundle = WebhookCertificates.issue(List.of("localhost"), Instant.now());
        assertEquals("TLS", CaBundles.sslContext(bundle.caCert()).getProtocol());
    }

    @Test
    void anEmptyOrUnreadableBundleIsNamed() {
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> CaBundles.sslContext(""));
        assertEquals("holds no certificate", empty.getMessage());
        IllegalArgumentException broken = assertThrows(IllegalArgumentException.class, () -> CaBundles.sslContext(
                "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"));
        assertTrue(broken.getMessage().startsWith("cannot be read ("), broken.getMessage());
    }
}
